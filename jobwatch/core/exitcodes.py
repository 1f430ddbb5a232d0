"""The exit-code contract (README: States and exit codes), decided here and nowhere else: what
each code means, which signal ends in which code, and how several outcomes combine. Pure: it
imports nothing, and applying a code (printing, exiting) is the console entry's job
(jobwatch/cli/main.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

SUCCESS = 0
JOB_FAILED = 1
USAGE = 2
UNKNOWN = 3
CREDENTIALS = 4
STALLED = 5
TIMEOUT = 124
HANGUP = 129
INTERRUPTED = 130
BROKEN_PIPE = 141
TERMINATED = 143

# With several outcomes, the first that applies wins. A watch never gives one job USAGE; a
# cancel gives it to a job whose provider has no cancel.
PRECEDENCE = (
    INTERRUPTED,
    TERMINATED,
    HANGUP,
    JOB_FAILED,
    USAGE,
    CREDENTIALS,
    UNKNOWN,
    STALLED,
    TIMEOUT,
    SUCCESS,
)

# What GitHub Actions' `state=` output says for each code.
NAMES = {
    SUCCESS: "succeeded",
    JOB_FAILED: "failed",
    USAGE: "usage_error",
    UNKNOWN: "unknown",
    CREDENTIALS: "credentials_error",
    STALLED: "stalled",
    TIMEOUT: "timed_out",
    HANGUP: "interrupted",
    INTERRUPTED: "interrupted",
    BROKEN_PIPE: "interrupted",
    TERMINATED: "interrupted",
}


def name(code: int) -> str:
    return NAMES.get(code, "unknown")


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: handled like Ctrl-C (asyncio treats it as one), but ends in
    128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def for_interrupt(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C; 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + exc.signum if isinstance(exc, Terminated) else INTERRUPTED


class Outcome(Protocol):
    """What a job's code is read from (a JobStatus: jobwatch/core/models.py)."""

    @property
    def state(self) -> str: ...

    @property
    def error_exit_code(self) -> int | None: ...


def for_job(job: Outcome, *, finished: bool) -> int:
    """One job's exit code. `finished` is False when a watch ended before the job was terminal."""
    state = str(job.state)
    if state in ("failed", "cancelled"):
        return JOB_FAILED
    if state == "unknown":
        return job.error_exit_code or UNKNOWN
    if state == "stalled":
        return STALLED
    if state == "succeeded" or finished:
        return SUCCESS
    return TIMEOUT


def combine(codes: Iterable[int]) -> int:
    """The exit code for several outcomes: the first of PRECEDENCE that any has."""
    present = set(codes)
    for code in PRECEDENCE:
        if code in present:
            return code
    return SUCCESS


def for_jobs(
    jobs: Iterable[Outcome],
    *,
    watching: bool,
    timed_out: bool = False,
    interrupted: int | None = None,
) -> int:
    """The run's exit code. A one-off check is content with pending/running jobs.
    `interrupted`: the code of the interruption (130, 143 or 129), if any."""
    codes = [for_job(job, finished=not watching) for job in jobs]
    if interrupted:
        codes.append(interrupted)
    if timed_out:
        codes.append(TIMEOUT)
    return combine(codes)
