"""Job stories: which story an id asks for, and where a job is in it right now.

A story is a timeline in *story seconds*; `--speed` divides every duration. Each job (provider
plus id) gets its own clock, started by the first request that names it, and its own request
counter, which the fault stories (`-429`, `-500`, `-flaky`) read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum


class Phase(Enum):
    """Provider-neutral stage of a simulated job; each provider turns it into its own words."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PAUSED = "paused"  # Milvus two-phase import waiting for /commit: not done, never moves


class Fault(Enum):
    """What goes wrong with one request before the provider's application answers it."""

    RATE_LIMITED = "429"  # HTTP 429, Retry-After: 1, the provider's rate-limit body
    SERVER_ERROR = "500"  # HTTP 500 with the provider's error body
    BAD_GATEWAY = "502"  # HTTP 502, plain text from a load balancer
    UNAVAILABLE = "503"  # HTTP 503, plain text from a load balancer
    PROXY_PAGE = "proxy"  # HTTP 502, an HTML page from a proxy
    DROP = "drop"  # the connection is closed without any response


@dataclass(frozen=True)
class Timeline:
    """Pending until `pending_until`, running until `ends_at`, then `outcome` (story seconds)."""

    pending_until: float
    ends_at: float
    outcome: Phase
    end_fraction: float = 1.0  # how far the work got when the outcome arrived

    def fraction_at(self, t: float) -> float:
        if t <= self.pending_until:
            return 0.0
        if t >= self.ends_at:
            return self.end_fraction
        run = (t - self.pending_until) / (self.ends_at - self.pending_until)
        return run * self.end_fraction

    def time_at_fraction(self, fraction: float) -> float:
        """Story second at which the running work reached `fraction` (of the whole job)."""
        share = min(fraction / self.end_fraction, 1.0) if self.end_fraction else 1.0
        return self.pending_until + share * (self.ends_at - self.pending_until)


@dataclass(frozen=True)
class Story:
    """A named story: its timeline and the faults its first requests meet."""

    name: str
    timeline: Timeline
    faults: tuple[Fault, ...] = ()
    gone: bool = False
    big: bool = False


_NORMAL = Timeline(pending_until=1.0, ends_at=10.0, outcome=Phase.SUCCEEDED)

STORIES: dict[str, Story] = {
    "default": Story("default", _NORMAL),
    "fail": Story("fail", Timeline(1.0, 5.0, Phase.FAILED, end_fraction=0.4)),
    "slow": Story("slow", Timeline(5.0, 600.0, Phase.SUCCEEDED)),
    "429": Story("429", _NORMAL, faults=(Fault.RATE_LIMITED,)),
    "500": Story("500", _NORMAL, faults=(Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.UNAVAILABLE)),
    "flaky": Story("flaky", _NORMAL, faults=(Fault.PROXY_PAGE, Fault.DROP)),
    "gone": Story("gone", _NORMAL, gone=True),
    "big": Story("big", _NORMAL, big=True),
    "uncommitted": Story("uncommitted", Timeline(1.0, 10.0, Phase.PAUSED, end_fraction=0.99)),
}

# Suffixes that only mean something at some providers; elsewhere the id runs the default story.
_PROVIDER_ONLY = {"big": {"firecrawl"}, "uncommitted": {"milvus"}}


def story_for(provider: str, job_id: str) -> Story:
    """The story a job id asks for by its suffix (`-fail`, `-slow`, ...); else the default."""
    for name, story in STORIES.items():
        if job_id.endswith(f"-{name}") and provider in _PROVIDER_ONLY.get(name, {provider}):
            return story
    return STORIES["default"]


@dataclass(frozen=True)
class Snapshot:
    """Where a job is in its story at one request; wall times are real (speed applied)."""

    phase: Phase
    fraction: float  # 0..1 of the whole job's work
    story_seconds: float  # story time since the clock started
    started_at: datetime
    finished_at: datetime | None  # set once the phase is terminal
    remaining_seconds: float  # real seconds until the outcome (0 when terminal or paused)
    timeline: Timeline
    speed: float

    def wall_time_at(self, story_second: float) -> datetime:
        """The real time at which the job reached `story_second` of its story."""
        return self.started_at + timedelta(seconds=story_second / self.speed)

    @property
    def terminal(self) -> bool:
        return self.phase in (Phase.SUCCEEDED, Phase.FAILED)


@dataclass(frozen=True)
class Visit:
    """One request naming one job: its 1-based request number, story, fault and snapshot."""

    number: int
    story: Story
    fault: Fault | None
    snapshot: Snapshot


@dataclass
class _JobClock:
    started: float  # monotonic seconds
    started_at: datetime
    requests: int = 0


class JobBook:
    """Per-job clocks and request counters, keyed by (provider, job id); thread-safe."""

    def __init__(
        self,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._monotonic = monotonic
        self._now = now
        self._jobs: dict[tuple[str, str], _JobClock] = {}
        self._lock = threading.Lock()

    def visit(self, provider: str, job_id: str) -> Visit:
        """Count a request naming this job (starting its clock) and say where it is."""
        story = story_for(provider, job_id)
        with self._lock:
            clock = self._jobs.get((provider, job_id))
            if clock is None:
                clock = _JobClock(started=self._monotonic(), started_at=self._now())
                self._jobs[(provider, job_id)] = clock
            clock.requests += 1
            number = clock.requests
            story_seconds = (self._monotonic() - clock.started) * self.speed
        fault = story.faults[number - 1] if number <= len(story.faults) else None
        return Visit(number, story, fault, self._snapshot(story.timeline, clock, story_seconds))

    def _snapshot(self, timeline: Timeline, clock: _JobClock, t: float) -> Snapshot:
        if t < timeline.pending_until:
            phase = Phase.PENDING
        elif t < timeline.ends_at:
            phase = Phase.RUNNING
        else:
            phase = timeline.outcome
        terminal = phase in (Phase.SUCCEEDED, Phase.FAILED)
        finished_at = (
            clock.started_at + timedelta(seconds=timeline.ends_at / self.speed)
            if terminal
            else None
        )
        remaining = max(timeline.ends_at - t, 0.0) / self.speed if phase != Phase.PAUSED else 0.0
        return Snapshot(
            phase=phase,
            fraction=timeline.fraction_at(t),
            story_seconds=t,
            started_at=clock.started_at,
            finished_at=finished_at,
            remaining_seconds=remaining,
            timeline=timeline,
            speed=self.speed,
        )
