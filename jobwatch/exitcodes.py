"""The exit-code contract of PRODUCT.md section 3, decided here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobwatch.models import JobStatus

SUCCESS = 0
JOB_FAILED = 1
USAGE = 2
UNKNOWN = 3
CREDENTIALS = 4
TIMEOUT = 124
INTERRUPTED = 130

# With several jobs, the first that applies wins.
PRECEDENCE = (INTERRUPTED, JOB_FAILED, CREDENTIALS, UNKNOWN, TIMEOUT, SUCCESS)


def for_job(job: JobStatus, *, finished: bool) -> int:
    """One job's exit code. `finished` is False when a watch ended before the job was terminal."""
    from jobwatch.models import JobState

    if job.state in (JobState.FAILED, JobState.CANCELLED):
        return JOB_FAILED
    if job.state is JobState.UNKNOWN:
        return job.error_exit_code or UNKNOWN
    if job.state is JobState.SUCCEEDED or finished:
        return SUCCESS
    return TIMEOUT


def combine(codes: Iterable[int]) -> int:
    """The exit code for several jobs: the first of PRECEDENCE that any job has."""
    present = set(codes)
    for code in PRECEDENCE:
        if code in present:
            return code
    return SUCCESS


def for_jobs(
    jobs: Iterable[JobStatus], *, watching: bool, timed_out: bool = False, interrupted: bool = False
) -> int:
    """The run's exit code. A one-off check is content with pending/running jobs."""
    codes = [for_job(job, finished=not watching) for job in jobs]
    if interrupted:
        codes.append(INTERRUPTED)
    if timed_out:
        codes.append(TIMEOUT)
    return combine(codes)
