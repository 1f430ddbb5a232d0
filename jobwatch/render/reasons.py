"""The lines after the last frame or summary: one per failed, cancelled, stalled or unknown job
with its whole reason, and its files' reasons under it (PRODUCT.md section 4). Printed in one
place (jobwatch/run.py `_print_result`) for every mode."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from jobwatch.models import Item, JobState, JobStatus
from jobwatch.render.text import PROBLEM_STATES, is_problem, job_name, state_phrase, state_style


def has_reason_line(job: JobStatus) -> bool:
    """True when the job gets a reason line at the end (a job not read yet never does: the
    deadline line speaks for it)."""
    return is_problem(job)


def reason_lines(
    jobs: Sequence[JobStatus], *, errors_only: bool = False
) -> Iterator[tuple[str, str]]:
    """(line, style) pairs: `firecrawl ID failed: REASON`, or `jobwatch: error: NAME: ERROR` for a
    job whose state jobwatch could not learn. `errors_only` keeps just the latter (--quiet, and
    one-off checks, whose answer on stdout carries the providers' reasons)."""
    for job in jobs:
        if not has_reason_line(job):
            continue
        if job.state is JobState.UNKNOWN:
            yield f"jobwatch: error: {job_name(job)}: {job.message or 'state unknown'}", "red"
            continue
        if errors_only:
            continue
        reason = f": {job.message}" if job.message else ""
        yield f"{job_name(job)} {state_phrase(job)}{reason}", state_style(job.state)
        for item in job.items:
            if item.message or str(item.state) in PROBLEM_STATES:
                yield _item_line(item), state_style(item.state)


def _item_line(item: Item) -> str:
    state = str(item.state)
    phrase = state if item.status == state else f"{state} ({item.status})"
    reason = f": {item.message}" if item.message else ""
    return f"  {item.name} {phrase}{reason}"
