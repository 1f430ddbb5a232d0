"""The endpoints each kind of job declares: the paths its documentation gives, and every one
of them answered by `jobwatch sim` in the shape the kind reads.

The simulator's routes are read from the kinds' `endpoints`, so a wrong path there would be
served by the simulator just the same. The documented paths below are the check on them:
written here from docs/providers/*.md and Firecrawl's OpenAPI file
(tests/fixtures/firecrawl/v2-openapi.json), never from the code.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobwatch.http.client import Client, send
from jobwatch.providers import PROVIDERS, Provider
from jobwatch.providers.firecrawl import BatchScrape
from jobwatch.sim import start_sim
from tests.providers.conftest import settings

OPENAPI = Path(__file__).resolve().parent.parent / "fixtures" / "firecrawl" / "v2-openapi.json"

# (provider, kind, what for) -> method and path as documented, every parameter written `{}`.
DOCUMENTED = {
    ("brightdata", "snapshot", "status"): "GET /datasets/v3/progress/{}",  # brightdata.md#status
    ("brightdata", "snapshot", "running"): "GET /datasets/v3/snapshots",  # #running-jobs
    ("brightdata", "snapshot", "cancel"): "POST /datasets/v3/snapshot/{}/cancel",  # #cancel
    ("brightdata", "delivery", "status"): "GET /datasets/v3/delivery/{}",  # #deliveries
    ("brightdata", "marketplace", "status"): "GET /datasets/snapshots/{}",  # #marketplace-...
    ("zilliz", "import", "status"): "POST /v2/vectordb/jobs/import/getProgress",  # #status
    ("zilliz", "import", "milvus_status"): "POST /v2/vectordb/jobs/import/describe",
    ("zilliz", "import", "running"): "POST /v2/vectordb/jobs/import/list",  # #running-jobs
    ("zilliz", "import", "cancel"): "POST /v2/vectordb/jobs/import/abort",  # #cancel
    ("zilliz", "job", "status"): "GET /v2/jobs/{}",  # zilliz.md#control-plane-jobs
    ("coze", "document", "status"): "POST /v1/datasets/{}/process",  # coze.md#status
    ("coze", "document", "running"): "POST /open_api/knowledge/document/list",
    ("coze", "workflow", "status"): "GET /v1/workflows/{}/run_histories/{}",  # #workflow-runs
    ("coze", "chat", "status"): "GET /v3/chat/retrieve",  # coze.md#chats
    ("coze", "chat", "cancel"): "POST /v3/chat/cancel",  # coze.md#chat-cancel
    ("firecrawl", "batch", "status"): "GET /v2/batch/scrape/{}",  # the OpenAPI file
    ("firecrawl", "batch", "errors"): "GET /{}/batch/scrape/{}/errors",  # #job-errors
    ("firecrawl", "batch", "cancel"): "DELETE /v2/batch/scrape/{}",  # #cancel
    ("firecrawl", "crawl", "status"): "GET /v2/crawl/{}",
    ("firecrawl", "crawl", "errors"): "GET /{}/crawl/{}/errors",
    ("firecrawl", "crawl", "running"): "GET /v2/crawl/active",  # #running-jobs
    ("firecrawl", "crawl", "cancel"): "DELETE /v2/crawl/{}",
    ("firecrawl", "agent", "status"): "GET /v2/agent/{}",  # the OpenAPI file; #agent
    ("firecrawl", "agent", "cancel"): "DELETE /v2/agent/{}",  # #agent-cancel
    ("firecrawl", "extract", "status"): "GET /v2/extract/{}",  # the OpenAPI file; #extract
}


def declared() -> dict[tuple[str, str, str], str]:
    """Every kind's endpoints, as `DOCUMENTED` writes them."""
    return {
        (name, cls.kind, what): f"{e.method} {e.path.format(**dict.fromkeys(e.parameters, '{}'))}"
        for name, entry in PROVIDERS.items()
        for cls in entry.kinds
        for what, e in cls.endpoints.items()
    }


def test_every_declared_endpoint_is_the_documented_one() -> None:
    assert declared() == DOCUMENTED


def test_firecrawls_v2_endpoints_are_in_its_openapi_file() -> None:
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert spec["servers"] == [{"url": "https://api.firecrawl.dev/v2"}]
    # Parameters by position: the file names them `{id}` or `{jobId}`.
    paths = {re.sub(r"\{\w+\}", "{}", path): set(item) for path, item in spec["paths"].items()}
    for cls in PROVIDERS["firecrawl"].kinds:
        for what, endpoint in cls.endpoints.items():
            values = {"version": "v2", "job_id": "{}"}
            path = endpoint.path.format(**values).removeprefix("/v2")
            assert endpoint.method.lower() in paths.get(path, set()), (cls.kind, what, path)


def test_the_firecrawl_versions_are_the_documented_ones() -> None:
    status = BatchScrape.endpoints["status"]
    assert status.fill(job_id="a/b") == "/v2/batch/scrape/a%2Fb"
    errors = BatchScrape.endpoints["errors"]
    assert errors.choices["version"] == ("v2", "v1")
    with pytest.raises(ValueError, match="version is one of"):
        errors.fill(version="v3", job_id="x")


# -- every endpoint, as the provider sends it, answered by the simulator ------------------------

Call = Callable[[Provider, Client], httpx.Request | None]
Parse = Callable[[Provider, httpx.Response], Any]


def _status(job_id: str) -> tuple[Call, Parse]:
    return (
        lambda p, c: p.build_request(c, [job_id]),
        lambda p, r: p.parse(r, [job_id]),
    )


def _errors(version: str) -> tuple[Call, Parse]:
    return (
        lambda p, c: p.request(c, "errors", version=version, job_id="fc-1"),
        lambda p, r: p.parse_errors(r),
    )


