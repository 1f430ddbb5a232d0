"""The watch loop: one task per request's worth of jobs, polling until each job is read once
(one-off) or terminal (watch), retrying what is worth retrying, and yielding what changed.

One job's trouble stays with that job: an answer jobwatch cannot digest is a retryable failure
of that poll, and a bug while handling a job ends that job alone as `unknown`. It draws
nothing; clock, sleep and randomness are injected."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import httpx

from jobwatch.core import exitcodes
from jobwatch.core.errors import JobwatchError, NotFoundError, RetryableError
from jobwatch.core.events import Event, RetryEvent
from jobwatch.core.models import JobStatus
from jobwatch.http.client import Client, send
from jobwatch.http.responses import host_of
from jobwatch.poll.job_errors import ErrorReader
from jobwatch.poll.results import JobResults, describe_exception
from jobwatch.poll.rules import Rules
from jobwatch.poll.schedule import (
    SPREAD_ABOVE,
    Clock,
    HostGate,
    Refusal,
    RetryPolicy,
    Schedule,
    Sleep,
    usable_wait,
)
from jobwatch.poll.settings import JobGroup, PollSettings
from jobwatch.providers.base import JobStatusOrError


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
        retry: RetryPolicy | None = None,
    ) -> None:
        """`retry`: the run's retry policy (a session shares one); by default one of
        `settings.max_retries` drawing its jitter from `rng`."""
        self.settings = settings
        self.client = client
        self.clock = clock
        self.retry = retry or RetryPolicy(settings.max_retries, rng or random.Random())
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._book = JobResults(groups, self._queue.put_nowait)
        self._time = Schedule(
            clock,
            sleep,
            deadline=settings.deadline,
            wake_quantum=settings.wake_quantum,
            max_in_flight=settings.max_in_flight,
        )
        self._rules = Rules(settings, clock)
        self._reasons = ErrorReader(
            client, settings.request_timeout, self._time.time_left, self._time.slots
        )
        self._units: list[_Unit] = []
        gates: dict[tuple[str, str], HostGate] = {}
        for index, group in enumerate(groups):
            provider = group.provider
            gate_key = (provider.name, host_of(provider.base_url))
            rate = provider.max_requests_per_second
            gate = gates.setdefault(gate_key, HostGate(spacing=1.0 / rate if rate else 0.0))
            for batch in provider.batches(list(dict.fromkeys(group.job_ids))):
                self._units.append(_Unit(len(self._units), index, group, batch, gate))

    # -- results ---------------------------------------------------------------------------

    def jobs(self) -> list[JobStatus]:
        """The latest status of every job, in the order given; unread jobs say so."""
        return self._book.jobs()

    @property
    def timed_out(self) -> bool:
        deadline = self.settings.deadline
        if deadline is None or self.clock() < deadline:
            return False
        return self._book.unsettled()

    def exit_code(self, *, interrupted: int | None = None) -> int:
        """The run's exit code (exitcodes.for_jobs); `interrupted`: 130, 143 or 129."""
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
                if self._time.stopped:
                    # --fail-fast: end now, not when the other jobs' sleeps or backoffs are
                    # over; what is already queued is still reported.
                    while not self._queue.empty():
                        if (queued := self._queue.get_nowait()) is not None:
                            yield queued
                    break
        finally:
            for task in tasks:
                task.cancel()
            # A unit's task contains its own failures (_run_unit): nothing is raised here.
            await asyncio.gather(*tasks, return_exceptions=True)

    def _interval(self, unit: _Unit) -> float:
        return self.settings.interval or unit.group.provider.default_interval

    async def _run_unit(self, unit: _Unit, first_delay: float) -> None:
        """Poll one unit; a bug ends that unit's unfinished jobs alone, as `unknown`."""
        try:
            await self._poll_unit(unit, first_delay)
        except Exception as exc:  # noqa: BLE001 - a bug: contained to this unit's jobs
            book = self._book
            left = [
                job_id
                for job_id in unit.job_ids
                if not book.is_terminal((unit.group_index, job_id))
            ]
            unit.job_ids = []
            book.fail(unit.group_index, left, exc)

    async def _poll_unit(self, unit: _Unit, first_delay: float) -> None:
        if not await self._time.wait(first_delay):
            return
        while unit.job_ids and not self._time.stopped:
            turn = await self._time.take_turn(unit.gate)
            if isinstance(turn, Refusal):
                self._end(unit, unit.job_ids, turn.reason, turn.exit_code)
                return
            if not turn:
                return
            try:
                results = await self._poll_once(unit)
            except RetryableError as exc:
                delay = self._after_failure(unit, exc)
                if delay is None or not await self._time.wait(delay):
                    return
                continue
            except NotFoundError as exc:
                # Maybe "not created yet" (--wait-for-start): the judge decides, per job.
                results = [exc] * len(unit.job_ids)
            except JobwatchError as exc:
                self._end(unit, unit.job_ids, exc.message, exc.exit_code)
                return
            if results is None:
                return
            unit.failures = 0
            provider = unit.group.provider
            judged, waiting = self._rules.screen(unit.group_index, provider, unit.job_ids, results)
            self._record(unit, await self._reasons.explained(provider, judged))
            if not unit.job_ids or not (self.settings.until_terminal or waiting):
                return
            if not await self._time.wait(self._interval(unit)):
                return

    async def _poll_once(self, unit: _Unit) -> list[JobStatusOrError] | None:
        """One request and its answer, with the request slot held; None when no time is left.
        Whatever goes wrong while sending or reading the answer, short of a JobwatchError,
        is an answer jobwatch cannot digest: a RetryableError of this poll."""
        provider = unit.group.provider
        try:
            # A request gets at most the time left before the deadline.
            time_left = min(self.settings.request_timeout, self._time.time_left())
            if time_left <= 0:
                return None
            request = unit.request(self.client)
            try:
                response = await send(self.client, request, time_left)
            except JobwatchError:
                raise
            except Exception as exc:  # noqa: BLE001 - contained: this poll failed
                raise _indigestible(provider.name, exc) from None
        finally:
            self._time.slots.release()
        try:
            return provider.read(response, unit.job_ids)
        except JobwatchError:
            raise
        except Exception as exc:  # noqa: BLE001 - contained: this poll failed
            raise _indigestible(provider.name, exc) from None

    def _after_failure(self, unit: _Unit, exc: RetryableError) -> float | None:
        """Count a failed poll; the delay before the next try, or None when the unit ended
        (too many failures in a row, or a wait asked for that is not worth waiting)."""
        unit.failures += 1
        asked = usable_wait(exc.retry_after)
        delay = self.retry.delay(unit.failures, exc)
        reason = exc.message
        if exc.rate_limited:
            # Never poll a rate-limited host sooner than it asked (Bright Data blocks an IP
            # after 25 429s in 5 minutes: docs/providers/brightdata.md#rate-limits).
            unit.gate.block(self.clock() + delay, reason if asked is not None else "")
        if self.retry.exhausted(unit.failures):
            tries = unit.failures
            if tries > 1:
                reason = f"{reason} (gave up after {tries} failed polls in a row)"
            self._end(unit, unit.job_ids, reason, exc.exit_code)
            return None
        if asked is not None and (refused := self._time.refusal(asked)) is not None:
            # Not waited for: the job ends now, with the provider's reason.
            self._end(unit, unit.job_ids, f"{reason} ({refused.reason})", refused.exit_code)
            return None
        reason = self._book.clean(reason)
        for job_id in unit.job_ids:
            self._queue.put_nowait(
                RetryEvent(unit.group.provider.name, job_id, unit.failures, delay, reason)
            )
        return delay

    def _record(self, unit: _Unit, results: Sequence[JobStatusOrError]) -> None:
        finished, failed = self._book.record(
            unit.group_index, unit.group.provider, unit.job_ids, results
        )
        if failed and self.settings.fail_fast:
            self._time.stopped = True
        if finished:
            unit.job_ids = [job_id for job_id in unit.job_ids if job_id not in finished]

    def _end(self, unit: _Unit, job_ids: Sequence[str], message: str, exit_code: int) -> None:
        """These jobs end as `unknown` with this exit code; the unit polls them no more."""
        ended = list(job_ids)
        self._book.end(unit.group_index, ended, message, exit_code)
        unit.job_ids = [job_id for job_id in unit.job_ids if job_id not in ended]


def _indigestible(provider: str, exc: Exception) -> RetryableError:
    """An unexpected error while sending or reading an answer: a failed poll, to retry."""
    return RetryableError(f"{provider}: the answer could not be read ({describe_exception(exc)})")
