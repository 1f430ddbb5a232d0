"""The simulator over real sockets: routing, the clock and speed, faults, serve_forever."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from jobwatch.sim import SimServer, start_sim
from tests.sim._support import poll_until


def test_base_url_is_loopback_with_the_bound_port(sim: SimServer) -> None:
    assert sim.base_url.startswith("http://127.0.0.1:")
    assert int(sim.base_url.rsplit(":", 1)[1]) > 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/datasets/v3/progress/s1", None),
        ("POST", "/v2/vectordb/jobs/import/getProgress", {"jobId": "j", "clusterId": "c"}),
        ("POST", "/v2/vectordb/jobs/import/describe", {"jobId": "j"}),
        ("POST", "/v2/vectordb/jobs/import/get_progress", {"jobId": "j"}),
        ("POST", "/v1/datasets/1/process", {"document_ids": ["1"]}),
        ("GET", "/v2/batch/scrape/b1", None),
        ("GET", "/v2/crawl/c1", None),
        ("GET", "/v2/batch/scrape/b1/errors", None),
        ("GET", "/v2/crawl/c1/errors", None),
    ],
)
def test_every_endpoint_answers_json(
    client: httpx.Client, method: str, path: str, body: object
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert isinstance(response.json(), dict)


DATASET = "gd_l1viktl72bvl7bjuj0"


@pytest.mark.parametrize(
    ("method", "path", "body", "kind"),
    [
        ("GET", f"/datasets/v3/snapshots?dataset_id={DATASET}&status=running", None, list),
        ("POST", "/datasets/v3/snapshot/s9/cancel", None, str),
        ("POST", "/v2/vectordb/jobs/import/list", {"clusterId": "in01-x"}, dict),
        ("POST", "/v2/vectordb/jobs/import/list", {}, dict),
        ("POST", "/v2/vectordb/jobs/import/abort", {"jobId": "1-uncommitted"}, dict),
        ("POST", "/open_api/knowledge/document/list", {"dataset_id": "1"}, dict),
        ("GET", "/v2/crawl/active", None, dict),
        ("GET", "/v1/crawl/ongoing", None, dict),
        ("DELETE", "/v2/crawl/c9", None, dict),
        ("DELETE", "/v2/batch/scrape/b9", None, dict),
        ("GET", "/v1/crawl/c9/errors", None, dict),
        ("GET", "/v1/batch/scrape/b9/errors", None, dict),
        ("GET", "/v2/jobs/job-9", None, dict),
        ("GET", "/v1/workflows/742/run_histories/743", None, dict),
        ("GET", "/v3/chat/retrieve?conversation_id=7381&chat_id=7382", None, dict),
        ("POST", "/v3/chat/retrieve?conversation_id=7381&chat_id=7382", None, dict),
        ("POST", "/v3/chat/cancel", {"conversation_id": "7381", "chat_id": "7383"}, dict),
    ],
)
def test_every_new_endpoint_answers_over_sockets_with_a_query_string(
    client: httpx.Client, method: str, path: str, body: object, kind: type
) -> None:
    separator = "&" if "?" in path else "?"
    response = client.request(method, f"{path}{separator}trace=1", json=body)
    assert response.status_code == 200, response.text
    if kind is str:
        assert (response.headers["content-type"], response.text) == (
            "text/plain; charset=utf-8",
            "OK",
        )
    else:
        assert isinstance(response.json(), kind)


def test_a_cancelled_crawl_leaves_the_active_list(client: httpx.Client) -> None:
    assert client.get("/v2/crawl/c-live").json()["status"] == "scraping"
    assert [c["id"] for c in client.get("/v2/crawl/active").json()["crawls"]] == ["c-live"]
    assert client.delete("/v2/crawl/c-live").json() == {"status": "cancelled"}
    assert client.get("/v2/crawl/active").json()["crawls"] == []
    assert client.get("/v2/crawl/c-live?limit=1").json()["status"] == "cancelled"


def test_unknown_path_is_404_and_wrong_method_405(client: httpx.Client) -> None:
    assert client.get("/v3/nothing").status_code == 404
    assert client.post("/datasets/v3/progress/s1").status_code == 405


def test_a_job_runs_its_story_on_its_own_clock_at_speed(client: httpx.Client) -> None:
    started = time.monotonic()
    seen = [client.get("/datasets/v3/progress/clocked").json()["status"]]
    final = poll_until(
        lambda: client.get("/datasets/v3/progress/clocked").json()["status"],
        lambda status: seen.append(status) is None and status == "ready",
    )
    took = time.monotonic() - started
    assert final == "ready"
    assert seen[0] == "starting" and "running" in seen
    assert took >= 10 / 20 - 0.05  # 10 story seconds at speed 20
    # another id named only now starts from the beginning
    assert client.get("/datasets/v3/progress/newcomer").json()["status"] == "starting"


def test_flaky_gives_a_proxy_page_then_drops_the_connection(client: httpx.Client) -> None:
    first = client.get("/v2/batch/scrape/f-flaky")
    assert first.status_code == 502
    assert first.headers["content-type"].startswith("text/html")
    assert "<html>" in first.text
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/v2/batch/scrape/f-flaky")
    assert client.get("/v2/batch/scrape/f-flaky").json()["success"] is True


def test_500_story_is_a_burst_of_server_errors(client: httpx.Client) -> None:
    statuses = [client.get("/datasets/v3/progress/s-500").status_code for _ in range(4)]
    assert statuses == [500, 502, 503, 200]


def test_429_story_sends_retry_after(client: httpx.Client) -> None:
    first = client.post("/v2/vectordb/jobs/import/describe", json={"jobId": "j-429"})
    assert (first.status_code, first.headers["retry-after"]) == (429, "1")
    assert (
        client.post("/v2/vectordb/jobs/import/describe", json={"jobId": "j-429"}).json()["code"]
        == 0
    )


def test_firecrawl_next_is_absolute_from_the_host_header_and_followable(
    sim: SimServer, client: httpx.Client
) -> None:
    client.get("/v2/crawl/walk")
    done = poll_until(
        lambda: client.get("/v2/crawl/walk", params={"limit": 10}).json(),
        lambda body: body["status"] == "completed",
    )
    urls = [d["metadata"]["url"] for d in done["data"]]
    while "next" in done:
        assert done["next"].startswith(f"{sim.base_url}/v2/crawl/walk?skip=")
        done = client.get(done["next"]).json()
        urls += [d["metadata"]["url"] for d in done["data"]]
    assert urls == [f"https://example.com/docs/page-{i}" for i in range(25)]
    first_page = client.get(
        "/v2/crawl/walk", headers={"Host": "sim.example:9"}, params={"limit": 5}
    )
    assert first_page.json()["next"] == "http://sim.example:9/v2/crawl/walk?skip=5&limit=5"


def test_big_bodies_are_quick(client: httpx.Client) -> None:
    started = time.monotonic()
    for _ in range(3):
        response = client.get("/v2/batch/scrape/x-big")
        assert len(response.content) > 9_500_000
    assert time.monotonic() - started < 5  # well under a second each on an idle machine


def test_close_releases_the_port() -> None:
    server = start_sim(port=0, speed=1)
    port = int(server.base_url.rsplit(":", 1)[1])
    server.close()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


SERVE = """
import sys
from jobwatch.sim.server import serve_forever
try:
    serve_forever("127.0.0.1", 0, 20.0, sys.stdout)