_RUNNING: tuple[Call, Parse] = (
    lambda p, c: p.running_request(c, None),
    lambda p, r: p.parse_running(r, None),
)


def _cancel(job_id: str) -> tuple[Call, Parse]:
    return (
        lambda p, c: p.cancel_request(c, job_id),
        lambda p, r: p.parse_cancel(r, job_id),
    )


# (provider, kind, what for, the kind's context, how it calls the endpoint and reads the answer)
CASES: list[tuple[str, str, str, dict[str, Any], tuple[Call, Parse]]] = [
    ("brightdata", "snapshot", "status", {}, _status("s_sim1")),
    ("brightdata", "snapshot", "running", {"dataset_id": "gd_sim"}, _RUNNING),
    ("brightdata", "snapshot", "cancel", {}, _cancel("s_sim1")),
    ("brightdata", "delivery", "status", {}, _status("d_sim1")),
    ("brightdata", "marketplace", "status", {}, _status("snap_sim1")),
    ("zilliz", "import", "status", {"cluster_id": "in01-sim"}, _status("job-sim1")),
    ("zilliz", "import", "running", {"cluster_id": "in01-sim"}, _RUNNING),
    ("zilliz", "import", "milvus_status", {}, _status("448761313698322011-uncommitted")),
    ("zilliz", "import", "cancel", {}, _cancel("448761313698322011-uncommitted")),
    ("zilliz", "job", "status", {}, _status("job-03e1eefbd82dmo2oeb8pe2")),
    ("coze", "document", "status", {"dataset_id": "744123"}, _status("744258")),
    ("coze", "document", "running", {"dataset_id": "744123"}, _RUNNING),
    ("coze", "workflow", "status", {"workflow_id": "742963"}, _status("743104")),
    ("coze", "chat", "status", {"conversation_id": "738136"}, _status("738137")),
    ("coze", "chat", "cancel", {"conversation_id": "738136"}, _cancel("738138")),
    ("firecrawl", "batch", "status", {}, _status("fc-1")),
    ("firecrawl", "crawl", "status", {}, _status("fc-1")),
    ("firecrawl", "batch", "errors", {}, _errors("v2")),
    ("firecrawl", "crawl", "errors", {}, _errors("v1")),
    ("firecrawl", "crawl", "running", {}, _RUNNING),
    ("firecrawl", "batch", "cancel", {}, _cancel("fc-2")),
    ("firecrawl", "crawl", "cancel", {}, _cancel("fc-1")),
    ("firecrawl", "agent", "status", {}, _status("fc-agent1")),
    ("firecrawl", "agent", "cancel", {}, _cancel("fc-agent1")),
    ("firecrawl", "extract", "status", {}, _status("fc-extract1")),
]


def test_the_cases_below_cover_every_declared_endpoint() -> None:
    assert {(name, kind, what) for name, kind, what, _, _ in CASES} == set(declared())


def test_every_endpoint_is_answered_by_the_simulator_in_the_shape_the_provider_reads() -> None:
    log = io.StringIO()

    async def round_trips(base_url: str) -> list[str]:
        sent = []
        async with Client(env={}) as client:
            for name, kind, what, context, (call, parse) in CASES:
                cls = PROVIDERS[name].kind(kind)
                provider = cls(settings(base_url=base_url), **context)
                request = call(provider, client)
                assert request is not None
                response = await send(client, request, 10.0)
                assert response.status_code not in (404, 405), (name, what, response.text)
                parse(provider, response)  # raises when the answer is not what it reads
                sent.append(f"{request.method} {request.url.path}")
        return sent

    with start_sim(log=log) as sim:
        sent = asyncio.run(round_trips(sim.base_url))
    assert sent == [
        "GET /datasets/v3/progress/s_sim1",
        "GET /datasets/v3/snapshots",
        "POST /datasets/v3/snapshot/s_sim1/cancel",
        "GET /datasets/v3/delivery/d_sim1",
        "GET /datasets/snapshots/snap_sim1",
        "POST /v2/vectordb/jobs/import/getProgress",
        "POST /v2/vectordb/jobs/import/list",
        "POST /v2/vectordb/jobs/import/describe",
        "POST /v2/vectordb/jobs/import/abort",
        "GET /v2/jobs/job-03e1eefbd82dmo2oeb8pe2",
        "POST /v1/datasets/744123/process",
        "POST /open_api/knowledge/document/list",
        "GET /v1/workflows/742963/run_histories/743104",
        "GET /v3/chat/retrieve",
        "POST /v3/chat/cancel",
        "GET /v2/batch/scrape/fc-1",
        "GET /v2/crawl/fc-1",
        "GET /v2/batch/scrape/fc-1/errors",
        "GET /v1/crawl/fc-1/errors",
        "GET /v2/crawl/active",
        "DELETE /v2/batch/scrape/fc-2",
        "DELETE /v2/crawl/fc-1",
        "GET /v2/agent/fc-agent1",
        "DELETE /v2/agent/fc-agent1",
        "GET /v2/extract/fc-extract1",
    ]
    assert log.getvalue().count("\n") == len(CASES)  # the simulator saw each one


def test_an_endpoint_without_a_simulator_handler_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from jobwatch.providers.spec import Endpoint
    from jobwatch.sim import routes

    class Extra(BatchScrape):
        kind = "extra"
        endpoints = {**BatchScrape.endpoints, "agent": Endpoint("GET", "/v2/agent/{job_id}")}

    entry = PROVIDERS["firecrawl"]
    monkeypatch.setitem(PROVIDERS, "firecrawl", replace(entry, kinds=(*entry.kinds, Extra)))
    with pytest.raises(LookupError, match=r"firecrawl agent \(GET /v2/agent/\{job_id\}\)"):
        routes.routes()
