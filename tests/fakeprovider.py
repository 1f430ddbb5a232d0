"""A tiny provider for the watch-loop tests: `GET /v1/fake/{id}` answers
`{"status": word, "count": n, "message": text, "files": [names], "extra": {...}}`.

Its parse reads the body the plain way (decode, json.loads, pydantic, float), so a hostile body
raises what such code raises: RecursionError, ValueError, OverflowError, UnicodeDecodeError,
ValidationError. A status word `boom` makes `knows()` raise (a bug while recording a job).

Not a test module (no `test_` prefix).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel

from jobwatch.core.errors import RetryableError
from jobwatch.core.models import Item, JobState, JobStatus
from jobwatch.http.client import Client
from jobwatch.http.responses import raise_for_status
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.base import JobStatusOrError, Provider
from tests.watchkit import BASE, settings


class FakeBody(BaseModel):
    status: str
    count: int = 0
    message: str | None = None
    files: list[str] = []
    extra: dict[str, Any] = {}
    retry_after: float | None = None


class Fake(Provider):
    name = "fake"
    key_env_vars = ("FAKE_API_KEY",)
    default_interval = 1.0
    states = {
        "running": JobState.RUNNING,
        "boom": JobState.RUNNING,
        "done": JobState.SUCCEEDED,
        "failed": JobState.FAILED,
    }

    @classmethod
    def default_base_url(cls, region: str | None) -> str:
        return BASE

    def knows(self, word: str) -> bool:  # type: ignore[override]
        if word == "boom":
            raise RuntimeError("a bug in knows()")
        return word in self.states

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        return client.build_request(
            "GET", f"{self.base_url}/v1/fake/{job_id}", headers=self.auth_headers()
        )

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        raise_for_status(response, response.text, provider=self.name)
        body = FakeBody.model_validate(json.loads(response.content.decode("utf-8")))
        if body.status == "busy":
            raise RetryableError("fake: busy", retry_after=body.retry_after)
        if body.status == "none":
            return []  # a bug: no result for the job asked for
        return [
            JobStatus(
                provider=self.name,
                id=job_id,
                state=self.map_state(body.status),
                status=body.status,
                progress=float(body.count) / 1e9,
                message=body.message,
                items=[Item(name=name, state=JobState.RUNNING, status="x") for name in body.files],
                extra=body.extra,
            )
        ]


def fake_group(*ids: str, api_key: str | None = "k-123456789012") -> JobGroup:
    return JobGroup(Fake(settings(api_key=api_key)), list(ids))
