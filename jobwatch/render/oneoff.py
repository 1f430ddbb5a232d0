"""The answer of a one-off check: a Rich table on a terminal, plain lines otherwise."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from jobwatch.core.models import JobStatus
from jobwatch.render.text import amount, job_line, on_line, percent, state_style


def print_table(console: Console, jobs: Sequence[JobStatus]) -> None:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("provider", "job", "state", "status", "progress", "", "message"):
        table.add_column(column, overflow="fold")
    for job in jobs:
        ident = job.ident
        # Text(), not str: provider words and messages are data, never Rich markup.
        table.add_row(
            Text(job.provider),
            Text(ident),
            Text(job.state.value, style=state_style(job.state)),
            Text(job.status),
            amount(job),
            percent(job.progress) if job.progress is not None else "",
            Text(on_line(job.message or "")),
        )
        for item in job.items:
            table.add_row(
                "",
                Text(f"  └ {item.name}"),
                Text(item.state.value, style=state_style(item.state)),
                Text(item.status),
                "",
                percent(item.progress) if item.progress is not None else "",
                Text(on_line(item.message or "")),
            )
    console.print(table)


def print_lines(console: Console, jobs: Sequence[JobStatus]) -> None:
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
