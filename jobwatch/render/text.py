"""Pure formatting helpers shared by the renderers."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from jobwatch.models import JobState, JobStatus

STATE_STYLES = {
    JobState.PENDING: "dim",
    JobState.RUNNING: "cyan",
    JobState.SUCCEEDED: "green",
    JobState.FAILED: "red",
    JobState.CANCELLED: "yellow",
    JobState.UNKNOWN: "magenta",
    JobState.STALLED: "bright_yellow",
}


def short_id(job_id: str, width: int = 16) -> str:
    """`3f2a9c…77e1c1` for ids longer than `width`."""
    if len(job_id) <= width:
        return job_id
    keep = (width - 1) // 2
    return f"{job_id[:keep]}…{job_id[-keep:]}"


def duration(seconds: float | None) -> str:
    """`7s`, `1m05s`, `2h03m`; `-` when unknown."""
    if seconds is None or math.isnan(seconds) or seconds < 0:
        return "-"
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def percent(progress: float | None) -> str:
    return "-" if progress is None else f"{progress * 100:.0f}%"


def amount(job: JobStatus) -> str:
    """`40/100 pages`, or `` when the provider gives no counts."""
    if job.completed is None and job.total is None:
        return ""
    done = "?" if job.completed is None else str(job.completed)
    total = "?" if job.total is None else str(job.total)
    return f"{done}/{total}" + (f" {job.unit}" if job.unit else "")


def job_name(job: JobStatus) -> str:
    """`coze DATASET/DOC`, `firecrawl ID`: how a job is named in lines and messages."""
    ident = f"{job.dataset_id}/{job.id}" if job.dataset_id else job.id
    return f"{job.provider} {ident}"


def state_phrase(job: JobStatus) -> str:
    """`running (scraping)`: our state and the provider's own word."""
    if job.state is JobState.UNKNOWN or job.status == job.state.value:
        return job.state.value
    return f"{job.state.value} ({job.status})"


def job_line(job: JobStatus) -> str:
    """One plain line about a job: name, state, counts, percent, message."""
    parts = [job_name(job), state_phrase(job)]
    counts = amount(job)
    if counts:
        parts.append(counts)
    if job.progress is not None:
        parts.append(percent(job.progress))
    if job.eta_seconds is not None and not job.state.is_terminal:
        parts.append(f"eta {duration(job.eta_seconds)}")
    if job.message:
        parts.append(f"- {job.message}")
    return " ".join(parts)


def outcome_line(jobs: Sequence[JobStatus], exit_code: int, elapsed: float) -> str:
    """`3 jobs: 2 succeeded, 1 failed in 1m05s (exit code 1)`."""
    counts = Counter(job.state for job in jobs)
    parts = ", ".join(f"{counts[state]} {state.value}" for state in JobState if counts[state])
    noun = "job" if len(jobs) == 1 else "jobs"
    return f"{len(jobs)} {noun}: {parts} in {duration(elapsed)} (exit code {exit_code})"
