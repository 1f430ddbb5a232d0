"""Shared plumbing for the provider adapter tests.

A fake endpoint answers one method + path with a canned body from tests/fixtures/<provider>/
and records every request it sees. `call` runs the real round trip an adapter makes:
build_request -> jobwatch.http.send -> parse, over an httpx.MockTransport.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobwatch.core.errors import JobwatchError
from jobwatch.core.models import JobStatus
from jobwatch.core.settings import ProviderSettings
from jobwatch.http.client import Client, send
from jobwatch.providers.base import JobStatusOrError, Provider

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_bytes(provider: str, name: str) -> bytes:
    return (FIXTURES / provider / name).read_bytes()


def settings(
    *,
    api_key: str | None = "test-key-0123456789",
    base_url: str | None = None,
    region: str | None = None,
    cluster_id: str | None = None,
) -> ProviderSettings:
    return ProviderSettings(
        api_key=api_key,
        api_key_source=None if api_key is None else "--api-key",
        base_url=base_url,
        region=region,
        profile="default",
        stored={"cluster_id": cluster_id} if cluster_id else {},
    )


@dataclass
class FakeEndpoint:
    """One provider endpoint: answers `method` on URLs starting with `url_prefix`.

    Any other request fails the test at once (the assertion propagates out of the client).
    """

    method: str
    url_prefix: str
    status: int = 200
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.method == self.method, f"unexpected {request.method} {request.url}"
        assert str(request.url).startswith(self.url_prefix), f"unexpected URL {request.url}"
        return httpx.Response(self.status, content=self.content, headers=self.headers)

    @property
    def request(self) -> httpx.Request:
        """The one request this endpoint saw (fails when there were none or several)."""
        assert len(self.requests) == 1, f"expected one request, got {len(self.requests)}"
        return self.requests[0]

    def sent_json(self) -> Any:
        return json.loads(self.request.content)


def endpoint(
    method: str,
    url_prefix: str,
    provider: str,
    fixture: str | None = None,
    *,
    status: int = 200,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> FakeEndpoint:
    """A fake endpoint answering with a fixture file (or raw `body`)."""
    if fixture is not None:
        content = fixture_bytes(provider, fixture)
        kind = "application/json" if fixture.endswith(".json") else "text/plain; charset=utf-8"
    else:
        content, kind = body or b"", "text/plain; charset=utf-8"
    all_headers = {"Content-Type": kind, **(headers or {})}
    return FakeEndpoint(method, url_prefix, status, content, all_headers)


def call(provider: Provider, ids: Sequence[str], fake: FakeEndpoint) -> list[JobStatusOrError]:
    """build_request -> send -> parse, the way the poller does it."""

    async def round_trip() -> list[JobStatusOrError]:
        async with Client(httpx.MockTransport(fake)) as client:
            request = provider.build_request(client, list(ids))
            response = await send(client, request, 5.0)
            return provider.parse(response, list(ids))

    return asyncio.run(round_trip())


def one_status(provider: Provider, job_id: str, fake: FakeEndpoint) -> JobStatus:
    """The single JobStatus for one job id."""
    results = call(provider, [job_id], fake)
    assert len(results) == 1
    (result,) = results
    assert isinstance(result, JobStatus), f"expected a JobStatus, got {result!r}"
    return result


def error_of(provider: Provider, ids: Sequence[str], fake: FakeEndpoint) -> JobwatchError:
    """The JobwatchError the whole answer raises."""
    with pytest.raises(JobwatchError) as info:
        call(provider, ids, fake)
    return info.value
