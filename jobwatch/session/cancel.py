"""Asking providers to stop jobs (README: Finding and cancelling jobs): `jobwatch cancel REF...`,
and `--cancel-on-timeout` / `--cancel-on-interrupt` at the end of a watch, in the run's session
(its loop, client and retry policy).

Firecrawl `DELETE` on the job, Bright Data `POST /datasets/v3/snapshot/ID/cancel`, Milvus
`/abort` (2026 builds, imports created without auto-commit). Coze and Zilliz Cloud have no
cancel (exit 2). A job that had already finished is not an error. Several results make one exit
code by the one precedence table (jobwatch/core/exitcodes.py): 2, 4, 3, else 0.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from jobwatch.core import exitcodes
from jobwatch.core.cancels import CancelResult, Outcome, exit_code
from jobwatch.core.errors import JobwatchError
from jobwatch.http.client import Client, send
from jobwatch.poll.schedule import RetryPolicy
from jobwatch.render.notices import say
from jobwatch.render.result import print_cancel_document, print_cancels

if TYPE_CHECKING:
    from jobwatch.providers.base import Provider
    from jobwatch.session.session import Session

# --cancel-on-timeout / --cancel-on-interrupt: every cancel request within this, in all.
ON_EXIT_TIME_LIMIT = 10.0

Target = tuple["Provider", str]

__all__ = [
    "ON_EXIT_TIME_LIMIT",
    "CancelResult",
    "cancel_jobs",
    "cancel_unfinished",
    "exit_code",
    "run_cancel",
]


async def cancel_jobs(
    client: Client,
    targets: Sequence[Target],
    *,
    time_limit: float,
    request_timeout: float = 10.0,
    retry: RetryPolicy | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> list[CancelResult]:
    """Ask for each job to be stopped, all at once, within `time_limit` seconds in all (the
    client stays open)."""
    deadline = clock() + time_limit
    policy = retry or RetryPolicy()
    return list(
        await asyncio.gather(
            *(
                _cancel_one(
                    client,
                    provider,
                    job_id,
                    policy,
                    lambda: deadline - clock(),
                    request_timeout,
                )
                for provider, job_id in targets
            )
        )
    )


async def _cancel_one(
    client: Client,
    provider: Provider,
    job_id: str,
    retry: RetryPolicy,
    time_left: Callable[[], float],
    request_timeout: float,
) -> CancelResult:
    def result(outcome: Outcome, message: str = "", code: int = 0) -> CancelResult:
        return CancelResult(provider.name, provider.label, job_id, outcome, message, code)

    async def attempt(time_limit: float) -> bool:
        request = provider.cancel_request(client, job_id)
        response = await send(client, request, time_limit)
        return provider.parse_cancel(response, job_id)

    try:
        cancelled = await retry.call(
            attempt,
            time_left=time_left,
            request_timeout=request_timeout,
            late="no time left to ask for the cancel",
        )
    except JobwatchError as exc:
        return result("error", exc.message, exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - an answer we cannot digest: this job only
        return result("error", f"unexpected answer ({type(exc).__name__})", exitcodes.UNKNOWN)
    return result("cancelled" if cancelled else "finished")


def run_cancel(session: Session, targets: Sequence[Target]) -> int:
    """`jobwatch cancel REF... [--file F]`: every job within the session's deadline; one line
    per job on stderr (and the JSON document with --json); the exit code."""
    options = session.options
    results = session.run(
        cancel_jobs(
            session.client,
            targets,
            time_limit=session.time_left(),
            request_timeout=options.request_timeout,
            retry=session.retry,
            clock=session.clock,
        )
    )
    code = exit_code(results)
    print_cancels(results, session.streams, quiet=options.quiet)
    if options.json:
        print_cancel_document(results, code, session.streams)
    return code


def cancel_unfinished(
    session: Session,
    targets: Sequence[Target],
    *,
    why: str,
    time_limit: float = ON_EXIT_TIME_LIMIT,
) -> list[CancelResult] | None:
    """--cancel-on-timeout / --cancel-on-interrupt: stop these jobs, within `time_limit` in
    all (the run's deadline has passed, or the run was interrupted), and say what was
    cancelled. What each cancel came to; None when nothing was asked of a provider."""
    if not targets:
        return None
    options, streams = session.options, session.streams
    if not options.quiet:
        say(streams.stderr, f"jobwatch: {why}: cancelling {len(targets)} unfinished job(s)")
    try:
        results = session.run(
            cancel_jobs(
                session.client,
                targets,
                time_limit=time_limit,
                request_timeout=options.request_timeout,
                retry=session.retry,
                clock=session.clock,
            )
        )
    except KeyboardInterrupt:  # a second Ctrl-C (or SIGTERM) while cancelling
        say(streams.stderr, "jobwatch: cancelling was interrupted: some jobs may keep running")
        return [
            CancelResult(provider.name, provider.label, job_id, "error", "interrupted")
            for provider, job_id in targets
        ]
    print_cancels(results, streams, quiet=options.quiet)
    return results
