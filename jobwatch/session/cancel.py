"""Asking providers to stop jobs (README: Finding and cancelling jobs): `jobwatch cancel REF...`,
and `--cancel-on-timeout` / `--cancel-on-interrupt` at the end of a watch.

Firecrawl `DELETE` on the job, Bright Data `POST .../cancel`, Milvus `/abort` (2026 builds,
imports created without auto-commit). Coze and Zilliz Cloud have no cancel (exit 2). A job that
had already finished is not an error. With several jobs the first that applies wins:
2, 4, 3, else 0.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from jobwatch.core import exitcodes
from jobwatch.core.errors import JobwatchError, RetryableError, StateUnknownError
from jobwatch.http.client import Client, send

if TYPE_CHECKING:
    from jobwatch.cli.command import JobCommand
    from jobwatch.providers.base import Provider
    from jobwatch.streams import Streams

# --cancel-on-timeout / --cancel-on-interrupt: every cancel request within this, in all.
ON_EXIT_TIME_LIMIT = 10.0
PRECEDENCE = (exitcodes.USAGE, exitcodes.CREDENTIALS, exitcodes.UNKNOWN)

Outcome = Literal["cancelled", "finished", "error"]


@dataclass(frozen=True)
class CancelResult:
    provider: str
    label: str  # the provider instance's label: `firecrawl crawl`, `milvus`
    job_id: str
    outcome: Outcome
    message: str = ""
    exit_code: int = exitcodes.SUCCESS

    def line(self) -> str:
        name = f"{self.label} {self.job_id}"
        if self.outcome == "cancelled":
            return f"jobwatch: cancelled {name}"
        if self.outcome == "finished":
            return f"jobwatch: {name} had already finished: nothing to cancel"
        return f"jobwatch: error: cannot cancel {name}: {self.message}"

    def to_json(self) -> dict[str, str]:
        document = {"provider": self.provider, "id": self.job_id, "result": self.outcome}
        return {**document, "message": self.message} if self.message else document


def exit_code(results: Sequence[CancelResult]) -> int:
    codes = {result.exit_code for result in results}
    return next((code for code in PRECEDENCE if code in codes), exitcodes.SUCCESS)


async def cancel_jobs(
    client: Client,
    targets: Sequence[tuple[Provider, str]],
    *,
    time_limit: float,
    request_timeout: float = 10.0,
    max_retries: int = 2,
) -> list[CancelResult]:
    """Ask for each job to be stopped, all at once, within `time_limit` seconds in all."""
    deadline = time.monotonic() + time_limit
    rng = random.Random()
    async with client:
        return list(
            await asyncio.gather(
                *(
                    _cancel_one(
                        client, provider, job_id, deadline, request_timeout, max_retries, rng
                    )
                    for provider, job_id in targets
                )
            )
        )


async def _cancel_one(
    client: Client,
    provider: Provider,
    job_id: str,
    deadline: float,
    request_timeout: float,
    max_retries: int,
    rng: random.Random,
) -> CancelResult:
    from jobwatch.poll.schedule import backoff_delay

    def result(outcome: Outcome, message: str = "", code: int = 0) -> CancelResult:
        return CancelResult(provider.name, provider.label, job_id, outcome, message, code)

    failures = 0
    while True:
        try:
            request = provider.cancel_request(client, job_id)
            left = deadline - time.monotonic()
            if left <= 0:
                raise StateUnknownError("no time left to ask for the cancel")
            response = await send(client, request, min(request_timeout, left))
            return result("cancelled" if provider.parse_cancel(response, job_id) else "finished")
        except RetryableError as exc:
            failures += 1
            wait = exc.retry_after if exc.retry_after is not None else backoff_delay(failures, rng)
            if failures > max_retries or time.monotonic() + wait >= deadline:
                return result("error", exc.message, exc.exit_code)
            await asyncio.sleep(wait)
        except JobwatchError as exc:
            return result("error", exc.message, exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - an answer we cannot digest: this job only
            return result("error", f"unexpected answer ({type(exc).__name__})", exitcodes.UNKNOWN)


def cancel_now(
    targets: Sequence[tuple[Provider, str]],
    streams: Streams,
    *,
    time_limit: float,
    request_timeout: float,
    debug: bool = False,
) -> list[CancelResult]:
    """cancel_jobs in an event loop of its own, with a client of its own."""
    client = Client(streams.transport, debug=streams.stderr if debug else None, env=streams.env)
    return asyncio.run(
        cancel_jobs(client, targets, time_limit=time_limit, request_timeout=request_timeout)
    )


def run_cancel(command: JobCommand, streams: Streams | None = None) -> int:
    """`jobwatch cancel REF... [--file F]`: one line per job on stderr; the exit code."""
    from jobwatch.cli.command import plan
    from jobwatch.render import jsonout
    from jobwatch.streams import Streams

    streams = streams or Streams()
    groups = plan(command)
    targets = [(group.provider, job_id) for group in groups for job_id in group.job_ids]
    options = command.run
    budget = options.timeout if options.timeout is not None else 30.0
    results = cancel_now(
        targets,
        streams,
        time_limit=budget,
        request_timeout=options.request_timeout,
        debug=options.debug,
    )
    code = exit_code(results)
    say(results, streams, quiet=options.quiet)
    if options.json:
        document = {"jobs": [result.to_json() for result in results], "exit_code": code}
        streams.stdout.write(jsonout.dumps(document) + "\n")
        streams.stdout.flush()
    return code


def say(results: Sequence[CancelResult], streams: Streams, *, quiet: bool = False) -> None:
    """One stderr line per job (with --quiet only the errors)."""
    for result in results:
        if result.outcome == "error" or not quiet:
            _print(streams, result.line())


def cancel_unfinished(
    targets: Sequence[tuple[Provider, str]],
    streams: Streams,
    *,
    why: str,
    request_timeout: float,
    quiet: bool,
    debug: bool = False,
    time_limit: float = ON_EXIT_TIME_LIMIT,
) -> bool:
    """--cancel-on-timeout / --cancel-on-interrupt: stop these jobs, within `time_limit` in
    all, and say what was cancelled. True when anything was asked of a provider."""
    if not targets:
        return False
    if not quiet:
        _print(streams, f"jobwatch: {why}: cancelling {len(targets)} unfinished job(s)")
    try:
        results = cancel_now(
            targets, streams, time_limit=time_limit, request_timeout=request_timeout, debug=debug
        )
    except KeyboardInterrupt:  # a second Ctrl-C (or SIGTERM) while cancelling
        _print(streams, "jobwatch: cancelling was interrupted: some jobs may keep running")
        return True
    say(results, streams, quiet=quiet)
    return True


Printer = Callable[[str], None]


def _print(streams: Streams, line: str) -> None:
    try:
        print(line, file=streams.stderr, flush=True)
    except (OSError, ValueError):
        pass
