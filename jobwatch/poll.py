"""The watch loop: schedules each job's polls, enforces the deadline, retries what is worth
retrying, and yields what changed. It draws nothing; clock, sleep and randomness are injected."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

from jobwatch import exitcodes
from jobwatch.config import mask
from jobwatch.errors import JobwatchError, RetryableError
from jobwatch.http import Client, host_of, send
from jobwatch.models import JobState, JobStatus, utc_now_iso
from jobwatch.providers.base import Provider

# Keys shorter than this are not hunted for in messages: it would mangle ordinary words.
MIN_SECRET = 8
BACKOFF_START = 1.0
BACKOFF_CAP = 60.0
# Above this many requests per round, first polls are spread over one interval (no burst).
SPREAD_ABOVE = 16

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class JobGroup:
    """Jobs that share a provider instance (same key, base URL, cluster, dataset)."""

    provider: Provider
    job_ids: Sequence[str]


@dataclass(frozen=True)
class StatusEvent:
    """A job's status changed (or was read for the first time)."""

    job: JobStatus


@dataclass(frozen=True)
class RetryEvent:
    """A poll failed in a way worth retrying; the next try comes after `delay` seconds."""

    provider: str
    job_id: str
    attempt: int
    delay: float
    reason: str


@dataclass(frozen=True)
class WarningEvent:
    text: str


Event = StatusEvent | RetryEvent | WarningEvent


@dataclass(frozen=True)
class PollSettings:
    """How to poll. `deadline` is an absolute time on the poller's clock."""

    until_terminal: bool
    interval: float | None = None
    deadline: float | None = None
    max_retries: int = 5
    request_timeout: float = 10.0
    fail_fast: bool = False
    max_in_flight: int = 32
    # Round each wake-up up to a multiple of this many seconds (0: exact).
    wake_quantum: float = 0.0


def backoff_delay(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, start * 2^(attempt-1)))."""
    ceiling = min(BACKOFF_CAP, BACKOFF_START * 2 ** max(0, attempt - 1))
    return rng.uniform(0.0, ceiling)


@dataclass
class HostGate:
    """Keeps requests to one host apart: a rate cap, and a block after a 429."""

    spacing: float = 0.0
    next_free: float = 0.0
    blocked_until: float = 0.0

    def reserve(self, now: float) -> float:
        """The time at which the caller may send; reserves that slot."""
        at = max(now, self.blocked_until, self.next_free)
        self.next_free = at + self.spacing
        return at

    def block(self, until: float) -> None:
        self.blocked_until = max(self.blocked_until, until)


@dataclass
class _Unit:
    """One request's worth of jobs, polled by one task."""

    index: int
    group_index: int
    group: JobGroup
    job_ids: list[str]
    gate: HostGate
    failures: int = 0
    _request: httpx.Request | None = None
    _request_ids: list[str] | None = None

    def request(self, client: Client) -> httpx.Request:
        """The same request every poll, built again only when the list of jobs changed
        (`job_ids` is replaced, never changed in place, when jobs finish)."""
        if self._request is None or self._request_ids is not self.job_ids:
            self._request = self.group.provider.build_request(client, self.job_ids)
            self._request_ids = self.job_ids
        return self._request


