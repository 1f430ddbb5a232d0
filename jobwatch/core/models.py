"""The contract between layers: job states and normalized job statuses (no I/O)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jobwatch.core import exitcodes


class JobState(StrEnum):
    """A provider status word, folded into one of five states (plus our own `unknown` and
    `stalled`)."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Not a provider state: jobwatch could not learn the state (not found, errors past
    # --max-retries, bad credentials). Terminal for the watcher, never a job failure.
    UNKNOWN = "unknown"
    # Not a provider state either: nothing changed for --stall-timeout (PRODUCT.md section 8).
    STALLED = "stalled"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = frozenset(
    {
        JobState.SUCCEEDED,
        JobState.FAILED,
        JobState.CANCELLED,
        JobState.UNKNOWN,
        JobState.STALLED,
    }
)


# The status of a job with no answer yet (the poll loop's placeholder) ...
NOT_READ_STATUS = "not read yet"
# ... and of a job "not found" inside the --wait-for-start window (README: Gates).
NOT_FOUND_YET = "not found yet"


def utc_now_iso() -> str:
    """The current time as an ISO 8601 UTC string ending in Z, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Item(BaseModel):
    """One part of a job: a Zilliz/Milvus file."""

    model_config = ConfigDict(frozen=True)

    name: str
    state: JobState
    status: str
    progress: float | None = None
    message: str | None = None


class JobStatus(BaseModel):
    """What one poll learned about one job, normalized across providers."""

    model_config = ConfigDict(frozen=True)

    provider: str
    id: str
    state: JobState
    status: str
    progress: float | None = None
    completed: int | None = None
    total: int | None = None
    unit: str | None = None
    eta_seconds: float | None = None
    message: str | None = None
    items: list[Item] = Field(default_factory=list)
    checked_at: str = Field(default_factory=utc_now_iso)
    extra: dict[str, Any] = Field(default_factory=dict)
    # Coze documents carry the dataset they belong to (PRODUCT.md section 4).
    dataset_id: str | None = None
    # The exit code of the watcher error behind an `unknown` state (3 or 4); not printed.
    error_exit_code: int | None = Field(default=None, exclude=True)

    def to_json(self) -> dict[str, Any]:
        """The JOB object of PRODUCT.md section 4."""
        return self.model_dump(mode="json", exclude=self._unprinted())

    def to_json_text(self) -> str:
        """to_json() as compact JSON text, serialized in one step (a watch does it per poll)."""
        return self.model_dump_json(exclude=self._unprinted())

    def _unprinted(self) -> set[str] | None:
        """Fields left out of the JOB object: `dataset_id` is there only for Coze documents."""
        return _NO_DATASET if self.dataset_id is None else None

    def same_progress(self, other: JobStatus | None) -> bool:
        """True when `other` says the same thing (ignoring when it was checked)."""
        if other is None:
            return False
        # Field by field, not model_dump(): this runs for every poll of every job.
        mine, theirs = self.__dict__, other.__dict__
        return all(mine[name] == theirs[name] for name in _PROGRESS_FIELDS)


_NO_DATASET = {"dataset_id"}

# What same_progress compares: every printed field but the time of the check and the ETA.
_PROGRESS_FIELDS = tuple(
    name
    for name, info in JobStatus.model_fields.items()
    if name not in ("checked_at", "eta_seconds") and not info.exclude
)


def percent_to_fraction(value: float | int | None) -> float | None:
    """A provider's 0..100 percent as 0..1. None when absent or impossible: negative, over
    100, NaN, infinite, or an int too big for a float."""
    if value is None:
        return None
    try:
        percent = float(value)
    except (OverflowError, ValueError, TypeError):
        return None
    if not 0.0 <= percent <= 100.0:  # also False for NaN
        return None
    return percent / 100.0


def ratio(completed: int | None, total: int | None) -> float | None:
    """completed/total as 0..1. None when the total is unknown or zero, or the counts are
    impossible: negative, completed over total, NaN, infinite, or too big for a float."""
    if completed is None or not total:
        return None
    try:
        done, whole = float(completed), float(total)
    except (OverflowError, ValueError, TypeError):
        return None
    if not 0.0 <= done <= whole < math.inf:  # also False for NaN
        return None
    return done / whole


def present(**fields: Any) -> dict[str, Any]:
    """The fields that have a value: what goes under a JOB's `extra`."""
    return {key: value for key, value in fields.items() if value is not None}


def is_unread(job: JobStatus) -> bool:
    """True for the placeholder of a job not read yet: it counts as `pending` on screen, whether
    the poller marks it `unknown` or `pending`. A job whose first poll ended in an error (a 404)
    is not one: it carries the error."""
    return (
        job.status == NOT_READ_STATUS
        and job.state in (JobState.PENDING, JobState.UNKNOWN)
        and job.error_exit_code in (None, exitcodes.TIMEOUT)
    )


def job_name(job: JobStatus) -> str:
    """`coze DATASET/DOC`, `firecrawl ID`: how a job is named in lines and messages."""
    ident = f"{job.dataset_id}/{job.id}" if job.dataset_id else job.id
    return f"{job.provider} {ident}"


def done_counts(job: JobStatus) -> tuple[int, int | None, str] | None:
    """What a gate judges: (done, total, unit) from the job's counts, else from its parts (the
    files that succeeded, of all); None for a job without either (Bright Data, Coze)."""
    if job.completed is not None:
        return job.completed, job.total, job.unit or "units"
    if job.items:
        done = sum(1 for item in job.items if item.state is JobState.SUCCEEDED)
        return done, len(job.items), "files"
    return None


def wants_reasons(job: JobStatus) -> bool:
    """Whether an ended job's errors are worth reading: it failed (or fell short of a gate), was
    cancelled, or succeeded with fewer units done than attempted."""
    if job.state is JobState.FAILED or job.state is JobState.CANCELLED:
        return True
    return (
        job.state is JobState.SUCCEEDED
        and job.completed is not None
        and job.total is not None
        and job.completed < job.total
    )
