"""The live view: a line counting the jobs done (`[+] 3/7 done: …`, always in view), then one
row per job (indented rows for parts), redrawn at most 4 times a second on stderr in a live
region (jobwatch/render/region.py) that a hook's output prints above. The last frame stays on
screen. Which rows and how wide: jobwatch/render/rows.py."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from jobwatch.core.events import Event, RetryEvent, StatusEvent, WarningEvent
from jobwatch.core.models import NOT_FOUND_YET, Item, JobState, JobStatus, is_unread
from jobwatch.core.text import duration
from jobwatch.render import rows
from jobwatch.render.eta import EtaEstimator, rate_text
from jobwatch.render.region import LiveRegion
from jobwatch.render.text import shown_state, state_counts, state_style

REFRESH_PER_SECOND = 4
RECENT_SECONDS = 30.0
WARNINGS_SHOWN = 3
STALE_INTERVALS = 3  # no ETA or rate once nothing moved for this many poll intervals
DEFAULT_INTERVAL = 5.0

JobKey = tuple[str, str | None, str]


def _key(job: JobStatus) -> JobKey:
    return (job.provider, job.scope, job.id)


def status_word(job: JobStatus) -> str:
    """The provider's word; `pending` before the first answer, `unknown` after an error."""
    if is_unread(job):
        return JobState.PENDING.value
    if job.state is JobState.UNKNOWN:
        return job.state.value
    return job.status


def counts(job: JobStatus, unit: bool = True) -> str:
    """`40/100 pages`, `40/100`, or `` when the provider gives no counts."""
    if job.completed is None and job.total is None:
        return ""
    done = "?" if job.completed is None else str(job.completed)
    total = "?" if job.total is None else str(job.total)
    return f"{done}/{total}" + (f" {job.unit}" if unit and job.unit else "")


def whole_percent(progress: float | None) -> str:
    """`45%`, rounded down: `100%` only when done."""
    return "" if progress is None else f"{math.floor(progress * 100 + 1e-9)}%"


def fit_status(forms: Sequence[str], width: int) -> str:
    """The first of `forms` (longest first) that fits, else the last cut with `…`."""
    for text in forms:
        if len(text) <= width:
            return text
    return rows.fit_text(forms[-1], width)


class Retry:
    """A job's poll failed and is tried again: the attempt, when, and why."""

    def __init__(self, attempt: int, due: float, reason: str) -> None:
        self.attempt, self.due, self.reason = attempt, due, reason

    def forms(self, now: float) -> list[str]:
        """`retry 2 in 4s`, `retry in 4s`, `retry 2`, `retry`: its status, longest first."""
        left = max(0, math.ceil(self.due - now - 1e-9))
        when = f"in {left}s" if left else "now"
        return [f"retry {self.attempt} {when}", f"retry {when}", f"retry {self.attempt}", "retry"]


