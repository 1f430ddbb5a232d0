"""The exit-code contract (README: States and exit codes), decided here and nowhere else: what each
code means, which error or signal ends in which code, and how several jobs' outcomes combine."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobwatch.core.models import JobStatus

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

# With several jobs, the first that applies wins.
PRECEDENCE = (
    INTERRUPTED,
    TERMINATED,
    HANGUP,
    JOB_FAILED,
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


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def handle_termination() -> None:
    """From now on SIGTERM (what CI runners send on cancel) and SIGHUP end the run like Ctrl-C."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_terminated)


def for_interrupt(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C; 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + exc.signum if isinstance(exc, Terminated) else INTERRUPTED


def for_job(job: JobStatus, *, finished: bool) -> int:
    """One job's exit code. `finished` is False when a watch ended before the job was terminal."""
    from jobwatch.core.models import JobState

    if job.state in (JobState.FAILED, JobState.CANCELLED):
        return JOB_FAILED
    if job.state is JobState.UNKNOWN:
        return job.error_exit_code or UNKNOWN
    if job.state is JobState.STALLED:
        return STALLED
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
    jobs: Iterable[JobStatus],
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


def exit_code_of(
    action: Callable[[], int | None],
    *,
    passthrough: tuple[type[BaseException], ...] = (),
    on_error: Callable[[str, int], None] | None = None,
) -> int:
    """THE place where errors become exit codes: a JobwatchError prints one line, is handed to
    `on_error` (message, exit code: the CLI writes what CI reads) and gives its code; Ctrl-C,
    SIGTERM and SIGHUP give 130, 143 and 129; a closed stdout gives 141; anything else is a bug,
    reported in one line, exit 3. `passthrough` exceptions (the CLI framework's own) are raised
    as they are."""
    from jobwatch.core.errors import JobwatchError

    try:
        return action() or 0
    except JobwatchError as exc:
        _say(f"jobwatch: error: {exc.message}")
        if on_error is not None:
            on_error(exc.message, exc.exit_code)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        _say("terminated" if isinstance(exc, Terminated) else "interrupted")
        return for_interrupt(exc)
    except BrokenPipeError:
        return stdout_closed()
    except passthrough:
        raise
    except Exception as exc:
        if os.environ.get("JOBWATCH_TRACEBACK"):
            raise
        _say(
            f"jobwatch: internal error: {type(exc).__name__}: {exc} "
            "(set JOBWATCH_TRACEBACK=1 for details, and please report it)"
        )
        return UNKNOWN


def stdout_closed() -> int:
    """The reader of stdout went away (`… | head -1`): nothing more can be written there, and
    Python's own flush at exit must not complain either. Exit 141, as a shell reports SIGPIPE."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return BROKEN_PIPE


def _say(line: str) -> None:
    print(line, file=sys.stderr)
