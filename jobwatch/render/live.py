"""The live view: one row per job (indented rows for parts), redrawn at most 4 times a second
on stderr. The last frame stays on screen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from jobwatch.models import JobState, JobStatus
from jobwatch.poll import Event, RetryEvent, StatusEvent, WarningEvent
from jobwatch.render.eta import EtaEstimator
from jobwatch.render.text import STATE_STYLES, amount, duration, outcome_line, percent, short_id

REFRESH_PER_SECOND = 4
RECENT_SECONDS = 30.0

JobKey = tuple[str, str | None, str]
# Ended jobs that stay on screen when not every row fits.
_NOTABLE = (JobState.FAILED, JobState.UNKNOWN, JobState.CANCELLED, JobState.STALLED)


def _key(job: JobStatus) -> JobKey:
    return (job.provider, job.dataset_id, job.id)


class LiveView:
    """The frame: a table of jobs, with a footer for retries and warnings."""

    def __init__(self, clock: Callable[[], float], height: Callable[[], int]) -> None:
        self.clock = clock
        self.height = height
        self.started = clock()
        self.jobs: dict[JobKey, JobStatus] = {}
        self.changed_at: dict[JobKey, float] = {}
        self.finished_at: dict[JobKey, float] = {}
        self.eta: dict[JobKey, EtaEstimator] = {}
        self.notes: dict[JobKey, str] = {}
        self.warnings: list[str] = []

    def set_jobs(self, jobs: Sequence[JobStatus]) -> None:
        for job in jobs:
            self.jobs.setdefault(_key(job), job)

    def update(self, job: JobStatus) -> None:
        key, now = _key(job), self.clock()
        self.jobs[key] = job
        self.changed_at[key] = now
        self.notes.pop(key, None)
        self.eta.setdefault(key, EtaEstimator()).add(now, job)
        if job.state.is_terminal:
            self.finished_at.setdefault(key, now)

    def note_retry(self, event: RetryEvent) -> None:
        for key in self.jobs:
            if key[0] == event.provider and key[2] == event.job_id:
                self.notes[key] = f"retry {event.attempt} in {event.delay:.0f}s: {event.reason}"

    def __rich__(self) -> RenderableType:
        now = self.clock()
        table = Table.grid(padding=(0, 1))
        for justify in ("left", "left", "left", "left", "right", "right", "right", "right"):
            table.add_column(justify=justify, no_wrap=True)
        # On a narrow terminal the bar and the message give way (the message stays on one
        # line), not the id, status, counts, percent, elapsed and ETA.
        table.columns[3].no_wrap = False
        table.add_column(no_wrap=False, overflow="ellipsis")
        rows = self._visible(now)
        for key in rows:
            self._add_job_row(table, key, now)
        parts: list[RenderableType] = []
        hidden = len(self.jobs) - len(rows)
        if hidden:
            parts.append(self._summary_line(hidden))
        parts.append(table)
        parts.extend(Text(f"warning: {text}", style="yellow") for text in self.warnings[-3:])
        return Group(*parts)

    def _row_count(self, keys: Sequence[JobKey]) -> int:
        return sum(1 + len(self.jobs[key].items) for key in keys)

    def _visible(self, now: float) -> list[JobKey]:
        """All jobs when they fit; else the active, failed and recently changed ones."""
        keys = list(self.jobs)
        room = max(3, self.height() - 4)
        if self._row_count(keys) <= room:
            return keys

        def interesting(key: JobKey) -> bool:
            job = self.jobs[key]
            recent = now - self.changed_at.get(key, -1e9) <= RECENT_SECONDS
            return (
                job.state in _NOTABLE
                or (not job.state.is_terminal and job.status != "not read yet")
                or recent
            )

        chosen = [key for key in keys if interesting(key)]

        shown: list[JobKey] = []
        for key in chosen:
            if self._row_count([*shown, key]) > room - 1:
                break
            shown.append(key)
        return shown

    def _summary_line(self, hidden: int) -> Text:
        counts = Counter(job.state for job in self.jobs.values())
        text = Text(f"{len(self.jobs)} jobs: ")
        for state in JobState:
            if counts[state]:
                text.append(f"{counts[state]} {state.value}  ", style=STATE_STYLES[state])
        text.append(f"({hidden} not shown)", style="dim")
        return text

    def _add_job_row(self, table: Table, key: JobKey, now: float) -> None:
        job = self.jobs[key]
        waiting = job.status == "not read yet"
        end = self.finished_at.get(key, now)
        estimator = self.eta.get(key)
        eta = None if job.state.is_terminal or estimator is None else estimator.eta(now)
        ident = (
            f"{short_id(job.dataset_id, 7)}/{short_id(job.id, 19)}"
            if job.dataset_id
            else short_id(job.id, 24)
        )
        table.add_row(
            Text(job.provider, style="bold"),
            ident,
            Text("…" if waiting else job.status, style=STATE_STYLES[job.state]),
            self._bar(job, now),
            amount(job),
            percent(job.progress) if job.progress is not None else "",
            duration(end - self.started),
            f"eta {duration(eta)}" if eta is not None else "",
            _note(self.notes.get(key) or job.message),
        )
        for item in job.items:
            table.add_row(
                "",
                Text(f"  └ {short_id(item.name, 22)}", style="dim"),
                Text(item.status, style=STATE_STYLES[item.state]),
                self._bar_for(item.state, item.progress, now),
                "",
                percent(item.progress) if item.progress is not None else "",
                "",
                "",
                _note(item.message),
            )

    def _bar(self, job: JobStatus, now: float) -> ProgressBar:
        return self._bar_for(job.state, job.progress, now)

    def _bar_for(self, state: JobState, progress: float | None, now: float) -> ProgressBar:
        style = STATE_STYLES[state]
        if state is JobState.SUCCEEDED:
            return ProgressBar(
                total=1, completed=1, width=24, complete_style=style, finished_style=style
            )
        if progress is None:
            # A pulsing bar where the provider gives no numbers (or until it is terminal).
            return ProgressBar(
                total=None,
                width=24,
                pulse=not state.is_terminal,
                animation_time=now,
                complete_style=style,
            )
        return ProgressBar(
            total=1, completed=progress, width=24, complete_style=style, finished_style=style
        )


def _note(text: str | None) -> Text:
    """The last column: one line, cut with `…` when the terminal is too narrow."""
    return Text(text or "", style="dim", no_wrap=True, overflow="ellipsis")


class LiveReporter:
    """Drives a Rich Live display of a LiveView."""

    def __init__(self, console: Console, clock: Callable[[], float]) -> None:
        self.console = console
        self.view = LiveView(clock, lambda: console.size.height)
        self.live = Live(
            self.view,
            console=console,
            refresh_per_second=REFRESH_PER_SECOND,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def start(self, jobs: Sequence[JobStatus]) -> None:
        self.view.set_jobs(jobs)
        self.live.start(refresh=True)

    def on_event(self, event: Event) -> None:
        if isinstance(event, StatusEvent):
            self.view.update(event.job)
        elif isinstance(event, RetryEvent):
            self.view.note_retry(event)
        elif isinstance(event, WarningEvent):
            self.view.warnings.append(event.text)

    def tick(self) -> None:
        pass

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        for job in jobs:
            if job != self.view.jobs.get(_key(job)):
                self.view.update(job)
        self.live.refresh()
        self.live.stop()
        self.console.print(outcome_line(jobs, exit_code, self.view.clock() - self.view.started))
