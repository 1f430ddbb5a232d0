"""The simulator's book of jobs: each job's clock, request counter, scope and cancellation.

Each job (provider plus id) gets its own clock, started by the first request that names it
(the job is then *seen*), and its own request counter, which the fault stories (`-429`,
`-500`, `-flaky`) read. List endpoints read the seen jobs without counting a request;
cancel endpoints stop a job's clock where it is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jobwatch.sim.stories import TERMINAL, Fault, Phase, Story, Timeline, story_for


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
    end_seconds: float | None = None  # story second of the terminal event, once terminal

    def wall_time_at(self, story_second: float) -> datetime:
        """The real time at which the job reached `story_second` of its story."""
        return self.started_at + timedelta(seconds=story_second / self.speed)

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL


@dataclass(frozen=True)
class Visit:
    """One request naming one job: its 1-based request number, story, fault and snapshot."""

    number: int
    story: Story
    fault: Fault | None
    snapshot: Snapshot

    @property
    def not_found(self) -> bool:
        """The provider does not know this job (yet): `-gone`, or `-late` in its first 3 s."""
        return self.story.gone or self.snapshot.story_seconds < self.story.late_until


@dataclass
class _JobClock:
    started: float  # monotonic seconds
    started_at: datetime
    scope: str  # the dataset / cluster the job was first named under ("" when none)
    requests: int = 0
    cancelled_at: float | None = None  # story second of a cancel request


class SimJobs:
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
        self._jobs: dict[tuple[str, str], _JobClock] = {}  # in the order they were first seen
        self._lock = threading.Lock()

    def visit(self, provider: str, job_id: str, scope: str = "") -> Visit:
        """Count a request naming this job (starting its clock) and say where it is."""
        story = story_for(provider, job_id)
        with self._lock:
            clock = self._jobs.get((provider, job_id))
            if clock is None:
                clock = _JobClock(self._monotonic(), self._now(), scope)
                self._jobs[(provider, job_id)] = clock
            clock.requests += 1
            number = clock.requests
            snapshot = self._snapshot(story, clock)
        fault = story.faults[number - 1] if number <= len(story.faults) else None
        return Visit(number, story, fault, snapshot)

    def seen(self, provider: str, scope: str | None = None) -> list[tuple[str, Visit]]:
        """The seen jobs of `provider` (of one scope, if given), oldest first, each with where
        it is now; reading them counts no request and meets no fault."""
        with self._lock:
            return [
                (job_id, Visit(clock.requests, story_for(p, job_id), None, self._snap(p, job_id)))
                for (p, job_id), clock in self._jobs.items()
                if p == provider and (scope is None or clock.scope == scope)
            ]

    def cancel(self, provider: str, job_id: str) -> bool:
        """Cancel a seen job that is not finished; False when it was already finished (or
        cancelled before). The job keeps the progress it had."""
        with self._lock:
            clock = self._jobs.get((provider, job_id))
            if clock is None:
                return False
            snapshot = self._snapshot(story_for(provider, job_id), clock)
            if snapshot.terminal:
                return False
            clock.cancelled_at = snapshot.story_seconds
            return True

    def _snap(self, provider: str, job_id: str) -> Snapshot:
        return self._snapshot(story_for(provider, job_id), self._jobs[(provider, job_id)])

    def _snapshot(self, story: Story, clock: _JobClock) -> Snapshot:
        timeline = story.timeline
        t = (self._monotonic() - clock.started) * self.speed
        end: float | None = None
        if clock.cancelled_at is not None:
            phase, end = Phase.CANCELLED, clock.cancelled_at
            fraction = timeline.fraction_at(clock.cancelled_at)
        else:
            if t < timeline.pending_until:
                phase = Phase.PENDING
            elif t < timeline.ends_at:
                phase = Phase.RUNNING
            else:
                phase = timeline.outcome
            fraction = timeline.fraction_at(t)
            if phase in TERMINAL:
                end = timeline.ends_at
        running = phase in (Phase.PENDING, Phase.RUNNING)
        return Snapshot(
            phase=phase,
            fraction=fraction,
            story_seconds=t,
            started_at=clock.started_at,
            finished_at=clock.started_at + timedelta(seconds=end / self.speed)
            if end is not None
            else None,
            remaining_seconds=max(timeline.ends_at - t, 0.0) / self.speed if running else 0.0,
            timeline=timeline,
            speed=self.speed,
            end_seconds=end,
        )
