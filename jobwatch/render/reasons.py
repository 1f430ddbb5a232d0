"""Why a job ended the way it did, as lines for after the final frame or summary (printed in
one place, jobwatch/render/result.py `print_result`, for every mode), the GitHub step summary
and its `::error` annotation (README: Output, Gates).

- `end_lines(jobs)`: every line printed after the last frame or summary, with its style: for
  a job whose state jobwatch could not learn `jobwatch: error: NAME: ERROR`, for the others
  `reason_lines`.

- `headline(job)`: one line for a job that failed, was cancelled or stalled (or succeeded with
  pages failed): `firecrawl ID failed (completed): 12 of 40 pages (30 %) < --min-success 0.95`.
  Coze's `status_descript` and Bright Data's `error_message` are the job's message: here.
- `detail_lines(job)`: what the provider said about the parts: the first 5 of Firecrawl's
  `/errors` (`url — error (code)`), how many more, the URLs robots.txt kept out; the
  Zilliz/Milvus files with a reason (`file — reason`).
- `unjudged_note(...)`: the one line saying which succeeded jobs --min-completed and
  --min-success could not judge (no counts).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from jobwatch.core.models import JobState, JobStatus, done_counts, job_name
from jobwatch.core.sanitize import plausible_count
from jobwatch.render.text import is_problem, on_line, state_phrase, state_style

SHOWN = 5  # errors (or files) listed per job; the JOB's extra.errors keeps up to 20
_BAD_ENDS = (JobState.FAILED, JobState.CANCELLED, JobState.STALLED)


def end_lines(jobs: Sequence[JobStatus], *, errors_only: bool = False) -> Iterator[tuple[str, str]]:
    """(line, style) pairs for after the last frame or summary. `errors_only` keeps just the
    lines of jobs whose state is unknown (--quiet, and one-off checks, whose answer on stdout
    carries the providers' reasons)."""
    for job in jobs:
        if job.state is JobState.UNKNOWN:
            if is_problem(job):  # not a job the deadline left unread: the deadline line says so
                # `firecrawl ID: HTTP 404: …`, not `firecrawl ID: firecrawl: HTTP 404: …`.
                message = (job.message or "state unknown").removeprefix(f"{job.provider}: ")
                yield f"jobwatch: error: {job_name(job)}: {on_line(message)}", "red"
        elif not errors_only:
            yield from ((line, state_style(job.state)) for line in reason_lines(job))


def has_reason_line(job: JobStatus) -> bool:
    """True when the job gets a line of its own at the end (so a summary need not repeat it)."""
    return (job.state is JobState.UNKNOWN and is_problem(job)) or headline(job) is not None


def reason_lines(job: JobStatus) -> list[str]:
    """The headline (if any) and the detail lines, each detail indented by two spaces."""
    line = headline(job)
    return ([line] if line else []) + detail_lines(job)


def headline(job: JobStatus) -> str | None:
    """One line naming a job that ended badly and saying why; None for the others."""
    failed_pages = _int(job.extra.get("errors_total"))
    if job.state not in _BAD_ENDS and not (job.state is JobState.SUCCEEDED and failed_pages):
        return None
    why = (
        f"{failed_pages} {job.unit or 'units'} failed"
        if job.state is JobState.SUCCEEDED
        else job.message and on_line(job.message)
    )
    return f"{job_name(job)} {state_phrase(job)}" + (f": {why}" if why else "")


def detail_lines(job: JobStatus) -> list[str]:
    """The provider's reasons for the job's parts, at most SHOWN of each kind, indented."""
    if job.state not in _BAD_ENDS and job.state is not JobState.SUCCEEDED:
        return []
    lines = [f"  {text}" for text in error_texts(job.extra)]
    lines += [f"  {text}" for text in _file_texts(job)]
    return lines


def error_texts(extra: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    errors = extra.get("errors")
    if isinstance(errors, list):
        for entry in errors[:SHOWN]:
            if isinstance(entry, dict):
                texts.append(error_text(entry))
        total = _int(extra.get("errors_total")) or len(errors)
        if total > min(len(errors), SHOWN):
            texts.append(f"… and {total - min(len(errors), SHOWN)} more errors")
    blocked = extra.get("robots_blocked")
    blocked_total = _int(extra.get("robots_blocked_total"))
    if isinstance(blocked, list) and blocked:
        count = blocked_total or len(blocked)
        first = ", ".join(on_line(str(url)) for url in blocked[:SHOWN])
        more = f" and {count - len(blocked[:SHOWN])} more" if count > SHOWN else ""
        texts.append(f"blocked by robots.txt: {first}{more}")
    unavailable = extra.get("errors_unavailable")
    if isinstance(unavailable, str):
        texts.append(f"(its errors could not be read: {unavailable})")
    return texts


def error_text(entry: dict[str, Any]) -> str:
    """`url — error (code)` for one of Firecrawl's errors."""
    code = entry.get("code")
    suffix = f" ({code})" if code else ""
    url, error = str(entry.get("url") or "?"), str(entry.get("error") or "no reason given")
    return on_line(f"{url} — {error}{suffix}")


def _file_texts(job: JobStatus) -> list[str]:
    with_reason = [item for item in job.items if item.message or item.state in _BAD_ENDS]
    texts = [
        on_line(f"{item.name} — {item.message or item.status}") for item in with_reason[:SHOWN]
    ]
    if len(with_reason) > SHOWN:
        texts.append(f"… and {len(with_reason) - SHOWN} more files")
    return texts


def unjudged_note(
    jobs: Sequence[JobStatus], min_completed: int | None, min_success: float | None
) -> str | None:
    """The line that says which succeeded jobs the gates could not judge, or None."""
    if min_completed is None and min_success is None:
        return None
    unjudged = [job for job in jobs if job.state is JobState.SUCCEEDED and done_counts(job) is None]
    if not unjudged:
        return None
    gates = " and ".join(
        name
        for name, value in (("--min-completed", min_completed), ("--min-success", min_success))
        if value is not None
    )
    names = ", ".join(job_name(job) for job in unjudged[:3])
    more = f" and {len(unjudged) - 3} more" if len(unjudged) > 3 else ""
    noun = "job has" if len(unjudged) == 1 else "jobs have"
    return (
        f"note: {len(unjudged)} succeeded {noun} no counts, so {gates} did not judge "
        f"{'it' if len(unjudged) == 1 else 'them'}: {names}{more}"
    )


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return plausible_count(value) or 0
    return 0
