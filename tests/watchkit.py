"""Test plumbing for the watch loop: a virtual clock, a max-returning rng, and scripted
provider endpoints behind an httpx.MockTransport that record when each request came and what
time limit it was given.

Not a test module (no `test_` prefix); imported by tests/test_poll.py and tests/render/*.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from jobwatch.core.events import Event, RetryEvent, StatusEvent
from jobwatch.core.events import WarningEvent as WarningEvent  # re-exported for the tests
from jobwatch.core.settings import ProviderSettings
from jobwatch.http.client import Client
from jobwatch.poll.loop import Poller
from jobwatch.poll.settings import JobGroup, PollSettings

BASE = "http://sim.test"
START = 1000.0  # the fake clock does not start at 0, so deadlines must be absolute


def settings(
    *, base_url: str = BASE, cluster_id: str | None = None, api_key: str | None = "k-123456789012"
) -> ProviderSettings:
    return ProviderSettings(
        api_key=api_key,
        api_key_source=None,
        base_url=base_url,
        region=None,
        profile="default",
        stored={"cluster_id": cluster_id} if cluster_id else {},
    )


class FakeClock:
    """Virtual time. `sleep` records the duration and parks the caller until `drive` has moved
    `now` to its wake-up time; `drive` advances only when every task is parked, so concurrent
    sleeps overlap the way real ones do."""

    def __init__(self, start: float = START) -> None:
        self.start = start
        self.now = start
        self.sleeps: list[float] = []
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    @property
    def elapsed(self) -> float:
        return self.now - self.start

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (self.now + seconds, next(self._seq), future))
        await future
        await asyncio.sleep(0)

    async def drive(self) -> None:
        idle = 0
        while True:
            for _ in range(30):
                await asyncio.sleep(0)
            while self._waiters and self._waiters[0][2].done():
                heapq.heappop(self._waiters)  # a cancelled sleeper: no time passes for it
            if not self._waiters:
                idle += 1
                assert idle < 10_000, "nothing sleeps and nothing finishes: the loop is stuck"
                continue
            idle = 0
            when, _, future = heapq.heappop(self._waiters)
            self.now = max(self.now, when)
            future.set_result(None)


class MaxRng(random.Random):
    """`uniform(a, b)` is always b: makes full-jitter backoff show its ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return b


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a response (JSON body, text or bytes), or an exception to raise."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raises: type[httpx.TransportError] | None = None

    def respond(self, request: httpx.Request) -> httpx.Response:
        if self.raises is not None:
            raise self.raises("scripted failure", request=request)
        if isinstance(self.body, (dict, list)):
            return httpx.Response(self.status, json=self.body, headers=self.headers)
        content = self.body.encode() if isinstance(self.body, str) else (self.body or b"")
        headers = {"Content-Type": "text/plain", **self.headers}
        return httpx.Response(self.status, content=content, headers=headers)


@dataclass(frozen=True)
class Call:
    """One request the fake endpoint saw: when (seconds since the clock started), the job
    key it was for, the time limit `send` gave it, and the request itself."""

    at: float
    key: str
    limit: float
    request: httpx.Request


def job_key(request: httpx.Request) -> str:
    """Which script answers: the path's last part (Bright Data, Firecrawl; `ID/errors` for
    Firecrawl's errors), the dataset id (Coze: one request for all its documents), or the
    body's jobId (Zilliz/Milvus)."""
    path = request.url.path
    if path.startswith("/v1/datasets/"):
        return path.split("/")[3]
    if path.startswith("/v2/vectordb/"):
        return str(json.loads(request.content)["jobId"])
    if path.endswith("/errors"):  # Firecrawl's errors of a job: `ID/errors`
        return "/".join(path.split("/")[-2:])
    return path.rsplit("/", 1)[-1]


