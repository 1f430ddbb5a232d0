"""The endpoints each provider declares: the paths its documentation gives, and every one of
them answered by `jobwatch sim` in the shape the provider reads.

The simulator's routes are read from the providers' `endpoints`, so a wrong path there would
be served by the simulator just the same. The documented paths below are the check on them:
written here from specs/PROVIDERS.md, specs/ENDPOINTS-NEXT.md and Firecrawl's OpenAPI file
(tests/fixtures/firecrawl/v2-openapi.json), never from the code.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobwatch.http import Client, send
from jobwatch.providers import PROVIDERS, BrightData, Coze, Firecrawl, Provider, Zilliz
from jobwatch.sim import start_sim
from tests.providers.conftest import settings

OPENAPI = Path(__file__).resolve().parent.parent / "fixtures" / "firecrawl" / "v2-openapi.json"

# (provider, what for) -> method and path as documented, every parameter written `{}`.
DOCUMENTED = {
    ("brightdata", "status"): "GET /datasets/v3/progress/{}",  # PROVIDERS.md 1
    ("brightdata", "running"): "GET /datasets/v3/snapshots",  # ENDPOINTS-NEXT.md 2.1
    ("brightdata", "cancel"): "POST /datasets/v3/snapshot/{}/cancel",  # ENDPOINTS-NEXT.md 2.2
    ("zilliz", "status"): "POST /v2/vectordb/jobs/import/getProgress",  # PROVIDERS.md 2
    ("zilliz", "milvus_status"): "POST /v2/vectordb/jobs/import/describe",  # PROVIDERS.md 2
    ("zilliz", "running"): "POST /v2/vectordb/jobs/import/list",  # ENDPOINTS-NEXT.md 3.1
    ("zilliz", "cancel"): "POST /v2/vectordb/jobs/import/abort",  # ENDPOINTS-NEXT.md 3.2
    ("coze", "status"): "POST /v1/datasets/{}/process",  # PROVIDERS.md 3
    ("coze", "running"): "POST /open_api/knowledge/document/list",  # ENDPOINTS-NEXT.md 4
    ("firecrawl", "status"): "GET /v2/{}/{}",  # PROVIDERS.md 4, the OpenAPI file
    ("firecrawl", "errors"): "GET /{}/{}/{}/errors",  # ENDPOINTS-NEXT.md 1.1
    ("firecrawl", "running"): "GET /v2/crawl/active",  # ENDPOINTS-NEXT.md 1.2
    ("firecrawl", "cancel"): "DELETE /v2/{}/{}",  # ENDPOINTS-NEXT.md 1.3
}


def declared() -> dict[tuple[str, str], str]:
    """Every provider's endpoints, as `DOCUMENTED` writes them."""
    return {
        (name, what): f"{e.method} {e.path.format(**dict.fromkeys(e.parameters, '{}'))}"
        for name, cls in PROVIDERS.items()
        for what, e in cls.endpoints.items()
    }


def test_every_declared_endpoint_is_the_documented_one() -> None:
    assert declared() == DOCUMENTED


def test_firecrawls_v2_endpoints_are_in_its_openapi_file() -> None:
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert spec["servers"] == [{"url": "https://api.firecrawl.dev/v2"}]
    paths = {path: set(item) for path, item in spec["paths"].items()}
    for what, endpoint in Firecrawl.endpoints.items():
        for kind in endpoint.choices.get("kind", ("crawl",)):
            values = {"version": "v2", "kind": kind, "job_id": "{id}"}
            path = endpoint.path.format(**values).removeprefix("/v2")
            assert endpoint.method.lower() in paths.get(path, set()), (what, path)


def test_the_firecrawl_kinds_and_versions_are_the_documented_ones() -> None:
    status = Firecrawl.endpoints["status"]
    assert status.fill(kind="batch/scrape", job_id="a/b") == "/v2/batch/scrape/a%2Fb"
    assert Firecrawl.endpoints["errors"].choices["version"] == ("v2", "v1")
    with pytest.raises(ValueError, match="kind is one of"):
        status.fill(kind="extract", job_id="x")


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
        lambda p, c: p._errors_request(c, "fc-1", version),  # type: ignore[attr-defined]
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


# (provider, what for, the provider's context, how it calls the endpoint and reads the answer)
CASES: list[tuple[str, str, dict[str, Any], tuple[Call, Parse]]] = [
    ("brightdata", "status", {}, _status("s_sim1")),
    ("brightdata", "running", {"dataset_id": "gd_sim"}, _RUNNING),
    ("brightdata", "cancel", {}, _cancel("s_sim1")),
    ("zilliz", "status", {"cluster_id": "in01-sim"}, _status("job-sim1")),
    ("zilliz", "running", {"cluster_id": "in01-sim"}, _RUNNING),
    ("zilliz", "milvus_status", {}, _status("448761313698322011-uncommitted")),
    ("zilliz", "cancel", {}, _cancel("448761313698322011-uncommitted")),
    ("coze", "status", {"dataset_id": "744123"}, _status("744258")),
    ("coze", "running", {"dataset_id": "744123"}, _RUNNING),
    ("firecrawl", "status", {}, _status("fc-1")),
    ("firecrawl", "status", {"crawl": True}, _status("fc-1")),
    ("firecrawl", "errors", {}, _errors("v2")),
    ("firecrawl", "errors", {"crawl": True}, _errors("v1")),
    ("firecrawl", "running", {}, _RUNNING),
    ("firecrawl", "cancel", {"crawl": True}, _cancel("fc-1")),
]
_CLASSES: dict[str, type[Provider]] = {
    "brightdata": BrightData,
    "zilliz": Zilliz,
    "coze": Coze,
    "firecrawl": Firecrawl,
}


def test_the_cases_below_cover_every_declared_endpoint() -> None:
    assert {(name, what) for name, what, _, _ in CASES} == set(declared())


def test_every_endpoint_is_answered_by_the_simulator_in_the_shape_the_provider_reads() -> None:
    log = io.StringIO()

    async def round_trips(base_url: str) -> list[str]:
        sent = []
        async with Client(env={}) as client:
            for name, what, context, (call, parse) in CASES:
                provider = _CLASSES[name](settings(base_url=base_url), **context)
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
        "POST /v2/vectordb/jobs/import/getProgress",
        "POST /v2/vectordb/jobs/import/list",
        "POST /v2/vectordb/jobs/import/describe",
        "POST /v2/vectordb/jobs/import/abort",
        "POST /v1/datasets/744123/process",
        "POST /open_api/knowledge/document/list",
        "GET /v2/batch/scrape/fc-1",
        "GET /v2/crawl/fc-1",
        "GET /v2/batch/scrape/fc-1/errors",
        "GET /v1/crawl/fc-1/errors",
        "GET /v2/crawl/active",
        "DELETE /v2/crawl/fc-1",
    ]
    assert log.getvalue().count("\n") == len(CASES)  # the simulator saw each one


def test_an_endpoint_without_a_simulator_handler_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from jobwatch.providers.spec import Endpoint
    from jobwatch.sim import routes

    class Extra(Firecrawl):
        endpoints = {**Firecrawl.endpoints, "agent": Endpoint("GET", "/v2/agent/{job_id}")}

    monkeypatch.setitem(PROVIDERS, "firecrawl", Extra)
    with pytest.raises(LookupError, match=r"firecrawl agent \(GET /v2/agent/\{job_id\}\)"):
        routes.routes()
