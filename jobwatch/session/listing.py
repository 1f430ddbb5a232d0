"""`--running` (README: Finding and cancelling jobs): the jobs a provider lists as not finished,
found before a normal check or watch of them. Pages are followed to the end, at most MAX_PAGES
of them."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from jobwatch.core.errors import RetryableError, StateUnknownError, UsageError
from jobwatch.http.client import Client, send

if TYPE_CHECKING:
    from jobwatch.cli.command import JobCommand
    from jobwatch.providers.base import Provider
    from jobwatch.streams import Streams

MAX_PAGES = 100


def find_running(command: JobCommand, streams: Streams | None) -> JobCommand | None:
    """The command with the running jobs as its ids; None when there are none (then this has
    said so on stderr and, with --json, printed the empty result on stdout)."""
    from jobwatch.cli.command import ProviderFactory
    from jobwatch.streams import Streams

    streams = streams or Streams()
    factory = ProviderFactory(command.access, command.config)
    provider = factory.make(command.command, command.kind, command.context)
    options = command.run
    budget = options.deadline_seconds(streams.env)
    started = time.monotonic()
    client = Client(
        streams.transport, debug=streams.stderr if options.debug else None, env=streams.env
    )
    ids = asyncio.run(
        list_running(
            provider,
            client,
            request_timeout=options.request_timeout,
            max_retries=options.max_retries,
            deadline=None if budget is None else started + budget,
            say=None if options.quiet else lambda line: _say(streams, line),
        )
    )
    what = provider.running_noun
    if not ids:
        if not options.quiet:
            _say(streams, f"jobwatch: no {what} ({provider.label})")
        _print_nothing(command, streams)
        return None
    if not options.quiet and not options.json:
        _say(streams, f"jobwatch: found {len(ids)} {what} ({provider.label})")
    run = options
    if budget is not None:  # the listing came out of the same --timeout
        run = replace(options, timeout=max(budget - (time.monotonic() - started), 0.001))
    return replace(command, words=tuple(ids), run=run)


async def list_running(
    provider: Provider,
    client: Client,
    *,
    request_timeout: float = 10.0,
    max_retries: int = 5,
    deadline: float | None = None,
    say: Callable[[str], None] | None = None,
    rng: random.Random | None = None,
) -> list[str]:
    """Every id the provider lists as not finished, in its order, each once."""
    from jobwatch.poll.schedule import backoff_delay

    rng = rng or random.Random()
    found: dict[str, None] = {}
    cursor: str | None = None
    async with client:
        for _page in range(MAX_PAGES):
            request = provider.running_request(client, cursor)
            if request is None:
                raise UsageError(f"{provider.name} cannot list its jobs: name them instead")
            failures = 0
            while True:
                left = _time_left(deadline)
                if left <= 0:
                    raise StateUnknownError(
                        f"{provider.name}: the --timeout deadline passed while listing jobs"
                    )
                try:
                    response = await send(client, request, min(request_timeout, left))
                    ids, cursor = provider.parse_running(response, cursor)
                    break
                except RetryableError as exc:
                    failures += 1
                    if failures > max_retries:
                        raise
                    wait = exc.retry_after
                    delay = backoff_delay(failures, rng) if wait is None else wait
                    delay = min(delay, _time_left(deadline))
                    if say is not None:
                        say(f"retrying the list in {delay:.1f}s: {exc.message}")
                    await asyncio.sleep(max(delay, 0.0))
            found.update(dict.fromkeys(ids))
            if cursor is None:
                return list(found)
    if say is not None:
        say(
            f"jobwatch: warning: stopped listing {provider.name} jobs after {MAX_PAGES} pages; "
            "the jobs of later pages are left out"
        )
    return list(found)


def _time_left(deadline: float | None) -> float:
    return float("inf") if deadline is None else deadline - time.monotonic()


def _say(streams: Streams, line: str) -> None:
    print(line, file=streams.stderr, flush=True)


def _print_nothing(command: JobCommand, streams: Streams) -> None:
    """The empty result of a check or watch of no jobs: JSON on stdout, GitHub outputs."""
    from jobwatch.render import ci, jsonout

    options = command.run
    if options.json and options.watch:
        streams.stdout.write(jsonout.dumps({"event": "summary", "jobs": [], "exit_code": 0}))
        streams.stdout.write("\n")
        streams.stdout.flush()
    elif options.json:
        jsonout.print_document(streams.stdout, [], 0)
    files = ci.Files.of(streams.env, options.summary_file, options.jobs_out)
    ci.report_run([], 0, files, streams.stderr)