class Poller:
    """Polls job groups until each job is read once (one-off) or terminal (watch)."""

    def __init__(
        self,
        groups: Sequence[JobGroup],
        settings: PollSettings,
        client: Client,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.latest: dict[tuple[int, str], JobStatus] = {}
        self._order: list[tuple[int, str]] = []
        self._placeholders: dict[tuple[int, str], JobStatus] = {}
        self._units: list[_Unit] = []
        self._warned: set[tuple[str, str]] = set()
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._stopped = False
        self._in_flight = asyncio.Semaphore(settings.max_in_flight)
        # Keys to hide should a provider's error text quote one back.
        self._secrets = sorted(
            {
                secret
                for group in groups
                if (secret := group.provider.settings.api_key) and len(secret) >= MIN_SECRET
            },
            key=len,
            reverse=True,
        )
        gates: dict[tuple[str, str], HostGate] = {}
        for index, group in enumerate(groups):
            provider = group.provider
            gate_key = (provider.name, host_of(provider.base_url))
            rate = provider.max_requests_per_second
            gate = gates.setdefault(gate_key, HostGate(spacing=1.0 / rate if rate else 0.0))
            for job_id in group.job_ids:
                key = (index, job_id)
                if key not in self._placeholders:
                    self._order.append(key)
                    self._placeholders[key] = _not_read(provider, job_id)
            for batch in provider.batches(list(dict.fromkeys(group.job_ids))):
                self._units.append(_Unit(len(self._units), index, group, batch, gate))

    # -- results ---------------------------------------------------------------------------

    def jobs(self) -> list[JobStatus]:
        """The latest status of every job, in the order given; unread jobs say so."""
        return [self.latest.get(key) or self._placeholders[key] for key in self._order]

    @property
    def timed_out(self) -> bool:
        deadline = self.settings.deadline
        if deadline is None or self.clock() < deadline:
            return False
        return any(not job.state.is_terminal for job in self.jobs()) or any(
            key not in self.latest for key in self._order
        )

    def exit_code(self, *, interrupted: bool = False) -> int:
        return exitcodes.for_jobs(
            self.jobs(),
            watching=self.settings.until_terminal,
            timed_out=self.timed_out,
            interrupted=interrupted,
        )

    # -- the loop ----------------------------------------------------------------------------

    async def events(self) -> AsyncIterator[Event]:
        """Poll until done, yielding each change. Cancels its own tasks when closed early."""
        count = len(self._units)
        spread = self.settings.until_terminal and count > SPREAD_ABOVE
        tasks = []
        for unit in self._units:
            interval = self._interval(unit)
            offset = interval * unit.index / count if spread else 0.0
            tasks.append(asyncio.create_task(self._run_unit(unit, offset)))
        running = len(tasks)

        def one_done(_: asyncio.Task[None]) -> None:
            nonlocal running
            running -= 1
            if running == 0:
                self._queue.put_nowait(None)

        for task in tasks:
            task.add_done_callback(one_done)
        if not tasks:
            self._queue.put_nowait(None)
        try:
            while (event := await self._queue.get()) is not None:
                yield event
                if self._stopped:
                    # --fail-fast: end now, not when the other jobs' sleeps or backoffs are
                    # over; what is already queued is still reported.
                    while not self._queue.empty():
                        if (queued := self._queue.get_nowait()) is not None:
                            yield queued
                    break
        finally:
            for task in tasks:
                task.cancel()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome  # a bug in a unit's task: let the CLI report it

    def _interval(self, unit: _Unit) -> float:
        return self.settings.interval or unit.group.provider.default_interval

    def _time_left(self) -> float:
        deadline = self.settings.deadline
        return float("inf") if deadline is None else deadline - self.clock()

    async def _wait(self, seconds: float, *, on_grid: bool = True) -> bool:
        """Sleep, but never past the deadline. False when the deadline (or a stop) came first.
        `on_grid`: end on the wake_quantum grid (a host's rate-capped turns never do)."""
        left = self._time_left()
        if seconds >= left:
            if left > 0:
                await self.sleep(left)
            return False
        if seconds > 0:
            quantum = self.settings.wake_quantum
            if quantum and on_grid:
                # Wake on a shared grid, so that many jobs' polls wake the loop together.
                now = self.clock()
                # (less a hair: float noise must not push a time on the grid a step later)
                step = math.ceil((now + seconds) / quantum - 1e-9)
                seconds = min(left, step * quantum - now)
            await self.sleep(seconds)
        return not self._stopped

    async def _run_unit(self, unit: _Unit, first_delay: float) -> None:
        if not await self._wait(first_delay):
            return
        provider = unit.group.provider
        while unit.job_ids and not self._stopped:
            if not await self._take_turn(unit):
                return
            try:
                try:
                    # A request gets at most the time left before the deadline.
                    time_left = min(self.settings.request_timeout, self._time_left())
                    if time_left <= 0:
                        return
                    request = unit.request(self.client)
                    response = await send(self.client, request, time_left)
                finally:
                    self._in_flight.release()
                results = provider.parse(response, unit.job_ids)
            except RetryableError as exc:
                delay = self._after_failure(unit, exc)
                if delay is None or not await self._wait(delay):
                    return
                continue
            except JobwatchError as exc:
                self._end_unit(unit, unit.job_ids, exc)
                return
            unit.failures = 0
            self._record(unit, results)
            if not self.settings.until_terminal or not unit.job_ids:
                return
            if not await self._wait(self._interval(unit)):
                return

    async def _take_turn(self, unit: _Unit) -> bool:
        """Wait for the unit's turn at its host (rate cap, 429 block), then for a request slot,
        which the caller holds and releases. False when the deadline or a stop came first."""
        gate = unit.gate
        while True:
            turn = gate.reserve(self.clock())
            if not await self._wait(turn - self.clock(), on_grid=False):
                return False
            await self._in_flight.acquire()
            # Queued for a slot past half its turn (a stalled host held every slot): take a
            # new turn, or the requests queued behind the stall would all go out at once.
            if not gate.spacing or self.clock() - turn <= gate.spacing / 2:
                return True
            self._in_flight.release()

    def _after_failure(self, unit: _Unit, exc: RetryableError) -> float | None:
        """Count a failed poll; the delay before the next try, or None when giving up."""
        unit.failures += 1
        delay = (
            exc.retry_after
            if exc.retry_after is not None
            else backoff_delay(unit.failures, self.rng)
        )
        if exc.rate_limited:
            # Never poll a rate-limited host sooner than it asked (Bright Data blocks an IP
            # after 25 429s in 5 minutes: PROVIDERS.md section 1).
            unit.gate.block(self.clock() + delay)
        if unit.failures > self.settings.max_retries:
            tries = unit.failures
            self._end_unit(
                unit,
                unit.job_ids,
                RetryableError(f"{exc.message} (gave up after {tries} failed polls in a row)")
                if tries > 1
                else exc,
            )
            return None
        reason = self._scrub(exc.message)
        for job_id in unit.job_ids:
            self._emit(RetryEvent(unit.group.provider.name, job_id, unit.failures, delay, reason))
        return delay

    def _record(self, unit: _Unit, results: Sequence[JobStatus | JobwatchError]) -> None:
        provider = unit.group.provider
        finished: list[str] = []
        for job_id, result in zip(list(unit.job_ids), results, strict=True):
            if isinstance(result, JobwatchError):
                self._end_unit(unit, [job_id], result)
                continue
            word = (provider.name, result.status)
            if not provider.knows(result.status) and word not in self._warned:
                self._warned.add(word)
                self._emit(
                    WarningEvent(
                        f"{provider.name}: unknown status word {result.status!r}, "
                        "treated as running"
                    )
                )
            self._update((unit.group_index, job_id), result)
            if result.state.is_terminal:
                finished.append(job_id)
                if self.settings.fail_fast and result.state in (
                    JobState.FAILED,
                    JobState.CANCELLED,
                ):
                    self._stopped = True
        if finished:
            unit.job_ids = [job_id for job_id in unit.job_ids if job_id not in finished]

    def _end_unit(self, unit: _Unit, job_ids: Sequence[str], error: JobwatchError) -> None:
        """These jobs' states cannot be learned: they end as `unknown`, with the error's code."""
        for job_id in list(job_ids):
            key = (unit.group_index, job_id)
            before = self.latest.get(key) or self._placeholders[key]
            self._update(
                key,
                before.model_copy(
                    update={
                        "state": JobState.UNKNOWN,
                        "message": error.message,
                        "error_exit_code": error.exit_code,
                        "checked_at": utc_now_iso(),
                    }
                ),
            )
        unit.job_ids = [job_id for job_id in unit.job_ids if job_id not in job_ids]

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, mask(secret))
        return text

    def _update(self, key: tuple[int, str], job: JobStatus) -> None:
        if job.message and self._secrets:
            message = self._scrub(job.message)
            if message != job.message:
                job = job.model_copy(update={"message": message})
        before = self.latest.get(key)
        self.latest[key] = job
        if not job.same_progress(before):
            self._emit(StatusEvent(job))

    def _emit(self, event: Event) -> None:
        self._queue.put_nowait(event)


def _not_read(provider: Provider, job_id: str) -> JobStatus:
    """What we know of a job before its first answer: nothing, so `unknown` (exit 124 if the
    deadline passes before it is read)."""
    dataset_id = getattr(provider, "dataset_id", None)
    return JobStatus(
        provider=provider.name,
        id=job_id,
        dataset_id=dataset_id,
        state=JobState.UNKNOWN,
        status="not read yet",
        message="no answer yet",
        error_exit_code=exitcodes.TIMEOUT,
    )
