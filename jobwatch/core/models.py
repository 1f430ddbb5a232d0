"""The contract between layers: job states and normalized job statuses (no I/O)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