class LiveView:
    """The frame: the count line, a table of jobs, a line for jobs left out, and warnings."""

    def __init__(
        self,
        clock: Callable[[], float],
        height: Callable[[], int],
        intervals: Mapping[str, float] | None = None,
    ) -> None:
        self.clock = clock
        self.height = height
        self.intervals = dict(intervals or {})
        self.started = clock()
        self.jobs: dict[JobKey, JobStatus] = {}
        self.changed_at: dict[JobKey, float] = {}
        self.finished_at: dict[JobKey, float] = {}
        self.eta: dict[JobKey, EtaEstimator] = {}
        self.retries: dict[JobKey, Retry] = {}
        self.warnings: list[str] = []
        self.natural = rows.Natural()

    def set_jobs(self, jobs: Sequence[JobStatus]) -> None:
        for job in jobs:
            self.jobs.setdefault(_key(job), job)
            self._widen(job)

    def update(self, job: JobStatus) -> None:
        key, now = _key(job), self.clock()
        self.jobs[key] = job
        self.changed_at[key] = now
        self.retries.pop(key, None)
        if key not in self.eta:
            interval = self.intervals.get(job.provider, DEFAULT_INTERVAL)
            self.eta[key] = EtaEstimator(stale_after=STALE_INTERVALS * interval)
        self.eta[key].add(now, job)
        if job.state.is_terminal and not is_unread(job):
            self.finished_at.setdefault(key, now)
        self._widen(job)

    def note_retry(self, event: RetryEvent) -> None:
        for key in self.jobs:
            if key[0] == event.provider and key[2] == event.job_id:
                self.retries[key] = Retry(event.attempt, self.clock() + event.delay, event.reason)
                self.natural.widen(status=len(self.retries[key].forms(self.clock())[0]))

    def _widen(self, job: JobStatus) -> None:
        ident = len(job.id) + (len(job.scope) + 1 if job.scope else 0)
        total = "?" if job.total is None else str(job.total)
        whole = counts(job.replace(completed=0 if job.total is None else job.total))
        self.natural.widen(
            provider=len(job.provider),
            ident=max([ident, *(len(item.name) + 4 for item in job.items)]),
            status=max([len(status_word(job)), *(len(item.status) for item in job.items)]),
            counts=len(whole) if whole else 0,
            counts_bare=2 * len(total) + 1 if whole else 0,
        )

    def _eta(self, key: JobKey, now: float) -> float | None:
        estimator = self.eta.get(key)
        if self.jobs[key].state.is_terminal or estimator is None:
            return None
        return estimator.eta(now)

    def _rate(self, key: JobKey, now: float) -> float | None:
        estimator = self.eta.get(key)
        if self.jobs[key].state.is_terminal or estimator is None:
            return None
        return estimator.rate(now)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        now = self.clock()
        keys = list(self.jobs)
        warnings = self.warnings[-WARNINGS_SHOWN:]
        # Besides the rows: the count line above, the warnings below, and the line the
        # cursor rests on (jobwatch/render/region.py).
        room = max(3, self.height() - 2 - len(warnings))

        def rank(key: JobKey) -> int:
            recent = now - self.changed_at.get(key, -math.inf) <= RECENT_SECONDS
            return rows.rank(self.jobs[key], recent)

        shown = rows.choose(keys, rank, lambda key: 1 + len(self.jobs[key].items), room)
        etas = {key: self._eta(key, now) for key in shown}
        rates = {key: self._rate(key, now) for key in shown}
        for key in shown:
            eta, rate, job = etas[key], rates[key], self.jobs[key]
            if eta is not None:
                self.natural.widen(eta=1)
            if rate is not None:
                self.natural.widen(
                    rate=len(rate_text(rate, job.unit)), rate_bare=len(rate_text(rate, None))
                )
        notes = any(self._note(key) or self.jobs[key].items for key in shown)
        columns = rows.fit(options.max_width, self.natural, notes=notes)
        hidden = [key for key in keys if key not in set(shown)]
        yield self._count_line()
        if shown:
            yield self._table(columns, shown, etas, rates, now)
        if hidden:
            yield self._hidden_line(hidden)
        for text in warnings:
            yield Text(f"warning: {text}", style="yellow", no_wrap=True, overflow="ellipsis")

    def _note(self, key: JobKey) -> str | None:
        job = self.jobs[key]
        if key in self.retries:
            return self.retries[key].reason
        if is_unread(job) or not job.message:
            return None
        if job.status == NOT_FOUND_YET:
            return None  # the status says it; its message is for the end of the run
        # The row names the provider already: `HTTP 404: …`, not `brightdata: HTTP 404: …`.
        return job.message.removeprefix(f"{job.provider}: ")

    def _count_line(self) -> Text:
        """`[+] 3/7 done: 2 succeeded, 1 failed, 3 running, 1 pending` (as docker compose
        counts its containers): always the first line, so the total stays in view."""
        jobs = self.jobs.values()
        done = sum(1 for job in jobs if job.state.is_terminal and not is_unread(job))
        text = Text(f"[+] {done}/{len(self.jobs)} done", style="bold")
        for index, (state, count) in enumerate(state_counts(jobs)):
            text.append(", " if index else ": ")
            text.append(f"{count} {state}", style=state_style(state))
        text.no_wrap, text.overflow = True, "ellipsis"
        return text

    def _hidden_line(self, hidden: Sequence[JobKey]) -> Text:
        """`… and 27 more succeeded`, or `… and 27 more: 20 succeeded, 7 pending`."""
        tally = state_counts(self.jobs[key] for key in hidden)
        if len(tally) == 1:
            return Text(f"… and {len(hidden)} more {tally[0][0]}", style="dim")
        parts = ", ".join(f"{count} {state}" for state, count in tally)
        return Text(f"… and {len(hidden)} more: {parts}", style="dim", no_wrap=True)

    def _status(self, key: JobKey, width: int, now: float) -> Text:
        job = self.jobs[key]
        retry = self.retries.get(key)
        if retry is not None:
            return Text(fit_status(retry.forms(now), width), style="yellow")
        forms = [status_word(job)]
        if job.status == NOT_FOUND_YET:
            forms.append("not found")
        return Text(fit_status(forms, width), style=state_style(shown_state(job)))

    def _table(
        self,
        columns: rows.Columns,
        shown: Sequence[JobKey],
        etas: dict[JobKey, float | None],
        rates: dict[JobKey, float | None],
        now: float,
    ) -> Table:
        table = Table.grid(padding=(0, 1))
        layout = [
            (columns.provider, "left"),
            (columns.ident, "left"),
            (columns.status, "left"),
            (columns.bar, "left"),
            (columns.counts, "right"),
            (columns.rate, "right"),
            (columns.percent, "right"),
            (columns.elapsed, "right"),
            (columns.eta, "left"),
            (columns.note, "left"),
        ]
        keep = [width > 0 for width, _ in layout]
        for width, justify in layout:
            if width:
                table.add_column(width=width, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for key in shown:
            job, eta, rate = self.jobs[key], etas[key], rates[key]
            end = self.finished_at.get(key, now)
            cells: list[Text | ProgressBar] = [
                Text(rows.fit_text(job.provider, columns.provider), style="bold"),
                Text(rows.fit_job_id(job, columns.ident)),
                self._status(key, columns.status, now),
                self._bar(job.state, job.progress, columns.bar, now, unread=is_unread(job)),
                Text(counts(job, columns.unit)),
                Text(rate_text(rate, job.unit if columns.unit else None) if rate else ""),
                Text(whole_percent(job.progress)),
                Text(duration(end - self.started)),
                Text(f"eta {duration(eta)}" if eta is not None else ""),
                _note(self._note(key)),
            ]
            table.add_row(*(cell for cell, on in zip(cells, keep, strict=True) if on))
            for item in job.items:
                item_cells = self._item_cells(item, columns, now)
                table.add_row(*(cell for cell, on in zip(item_cells, keep, strict=True) if on))
        return table

    def _item_cells(
        self, item: Item, columns: rows.Columns, now: float
    ) -> list[Text | ProgressBar]:
        return [
            Text(""),
            Text(rows.fit_item(item.name, columns.ident), style="dim"),
            Text(rows.fit_text(item.status, columns.status), style=state_style(item.state)),
            self._bar(item.state, item.progress, columns.bar, now),
            Text(""),
            Text(""),
            Text(whole_percent(item.progress)),
            Text(""),
            Text(""),
            _note(item.message),
        ]

    def _bar(
        self, state: JobState, progress: float | None, width: int, now: float, unread: bool = False
    ) -> ProgressBar:
        style = state_style(JobState.PENDING if unread else state)
        done: float | None = progress
        if state is JobState.SUCCEEDED:
            done = 1.0
        elif progress is None and (unread or state.is_terminal):
            done = 0.0  # no numbers, and nothing happening: a still, empty bar
        return ProgressBar(
            total=None if done is None else 1.0,  # None pulses: alive, but no numbers
            completed=done or 0.0,
            width=width,
            animation_time=now,
            complete_style=style,
            finished_style=style,
        )


def _note(text: str | None) -> Text:
    """The last column: one line, cut with `…` when the terminal is too narrow; the whole
    reason of a job that ended badly follows the last frame (jobwatch/render/reasons.py)."""
    return Text(text or "", style="dim", no_wrap=True, overflow="ellipsis")


class LiveReporter:
    """Draws a LiveView in a live region: at most REFRESH_PER_SECOND times a second (on the
    watch's ticks), and at once when a hook prints a line above it."""

    def __init__(
        self,
        console: Console,
        clock: Callable[[], float],
        intervals: Mapping[str, float] | None = None,
    ) -> None:
        self.console = console
        self.view = LiveView(clock, lambda: console.size.height, intervals)
        self.region = LiveRegion(console)
        self._pending = ""  # a hook's output after its last newline

    def start(self, jobs: Sequence[JobStatus]) -> None:
        self.view.set_jobs(jobs)
        self.region.draw(self.view)

    def on_event(self, event: Event) -> None:
        if isinstance(event, StatusEvent):
            self.view.update(event.job)
        elif isinstance(event, RetryEvent):
            self.view.note_retry(event)
        elif isinstance(event, WarningEvent):
            self.view.warnings.append(event.text)

    def tick(self) -> None:
        self.region.draw(self.view)

    def print_output(self, text: str) -> None:
        """What a hook wrote: its whole lines go above the view (a line's end waits for
        its newline), with their colours; cursor moves and other controls are dropped."""
        self._pending += text
        if "\n" not in self._pending:
            return
        whole, self._pending = self._pending.rsplit("\n", 1)
        self.region.print_above(Text.from_ansi(whole), self.view)

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        for job in jobs:
            if job != self.view.jobs.get(_key(job)):
                self.view.update(job)
        if self._pending:
            self.region.print_above(Text.from_ansi(self._pending), self.view)
            self._pending = ""
        self.region.close(self.view)