class Script:
    """Serves each job key its own sequence of replies; the last one repeats forever."""

    def __init__(self, clock: FakeClock, replies: dict[str, Sequence[Reply]]) -> None:
        self.clock = clock
        self.replies = {key: list(seq) for key, seq in replies.items()}
        self.calls: list[Call] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = job_key(request)
        timeout = request.extensions["timeout"]
        assert len(set(timeout.values())) == 1, timeout  # one limit for connect/read/write/pool
        self.calls.append(Call(self.clock.elapsed, key, timeout["read"], request))
        queue = self.replies[key]
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply.respond(request)

    def times(self, key: str | None = None) -> list[float]:
        return [call.at for call in self.calls if key is None or call.key == key]


@dataclass
class Watch:
    poller: Poller
    events: list[Event]
    script: Script
    clock: FakeClock

    @property
    def statuses(self) -> list[StatusEvent]:
        return [event for event in self.events if isinstance(event, StatusEvent)]

    @property
    def retries(self) -> list[RetryEvent]:
        return [event for event in self.events if isinstance(event, RetryEvent)]

    @property
    def warnings(self) -> list[WarningEvent]:
        return [event for event in self.events if isinstance(event, WarningEvent)]

    def job(self, job_id: str):  # noqa: ANN201 - JobStatus
        (found,) = [job for job in self.poller.jobs() if job.id == job_id]
        return found


def watch(
    groups: Sequence[JobGroup],
    replies: dict[str, Sequence[Reply]],
    *,
    until_terminal: bool = True,
    budget: float | None = None,
    rng: random.Random | None = None,
    clock: FakeClock | None = None,
    on_event: Callable[[Event, FakeClock], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> Watch:
    """Run a Poller to the end on virtual time against scripted endpoints. `budget` is the
    deadline in seconds from the clock's start; `transport` replaces the scripted one."""
    clock = clock or FakeClock()
    script = Script(clock, replies)
    settings = PollSettings(
        until_terminal=until_terminal,
        deadline=None if budget is None else clock.start + budget,
        **options,
    )

    async def main() -> tuple[Poller, list[Event]]:
        async with Client(transport or httpx.MockTransport(script)) as client:
            poller = Poller(
                groups, settings, client, clock=clock, sleep=clock.sleep, rng=rng or MaxRng(0)
            )
            driver = asyncio.create_task(clock.drive())
            events: list[Event] = []
            try:
                async for event in poller.events():
                    events.append(event)
                    if on_event is not None:
                        on_event(event, clock)
            finally:
                driver.cancel()
                await asyncio.gather(driver, return_exceptions=True)
            return poller, events

    poller, events = asyncio.run(main())
    return Watch(poller, events, script, clock)


# --- provider bodies ---------------------------------------------------------------------


def firecrawl_body(
    status: str = "scraping", completed: int | None = None, total: int = 100
) -> Reply:
    """A status body; `completed` defaults to 40 pages, or all of them for a completed job (a
    completed job short of its total gets its /errors read: poll/explain.py)."""
    if completed is None:
        completed = total if status == "completed" else 40
    return Reply(body={"success": True, "status": status, "completed": completed, "total": total})


def brightdata_body(status: str = "running") -> Reply:
    return Reply(body={"snapshot_id": "s_x", "status": status})


def coze_body(*documents: tuple[str, int, int], remaining: int | None = None) -> Reply:
    """Documents as (id, status number, percent)."""
    rows = [
        {"document_id": doc, "status": status, "progress": progress, "document_name": f"{doc}.pdf"}
        | ({"remaining_time": remaining} if remaining is not None else {})
        for doc, status, progress in documents
    ]
    return Reply(body={"code": 0, "msg": "", "data": {"data": rows}})


def zilliz_body(state: str = "Importing", progress: int = 45) -> Reply:
    return Reply(
        body={
            "code": 0,
            "data": {
                "jobId": "job-1",
                "state": state,
                "progress": progress,
                "details": [{"fileName": "a.parquet", "state": state, "progress": progress}],
            },
        }
    )
