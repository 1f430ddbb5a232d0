"""What a run reports as it goes: a job's new status, a retry, a warning. The poll loop makes
them; the renderers, hooks and NDJSON read them."""

from __future__ import annotations

from dataclasses import dataclass

from jobwatch.core.models import JobStatus


@dataclass(frozen=True)
class StatusEvent:
    """A job's status changed (or was read for the first time)."""

    job: JobStatus


@dataclass(frozen=True)
class RetryEvent:
    """A poll failed in a way worth retrying; the next try comes after `delay` seconds."""

    provider: str
    job_id: str
    attempt: int
    delay: float
    reason: str


@dataclass(frozen=True)
class WarningEvent:
    text: str


Event = StatusEvent | RetryEvent | WarningEvent
