"""Issue 10, end to end, output hygiene (class 6): escape sequences, bidi overrides and NUL in
a status word, an error body, a warning and file names reach neither the terminal (stderr,
human stdout) nor `--json`/NDJSON raw, and the run's key echoed back by the server is masked
everywhere, on both HTTP paths."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.hostilekit import JSON, KEY, MASKED, Ran, assert_clean, by_job, jobwatch, path_env
from tests.hostile import HostileServer, answer, serving
from tests.httpkit import PATHS, Via

pytestmark = pytest.mark.e2e

# CSI colour, OSC window title, bidi override and isolate, NUL, the one-byte C1 CSI.
EVIL = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \u202eevil\u2066 \x00nul \x9b2J "
RAW = ("\x1b", "\x9b", "\x07", "\x00", "\u202e", "\u2066")
SHOWN = "\ufffdred\ufffd \ufffd \ufffdevil\ufffd \ufffdnul \ufffd " + MASKED


def firecrawl(body: dict[str, object], status: str = "200 OK") -> bytes:
    return answer(json.dumps(body).encode(), JSON, status=status)


ROUTES = {
    # An unknown status word (taken as running) and a warning, both with the key in them.
    "S": firecrawl(
        {
            "success": True,
            "status": "scraping" + EVIL + KEY,
            "completed": 1,
            "total": 2,
            "warning": "careful " + EVIL + KEY,
        }
    ),  # fmt: skip
    "F": firecrawl(
        {"success": True, "status": "failed", "error": "boom " + EVIL + KEY, "warning": KEY}
    ),  # fmt: skip
    "E": firecrawl({"success": False, "error": "bad request " + EVIL + KEY}, "400 Bad Request"),
}


@pytest.fixture(params=PATHS)
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    with Via(request.param) as path:
        yield path


def assert_nothing_raw(ran: Ran) -> None:
    for char in RAW:
        assert char not in ran.stdout, (char, ran.stdout)
        assert char not in ran.stderr, (char, ran.stderr)
    assert_clean(ran)  # the key never whole


def check_jobs(jobs: dict[str, dict[str, object]]) -> None:
    assert jobs["S"]["status"] == "scraping" + SHOWN
    assert jobs["S"]["extra"] == {"kind": "batch_scrape", "warning": "careful " + SHOWN}
    assert jobs["F"]["message"] == "boom " + SHOWN
    # (a failed job's /errors are read too: what they said is beside the warning)
    shown = {k: v for k, v in jobs["F"]["extra"].items() if not k.startswith(("errors", "robots"))}
    assert shown == {"kind": "batch_scrape", "warning": MASKED}
    assert jobs["E"]["message"] == "firecrawl: HTTP 400: bad request " + SHOWN


def test_provider_text_is_clean_in_one_off_json_and_human(tmp_path: Path, via: Via) -> None:
    env = path_env(via, FIRECRAWL_API_KEY=KEY)
    with HostileServer(by_job(ROUTES)) as server:
        as_json = jobwatch(tmp_path, "firecrawl", "S", "F", "E", "--base-url", server.url,
                           "--json", env=env)  # fmt: skip
        human = jobwatch(tmp_path, "firecrawl", "S", "F", "E", "--base-url", server.url,
                         env=env)  # fmt: skip
    assert as_json.code == human.code == 1
    check_jobs({job["id"]: job for job in as_json.json()["jobs"]})
    lines = human.stdout.splitlines()
    assert f"firecrawl S running (scraping{SHOWN}) 1/2 pages 50%" in "\n".join(lines)
    assert f"firecrawl F failed - boom {SHOWN}" in human.stdout
    for ran in (as_json, human):
        assert f"unknown status word 'scraping{SHOWN}'" in ran.stderr
        assert f"firecrawl E: HTTP 400: bad request {SHOWN}" in ran.stderr
        assert_nothing_raw(ran)


def test_provider_text_is_clean_in_ndjson_and_progress_lines(tmp_path: Path, via: Via) -> None:
    with HostileServer(by_job(ROUTES)) as server:
        ran = jobwatch(
            tmp_path, "watch", "firecrawl:S", "firecrawl:F", "firecrawl:E", "--base-url",
            server.url, "--json", "--progress", "plain", "--interval", "0.1", "--timeout", "4",
            "--max-retries", "0", env=path_env(via, FIRECRAWL_API_KEY=KEY),
        )  # fmt: skip
    assert ran.code == 1, ran.stderr  # F failed: that outranks the timeout
    events = ran.ndjson()
    assert {event["event"] for event in events} == {"status", "summary"}
    check_jobs(ran.summary_jobs())
    check_jobs({event["job"]["id"]: event["job"] for event in events if "job" in event})
    assert f"firecrawl S running (scraping{SHOWN}) 1/2 pages 50%" in ran.stderr
    assert_nothing_raw(ran)


def test_milvus_file_names_and_reasons_are_clean(tmp_path: Path, via: Via) -> None:
    body = {"code": 0, "data": {
        "state": "Failed", "reason": "r " + EVIL + KEY, "collectionName": "c" + EVIL,
        "details": [{"fileName": "f" + EVIL + KEY + ".parquet", "state": "Failed",
                     "reason": "x" + EVIL}],
    }}  # fmt: skip
    env = path_env(via, ZILLIZ_API_KEY=KEY)
    with HostileServer(serving(answer(json.dumps(body).encode(), JSON))) as server:
        as_json = jobwatch(tmp_path, "zilliz", "123", "--base-url", server.url, "--json", env=env)
        human = jobwatch(tmp_path, "zilliz", "123", "--base-url", server.url, env=env)
    assert as_json.code == human.code == 1
    (job,) = as_json.json()["jobs"]
    assert job["message"] == "r " + SHOWN
    (item,) = job["items"]
    assert item["name"] == "f" + SHOWN + ".parquet"
    assert item["message"] == "x" + SHOWN.removesuffix(MASKED)
    assert job["extra"]["collectionName"] == "c" + SHOWN.removesuffix(MASKED)
    assert f"f{SHOWN}.parquet failed" in human.stdout
    for ran in (as_json, human):
        assert_nothing_raw(ran)
