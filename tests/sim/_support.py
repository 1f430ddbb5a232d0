"""Test helpers: a SimJobs on a hand-moved clock, a direct router call, and polling."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from jobwatch.sim.jobs import SimJobs
from jobwatch.sim.replies import Reply, SimRequest
from jobwatch.sim.routes import Router

T = TypeVar("T")

START = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    """Monotonic seconds and wall time that move only when a test says so."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@dataclass
class Answer:
    reply: Reply

    @property
    def status(self) -> int:
        return self.reply.status

    @property
    def headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.reply.headers}

    def json(self) -> Any:
        return json.loads(self.reply.body)


class Caller:
    """Sends requests straight to the router (no sockets) against a fake-clock SimJobs."""

    def __init__(self, clock: FakeClock, speed: float = 1.0) -> None:
        self.clock = clock
        self.book = SimJobs(speed=speed, monotonic=clock.monotonic, now=clock.now)
        self.router = Router()

    def __call__(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        token: str | None = "test-key",
        query: dict[str, list[str]] | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {"authorization": f"Bearer {token}"} if token is not None else {}
        sent |= {name.lower(): value for name, value in (headers or {}).items()}
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        request = SimRequest(
            method=method,
            path=path,
            query=query or {},
            headers=sent,
            body=payload,
            host="sim.test:8787",
        )
        return Answer(self.router(request, self.book))


def poll_until(fetch: Callable[[], T], done: Callable[[T], bool], deadline: float = 15.0) -> T:
    """Call `fetch` until `done(result)`, failing the test after `deadline` seconds."""
    give_up = time.monotonic() + deadline
    while True:
        result = fetch()
        if done(result):
            return result
        if time.monotonic() > give_up:
            pytest.fail(f"condition not reached within {deadline}s; last result: {result!r}")
        time.sleep(0.02)
