"""Plain progress lines for CI logs: a line per change, throttled, with heartbeats; never a
carriage return or a cursor move."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console

from jobwatch.core.events import Event, RetryEvent, StatusEvent, WarningEvent
from jobwatch.core.models import JobState, JobStatus, job_name
from jobwatch.core.text import duration
from jobwatch.render.reasons import has_reason_line
from jobwatch.render.text import (
    job_line,
    names_by_id,
    retry_line,
    shown_state,
    state_style,
)

PROGRESS_EVERY = 10.0
HEARTBEAT_EVERY = 60.0


@dataclass
class _Seen:
    state: JobState
    status: str
    progress_at: float  # when its last progress line was printed (-inf: none yet)
    last: JobStatus  # what its last line said
    held: JobStatus | None = None  # a progress change not printed yet (throttled)


class PlainReporter:
    """Writes progress lines to a console that must not be redrawn: a line when a job's
    state or status word changes, at most one progress line per job per PROGRESS_EVERY
    seconds (its first change in progress is printed at once, so a short run shows movement
    too), a heartbeat after HEARTBEAT_EVERY seconds of silence, and at the end a `summary:`
    line for each job whose last state is not already the last line about it."""

    def __init__(self, console: Console, clock: Callable[[], float]) -> None:
        self.console = console
        self.clock = clock
        self.started = clock()
        self.last_output = self.started
        self.seen: dict[tuple[str, str | None, str], _Seen] = {}
        self.latest: dict[tuple[str, str | None, str], JobStatus] = {}
        self.names: dict[tuple[str, str], str] = {}

    def _print(self, text: str, style: str | None = None) -> None:
        stamp = duration(self.clock() - self.started)
        self.console.print(
            f"[{stamp:>6}] {text}", style=style, highlight=False, soft_wrap=True, markup=False
        )
        self.last_output = self.clock()

    def _print_job(self, job: JobStatus) -> None:
        self._print(job_line(job), state_style(shown_state(job)))

    def start(self, jobs: Sequence[JobStatus]) -> None:
        self.names = names_by_id(jobs)
        names = ", ".join(job_name(job) for job in jobs[:5])
        more = f" and {len(jobs) - 5} more" if len(jobs) > 5 else ""
        self._print(f"watching {len(jobs)} job{'s' if len(jobs) != 1 else ''}: {names}{more}")

    def on_event(self, event: Event) -> None:
        now = self.clock()
        if isinstance(event, StatusEvent):
            job = event.job
            key = (job.provider, job.scope, job.id)
            self.latest[key] = job
            seen = self.seen.get(key)
            if seen is None or seen.state != job.state or seen.status != job.status:
                self._print_job(job)
                at = -math.inf if seen is None else seen.progress_at
                self.seen[key] = _Seen(job.state, job.status, at, job)
            elif now - seen.progress_at >= PROGRESS_EVERY:
                self._print_job(job)
                seen.progress_at, seen.last, seen.held = now, job, None
            else:
                seen.held = job
        elif isinstance(event, RetryEvent):
            self._print(retry_line(event, self.names), "yellow")
        elif isinstance(event, WarningEvent):
            self._print(f"warning: {event.text}", "yellow")

    def tick(self) -> None:
        now = self.clock()
        for seen in self.seen.values():
            if seen.held is not None and now - seen.progress_at >= PROGRESS_EVERY:
                self._print_job(seen.held)
                seen.progress_at, seen.last, seen.held = now, seen.held, None
        if now - self.last_output >= HEARTBEAT_EVERY:
            active = [job for job in self.latest.values() if not job.state.is_terminal]
            self._print(
                f"still watching: {len(active)} active, elapsed {duration(now - self.started)}"
            )

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        """The summary block: a line for each job whose last line does not say how it
        stands now (a job not finished, or whose last change was held back); the summary
        line and the reasons follow (jobwatch/render/result.py)."""
        for job in jobs:
            seen = self.seen.get((job.provider, job.scope, job.id))
            if seen is not None and seen.last.same_progress(job):
                continue
            # A job that ended badly gets its whole reason on a line of its own after these
            # (jobwatch/render/reasons.py), so its summary line does not repeat it.
            line = job_line(job, message=not has_reason_line(job))
            self._print(f"summary: {line}", state_style(shown_state(job)))
