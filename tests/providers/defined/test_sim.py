"""`jobwatch sim` serves a defined provider at its own paths, in the shape its table reads,
with the simulator's stories; the real CLI watches it there to the end."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobwatch.cli.app import make_app
from jobwatch.providers import PROVIDERS
from jobwatch.providers.defined import define_all, names_in_use
from jobwatch.sim import start_sim
from tests.cli_helpers import Fake, clean_environment, invoke
from tests.definedkit import readme_tables

KEY = "sim-key-0123456789abcdef"
POSTED = """
[providers.lookup]
base_url = "https://api.lookup.test"
status = "POST /v1/lookup"
body = { query = { job = "{id}" } }
key_header = "x-api-key"
[providers.lookup.read]
status = "/result/phase"
progress = "/result/percent"
progress_scale = 100
eta_seconds = "/result/eta"
[providers.lookup.states]
running = ["busy"]
succeeded = ["ok"]
failed = ["bad"]
"""


@pytest.fixture
def sim(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    clean_environment(monkeypatch)
    for text in (readme_tables(), POSTED):
        data = tomllib.loads(text)["providers"]
        for entry in define_all(data, where="providers.toml", taken=names_in_use(PROVIDERS)):
            monkeypatch.setitem(PROVIDERS, entry.name, entry)
    with start_sim(port=0, speed=20) as server:  # started after they were registered
        yield server.base_url


def test_its_status_endpoint_answers_in_the_tables_shape(sim: str) -> None:
    with httpx.Client(base_url=sim, headers={"Authorization": f"Bearer {KEY}"}) as http:
        first = http.get("/v1/batches/b-1").json()
        assert first == {"request_counts": {"completed": 0, "total": 100}, "status": "validating"}
        failed = http.get("/v1/batches/b-2-fail")
        assert failed.status_code == 200
        assert http.get("/v1/predictions/p-gone").status_code == 404
        assert http.get("/v1/predictions/p-1").json() == {"status": "starting"}
        assert (
            http.get("/v1/predictions/p-1", headers={"Authorization": "Bearer bad-key"}).status_code
            == 401
        )
        assert http.get("/v1/predictions/p-1", headers={"Authorization": ""}).status_code == 401
    with httpx.Client(base_url=sim) as http:  # the bare key: `Bearer KEY` is not it
        assert http.get("/v2/transcript/t-1", headers={"Authorization": KEY}).json() == {
            "status": "queued"
        }
        assert http.get("/v2/transcript/t-1", headers={"x-api-key": KEY}).status_code == 401


def test_a_post_status_endpoint_reads_the_id_from_its_body(sim: str) -> None:
    with httpx.Client(base_url=sim, headers={"x-api-key": KEY}) as http:
        answer = http.post("/v1/lookup", json={"query": {"job": "l-1"}})
        assert answer.status_code == 200 and answer.json()["result"]["phase"] == "busy"
        assert 0 <= answer.json()["result"]["percent"] <= 100
        assert http.post("/v1/lookup", json={"query": {}}).status_code == 400
        assert http.post("/v1/lookup", json={"query": {"job": "l-1"}},
                         headers={"x-api-key": "bad-key"}).status_code == 401  # fmt: skip


def test_cancel_stops_a_running_job(sim: str) -> None:
    with httpx.Client(base_url=sim, headers={"Authorization": f"Bearer {KEY}"}) as http:
        http.get("/v1/predictions/p-slow")
        cancelled = http.post("/v1/predictions/p-slow/cancel")
        assert (cancelled.status_code, cancelled.json()) == (200, {"status": "canceled"})
        assert http.get("/v1/predictions/p-slow").json() == {"status": "canceled"}
        assert http.post("/v1/predictions/p-slow/cancel").status_code == 409


def test_the_cli_watches_defined_providers_on_the_simulator(sim: str, tmp_path: Path) -> None:
    with httpx.Client(base_url=sim) as http:

        def forward(request: httpx.Request) -> httpx.Response:
            answer = http.request(request.method, request.url.path, headers=request.headers,
                                  content=request.content)  # fmt: skip
            return httpx.Response(answer.status_code, content=answer.content,
                                  headers={"Content-Type": "application/json"})  # fmt: skip

        fake = Fake(forward)
        refs = ["openai-batch:b-3", "replicate:p-3-fail", "assemblyai:t-3", "lookup:l-3"]
        args = ["watch", *refs, "--json", "-i", "0.05", "--api-key", KEY, "--base-url", sim,
                "-t", "30"]  # fmt: skip
        result = invoke(args, tmp_path, fake=fake, secrets=(KEY,), cli=make_app())
    assert result.exit_code == 1, result.output
    summary = [line for line in result.stdout.splitlines() if '"summary"' in line][-1]
    jobs = {job["id"]: job for job in json.loads(summary)["jobs"]}
    assert {name: (job["state"], job["status"]) for name, job in jobs.items()} == {
        "b-3": ("succeeded", "completed"),
        "p-3-fail": ("failed", "failed"),
        "t-3": ("succeeded", "completed"),
        "l-3": ("succeeded", "ok"),
    }
    assert (
        jobs["b-3"]["completed"] == 100
        and jobs["p-3-fail"]["message"] == "the simulated job failed"
    )
    assert jobs["l-3"]["progress"] == 1.0
