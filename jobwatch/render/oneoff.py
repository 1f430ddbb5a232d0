"""The answer of a one-off check: a table on a terminal, plain lines otherwise, each followed
by the reasons of the jobs that ended badly (as a watch prints them after its last frame).

The table never wraps a cell: columns shorten with `…` to fit the terminal (ids in the
middle, keeping both ends; a file keeps its name), and the reasons, which can be long, go on
lines of their own after it. A job whose state could not be learned has its error on stderr
(jobwatch/render/result.py), once: the table says only `unknown`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState, JobStatus
from jobwatch.render import reasons, rows
from jobwatch.render.text import amount, job_line, on_line, percent, state_style, wrap_line

HEADERS = ("provider", "job", "state", "status", "progress", "")
GAP = 2  # spaces between columns
_HTTP = re.compile(r"\bHTTP (\d{3})\b")


@dataclass(frozen=True)
class _Widths:
    provider: int
    job: int
    state: int
    status: int
    progress: int
    percent: int

    def used(self) -> int:
        every = (self.provider, self.job, self.state, self.status, self.progress, self.percent)
        shown = [width for width in every if width]
        return sum(shown) + GAP * (len(shown) - 1)


# What gives way first on a narrow terminal: the job column (ids shorten in the middle),
# the status word, the counts, then the provider; the state and percent stay.
_SHRINK = (
    ("job", 24),
    ("status", 10),
    ("job", 16),
    ("progress", 0),
    ("job", 12),
    ("status", 7),
    ("provider", 6),
    ("job", 8),
    ("status", 4),
)


def status_cell(job: JobStatus) -> str:
    """The provider's word; for a job whose state could not be learned, what stopped it
    (`HTTP 404`, `no answer`, `error`): its whole error is on stderr."""
    if job.state is not JobState.UNKNOWN:
        return job.status
    if job.error_exit_code == exitcodes.TIMEOUT:
        return "no answer"
    found = _HTTP.search(job.message or "")
    return f"HTTP {found.group(1)}" if found else "error"


def _fit(width: int, jobs: Sequence[JobStatus]) -> _Widths:
    def widest(header: str, cells: list[str]) -> int:
        return max([len(header), *(len(cell) for cell in cells)])

    items = [item for job in jobs for item in job.items]
    widths = _Widths(
        provider=widest("provider", [job.provider for job in jobs]),
        job=widest("job", [job.ident for job in jobs] + [f"  └ {item.name}" for item in items]),
        state=widest("state", [job.state.value for job in jobs] + [i.state.value for i in items]),
        status=widest("status", [status_cell(job) for job in jobs] + [i.status for i in items]),
        progress=widest("progress", [amount(job) for job in jobs]),
        percent=4,
    )
    natural_job = widths.job
    if not any(amount(job) for job in jobs):
        widths = replace(widths, progress=0)
    for name, floor in _SHRINK:
        over = widths.used() - width
        if over <= 0:
            break
        current = getattr(widths, name)
        if floor == 0:
            widths = replace(widths, **{name: 0})
        elif current > floor:
            widths = replace(widths, **{name: max(floor, current - over)})
    # Dropping the counts may free more than was needed: the job column gets it back.
    spare = width - widths.used()
    if spare > 0 and widths.job < natural_job:
        widths = replace(widths, job=min(natural_job, widths.job + spare))
    return widths


def print_table(console: Console, jobs: Sequence[JobStatus]) -> None:
    """The table, cut to the console's width, then the reasons."""
    widths = _fit(console.size.width, jobs)
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, GAP // 2))
    columns: list[tuple[str, int, JustifyMethod]] = [
        (HEADERS[0], widths.provider, "left"),
        (HEADERS[1], widths.job, "left"),
        (HEADERS[2], widths.state, "left"),
        (HEADERS[3], widths.status, "left"),
        (HEADERS[4], widths.progress, "right"),
        (HEADERS[5], widths.percent, "right"),
    ]
    shown = [width > 0 for _, width, _ in columns]
    for header, width, justify in columns:
        if width:
            table.add_column(
                rows.fit_text(header, width),
                width=width,
                justify=justify,
                no_wrap=True,
            )
    for job in jobs:
        # Text(), not str: provider words are data, never Rich markup.
        cells = [
            Text(rows.fit_text(job.provider, widths.provider)),
            Text(rows.fit_job_id(job, widths.job)),
            Text(job.state.value, style=state_style(job.state)),
            Text(rows.fit_text(status_cell(job), widths.status)),
            Text(rows.fit_text(amount(job), widths.progress)),
            Text(percent(job.progress) if job.progress is not None else ""),
        ]
        table.add_row(*(cell for cell, on in zip(cells, shown, strict=True) if on))
        for item in job.items:
            cells = [
                Text(""),
                Text(rows.fit_item(item.name, widths.job)),
                Text(item.state.value, style=state_style(item.state)),
                Text(rows.fit_text(item.status, widths.status)),
                Text(""),
                Text(percent(item.progress) if item.progress is not None else ""),
            ]
            table.add_row(*(cell for cell, on in zip(cells, shown, strict=True) if on))
    console.print(table)
    for job in jobs:
        for line in reasons.reason_lines(job):
            for part in wrap_line(line, console.size.width):
                console.print(Text(part, style=state_style(job.state)), soft_wrap=True)


def print_lines(console: Console, jobs: Sequence[JobStatus]) -> None:
    """A line per job (for grep), its files indented under it, and the provider's first
    errors (Firecrawl pages) indented too."""
    for job in jobs:
        console.print(
            job_line(job),
            style=state_style(job.state),
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
        for item in job.items:
            line = f"  {item.name} {item.state.value} ({item.status}) {percent(item.progress)}"
            if item.message:
                line += f" - {on_line(item.message)}"
            console.print(line, highlight=False, soft_wrap=True, markup=False)
        if reasons.headline(job) is not None:
            for text in reasons.error_texts(job.extra):
                console.print(f"  {text}", highlight=False, soft_wrap=True, markup=False)
