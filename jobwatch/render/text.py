"""Pure formatting helpers shared by the renderers."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from jobwatch.core.models import JobState, JobStatus, is_unread, job_name
from jobwatch.core.sanitize import LINE_MAX, bound
from jobwatch.core.text import duration

if TYPE_CHECKING:
    from jobwatch.core.events import RetryEvent

STATE_STYLES: dict[str, str] = {
    JobState.PENDING: "dim",
    JobState.RUNNING: "cyan",
    JobState.SUCCEEDED: "green",
    JobState.FAILED: "red",
    JobState.CANCELLED: "yellow",
    JobState.UNKNOWN: "magenta",
    JobState.STALLED: "bright_yellow",
}


# States that end in a line with the whole reason after the last frame or summary.
PROBLEM_STATES = frozenset({"failed", "cancelled", "stalled", "unknown"})


def on_line(text: str) -> str:
    """A provider's text (a message, a reason) as a line for people shows it: at most LINE_MAX
    characters, then `…` and its length (jobwatch/core/sanitize.py; `--json` keeps more)."""
    return bound(text, LINE_MAX)


def state_style(state: str) -> str:
    """The colour of a state."""
    return STATE_STYLES.get(state, "yellow")


def shown_state(job: JobStatus) -> str:
    """The state a person is shown: `pending` for a job not read yet."""
    return JobState.PENDING.value if is_unread(job) else str(job.state)


def is_problem(job: JobStatus) -> bool:
    """Failed, cancelled, stalled, or unknown because of an error (not merely unread)."""
    return str(job.state) in PROBLEM_STATES and not is_unread(job)


def short_id(job_id: str, width: int = 16) -> str:
    """`3f2a9c…77e1c1` for ids longer than `width`."""
    if len(job_id) <= width:
        return job_id
    keep = (width - 1) // 2
    return f"{job_id[:keep]}…{job_id[-keep:]}"


def delay(seconds: float) -> str:
    """A retry delay: `250ms` under a second, `1.5s`, `1m30s`."""
    if seconds < 1:
        return f"{max(0, round(seconds * 1000))}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return duration(seconds)


def retry_note(event: RetryEvent) -> str:
    """`in 1.5s (attempt 2): REASON`: the live row's note, and the end of every retry line."""
    return f"in {delay(event.delay)} (attempt {event.attempt}): {event.reason}"


def retry_line(event: RetryEvent, names: Mapping[tuple[str, str], str]) -> str:
    """`retrying firecrawl JOB in 1.5s (attempt 2): REASON`, in one-off checks and watches;
    Coze documents named `dataset/document` (from `names`, see names_by_id)."""
    name = names.get((event.provider, event.job_id), f"{event.provider} {event.job_id}")
    return f"retrying {name} {retry_note(event)}"


def names_by_id(jobs: Sequence[JobStatus]) -> dict[tuple[str, str], str]:
    """(provider, job id) -> how the job is named in lines (a retry event has no dataset)."""
    names: dict[tuple[str, str], str] = {}
    for job in jobs:
        names.setdefault((job.provider, job.id), job_name(job))
    return names


def percent(progress: float | None) -> str:
    return "-" if progress is None else f"{progress * 100:.0f}%"


def amount(job: JobStatus) -> str:
    """`40/100 pages`, or `` when the provider gives no counts."""
    if job.completed is None and job.total is None:
        return ""
    done = "?" if job.completed is None else str(job.completed)
    total = "?" if job.total is None else str(job.total)
    return f"{done}/{total}" + (f" {job.unit}" if job.unit else "")


def state_phrase(job: JobStatus) -> str:
    """`running (scraping)`: our state and the provider's own word."""
    if is_unread(job) or job.state is JobState.UNKNOWN or job.status == str(job.state):
        return shown_state(job)
    return f"{job.state} ({job.status})"


def job_line(job: JobStatus, *, message: bool = True) -> str:
    """One plain line about a job: name, state, counts, percent, message."""
    parts = [job_name(job), state_phrase(job)]
    counts = amount(job)
    if counts:
        parts.append(counts)
    if job.progress is not None:
        parts.append(percent(job.progress))
    if job.eta_seconds is not None and not job.state.is_terminal:
        parts.append(f"eta {duration(job.eta_seconds)}")
    if job.message and message:
        parts.append(f"- {on_line(job.message)}")
    return " ".join(parts)


def outcome_line(
    jobs: Sequence[JobStatus], exit_code: int, elapsed: float, *, deadline: str | None = None
) -> str:
    """`3 jobs: 2 succeeded, 1 failed in 1m05s (exit code 1)`; when a deadline (`--timeout
    5s`) passed with jobs not finished, it says so, whatever the exit code:
    `2 jobs: 1 failed, 1 running; the --timeout 5s deadline passed after 5s (exit code 1)`."""
    noun = "job" if len(jobs) == 1 else "jobs"
    parts = ", ".join(f"{count} {state}" for state, count in state_counts(jobs))
    when = f"in {duration(elapsed)}"
    if deadline is not None:
        when = f"; the {deadline} deadline passed after {duration(elapsed)}"
    return f"{len(jobs)} {noun}: {parts}{'' if deadline else ' '}{when} (exit code {exit_code})"


def state_counts(jobs: Iterable[JobStatus]) -> list[tuple[str, int]]:
    """How many jobs are in each state, in the order of JobState; unread jobs are pending."""
    counts = Counter(shown_state(job) for job in jobs)
    order = [state.value for state in JobState]
    return sorted(counts.items(), key=lambda pair: order.index(pair[0]) if pair[0] in order else 99)


def wrap_line(text: str, width: int | None) -> list[str]:
    """A line for people, wrapped at words to `width` (None: whole, as in a pipe or file):
    the lines after the first indented two spaces more than it, so a reason that runs on
    reads as one. A word longer than the line (a URL) is kept whole."""
    if width is None or len(text) <= width:
        return [text]
    lead = text[: len(text) - len(text.lstrip(" "))]
    return textwrap.wrap(
        text,
        width,
        initial_indent="",
        subsequent_indent=lead + "  ",
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    ) or [text]
