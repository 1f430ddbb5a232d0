"""The contract between layers: job states and normalized job statuses (no I/O)."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

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
    # Not a provider state either: nothing changed for --stall-timeout (README: Gates).
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One part of a job: a Zilliz/Milvus file."""

    name: str
    state: JobState
    status: str
    progress: float | None = None
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state.value,
            "status": self.status,
            "progress": self.progress,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class JobStatus:
    """What one poll learned about one job, normalized across providers: the JOB of the README's
    "Output" section. A plain frozen record (a watch makes one per job and poll)."""

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
    items: list[Item] = field(default_factory=list)
    checked_at: str = field(default_factory=utc_now_iso)
    extra: dict[str, Any] = field(default_factory=dict)
    # What the id belongs to, for kinds whose ids are unique only inside something else (a
    # Coze document in its dataset): shown as SCOPE/ID, and in the JOB under `scope_key`.
    scope: str | None = None
    scope_key: str | None = None
    # The exit code of the watcher error behind an `unknown` state (3 or 4); not printed.
    error_exit_code: int | None = None

    @property
    def ident(self) -> str:
        """`SCOPE/ID` for a job named inside a scope (a Coze document), else the id."""
        return f"{self.scope}/{self.id}" if self.scope else self.id

    def replace(self, **changes: Any) -> JobStatus:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The JOB object (README: Output)."""
        document: dict[str, Any] = {
            "provider": self.provider,
            "id": self.id,
            "state": self.state.value,
            "status": self.status,
            "progress": self.progress,
            "completed": self.completed,
            "total": self.total,
            "unit": self.unit,
            "eta_seconds": self.eta_seconds,
            "message": self.message,
            "items": [item.to_json() for item in self.items],
            "checked_at": self.checked_at,
            "extra": self.extra,
        }
        if self.scope is not None and self.scope_key:
            document[self.scope_key] = self.scope
        return document

    def to_json_text(self) -> str:
        """to_json() as compact JSON text (a watch writes one per poll with --json)."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))

    def same_progress(self, other: JobStatus | None) -> bool:
        """True when `other` says the same thing (ignoring when it was checked, and the ETA)."""
        if other is None:
            return False
        return (
            self.state is other.state
            and self.status == other.status
            and self.progress == other.progress
            and self.completed == other.completed
            and self.total == other.total
            and self.message == other.message
            and self.items == other.items
            and self.extra == other.extra
            and self.provider == other.provider
            and self.id == other.id
            and self.unit == other.unit
            and self.scope == other.scope
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
    return f"{job.provider} {job.ident}"


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