except KeyboardInterrupt:
    pass
"""


def test_serve_forever_prints_the_listening_line_first_and_logs_nothing() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:")
        base_url = line.removeprefix("listening on ").strip()
        with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer k"}) as http:
            assert http.get("/datasets/v3/progress/s1").json()["status"] == "starting"
            assert http.get("/nowhere").status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out == "" and err == ""  # one line, and no request log


def test_the_request_log_has_method_path_and_status_and_no_secret(tmp_path: Path) -> None:
    log = tmp_path / "sim.log"
    with start_sim(port=0, speed=20, log=str(log)) as server:
        secret = {"Authorization": "Bearer fc-very-secret"}
        with httpx.Client(base_url=server.base_url, headers=secret) as http:
            http.get("/v2/crawl/c1?skip=0&limit=5&api_key=fc-very-secret")
            http.get("/v2/crawl/c1-gone")
            http.post("/v2/vectordb/jobs/import/list", json={})
            with pytest.raises(httpx.HTTPError):
                for _ in range(2):  # a proxy page, then a connection closed without answer
                    http.get("/v2/crawl/c1-flaky")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [
        "GET /v2/crawl/c1?skip=0&limit=5&api_key=*** 200",
        "GET /v2/crawl/c1-gone 404",
        "POST /v2/vectordb/jobs/import/list 200",
        "GET /v2/crawl/c1-flaky 502",
        "GET /v2/crawl/c1-flaky -",
    ]
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
    assert all(stamp.fullmatch(line.split()[0]) for line in lines)
    assert "secret" not in log.read_text(encoding="utf-8")


LOGGED = """
import sys
from jobwatch.sim.server import serve_forever
try:
    serve_forever("127.0.0.1", 0, 20.0, sys.stdout, log=sys.stderr)
except KeyboardInterrupt:
    pass
"""


def test_serve_forever_logs_to_a_stream() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", LOGGED], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().removeprefix("listening on ").strip()
        with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer k"}) as http:
            assert http.delete("/v2/batch/scrape/b1").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0 and out == ""
    assert err.endswith(" DELETE /v2/batch/scrape/b1 200\n") and err.count("\n") == 1
