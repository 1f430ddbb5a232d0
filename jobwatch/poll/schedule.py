"""Time in the poll loop: the retry policy (backoff), per-host rate gates, the request slots, the
deadline, and sleeps that end on a shared wake grid. Clock and sleep are injected (tests run on
virtual time)."""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from jobwatch.core import exitcodes
from jobwatch.core.errors import RetryableError, StateUnknownError

BACKOFF_START = 1.0
BACKOFF_CAP = 60.0
# Above this many requests per round, first polls are spread over one interval (no burst).
SPREAD_ABOVE = 16
# A provider that asks for a longer wait than this is not waited for: the job ends at once.
MAX_WAIT = 15 * 60.0

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


def backoff_delay(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, start * 2^(attempt-1)))."""
    ceiling = min(BACKOFF_CAP, BACKOFF_START * 2 ** max(0, attempt - 1))
    return rng.uniform(0.0, ceiling)


def usable_wait(seconds: float | None) -> float | None:
    """A provider's Retry-After as a wait to honour: only finite, non-negative values count."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


@dataclass
class RetryPolicy:
    """When a failed request is tried again (README: Retries), one policy for every request of
    a run: polls (Poller), list pages (--running) and cancel requests. The provider's own wait
    when it gave a usable one, else exponential backoff with full jitter; at most
    `max_retries` failures in a row."""

    max_retries: int = 5
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failures: int, error: RetryableError) -> float:
        """The wait before the next try, after `failures` failures in a row."""
        asked = usable_wait(error.retry_after)
        return asked if asked is not None else backoff_delay(failures, self.rng)

    def exhausted(self, failures: int) -> bool:
        """Whether `failures` failures in a row are more than the policy tolerates."""
        return failures > self.max_retries

    async def call(
        self,
        attempt: Callable[[float], Awaitable[T]],
        *,
        time_left: Callable[[], float],
        request_timeout: float,
        late: str,
        on_retry: Callable[[RetryableError, float], None] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> T:
        """`attempt(time_limit)` until it succeeds, for a request outside the poll loop (a list
        page, a cancel): each try gets `request_timeout`, never more than the time left. A
        RetryableError is tried again after `delay` and raised when the policy is exhausted or
        the wait would reach the deadline; with no time left for a try, a StateUnknownError
        says `late`."""
        failures = 0
        while True:
            left = time_left()
            if left <= 0:
                raise StateUnknownError(late)
            try:
                return await attempt(min(request_timeout, left))
            except RetryableError as error:
                failures += 1
                wait = self.delay(failures, error)
                if self.exhausted(failures) or wait >= time_left():
                    raise
                if on_retry is not None:
                    on_retry(error, wait)
                await sleep(wait)


@dataclass(frozen=True)
class Refusal:
    """A wait not worth waiting: why, and the exit code the job ends with."""

    reason: str
    exit_code: int


@dataclass
class HostGate:
    """Keeps requests to one host apart: a rate cap, and a block after a 429 (with the
    provider's reason, for the jobs that will not wait that long)."""

    spacing: float = 0.0
    next_free: float = 0.0
    blocked_until: float = 0.0
    block_reason: str = ""

    def reserve(self, now: float) -> float:
        """The time at which the caller may send; reserves that slot."""
        at = max(now, self.blocked_until, self.next_free)
        self.next_free = at + self.spacing
        return at

    def block(self, until: float, reason: str = "") -> None:
        if until > self.blocked_until:
            self.blocked_until = until
            self.block_reason = reason


class Schedule:
    """The clock side of one Poller: the deadline, the request slots, and a stop flag."""

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep,
        *,
        deadline: float | None,
        wake_quantum: float,
        max_in_flight: int,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.deadline = deadline
        self.wake_quantum = wake_quantum
        self.slots = asyncio.Semaphore(max_in_flight)
        # --fail-fast: set when a job failed; every wait then ends early.
        self.stopped = False

    def time_left(self) -> float:
        deadline = self.deadline
        return math.inf if deadline is None else deadline - self.clock()

    def refusal(self, wait: float) -> Refusal | None:
        """Why a wait a provider asked for is not worth it, or None when it is. Past the
        deadline the job has timed out (124); longer than MAX_WAIT, its state is unknown (3)."""
        if wait >= self.time_left():
            return Refusal(f"asked to wait {wait:.0f}s, past the deadline", exitcodes.TIMEOUT)
        if wait > MAX_WAIT:
            minutes = f"{MAX_WAIT / 60:.0f} minutes"
            return Refusal(f"asked to wait {wait:.0f}s, more than {minutes}", exitcodes.UNKNOWN)
        return None

    async def wait(self, seconds: float, *, on_grid: bool = True) -> bool:
        """Sleep, but never past the deadline. False when the deadline (or a stop) came first.
        `on_grid`: end on the wake_quantum grid (a host's rate-capped turns never do)."""
        left = self.time_left()
        if seconds >= left:
            if left > 0:
                await self.sleep(left)
            return False
        if seconds > 0:
            quantum = self.wake_quantum
            if quantum and on_grid:
                # Wake on a shared grid, so that many jobs' polls wake the loop together.
                now = self.clock()
                # (less a hair: float noise must not push a time on the grid a step later)
                step = math.ceil((now + seconds) / quantum - 1e-9)
                seconds = min(left, step * quantum - now)
            await self.sleep(seconds)
        return not self.stopped

    async def take_turn(self, gate: HostGate) -> bool | Refusal:
        """Wait for a turn at the host (rate cap, 429 block), then for a request slot, which the
        caller holds and releases. False when the deadline or a stop came first; a Refusal
        (its reason the host's own) when the host's 429 block is not worth waiting for."""
        while True:
            now = self.clock()
            turn = gate.reserve(now)
            if turn > now and turn == gate.blocked_until and gate.block_reason:
                refused = self.refusal(turn - now)
                if refused is not None:
                    return Refusal(f"{gate.block_reason} ({refused.reason})", refused.exit_code)
            if not await self.wait(turn - self.clock(), on_grid=False):
                return False
            await self.slots.acquire()
            # Queued for a slot past half its turn (a stalled host held every slot): take a
            # new turn, or the requests queued behind the stall would all go out at once.
            if not gate.spacing or self.clock() - turn <= gate.spacing / 2:
                return True
            self.slots.release()
