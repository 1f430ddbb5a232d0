"""`--running` (README: Finding and cancelling jobs): the jobs a provider lists as not finished,
found in the session before it checks or watches them. Pages are followed to the end, at most
MAX_PAGES of them, each page with the session's retry policy and inside its deadline."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from jobwatch.core.errors import RetryableError, UsageError
from jobwatch.http.client import Client, send
from jobwatch.poll.schedule import RetryPolicy
from jobwatch.render.notices import say

if TYPE_CHECKING:
    import httpx

    from jobwatch.providers.base import Provider
    from jobwatch.session.session import Session

MAX_PAGES = 100


def find_running(session: Session, provider: Provider) -> list[str]:
    """The ids of the provider's running jobs, listed in the session; a line on stderr says
    how many were found (or that none were)."""
    options, streams = session.options, session.streams
    quiet = options.quiet
    ids = session.run(
        list_running(
            provider,
            session.client,
            retry=session.retry,
            time_left=session.time_left,
            request_timeout=options.request_timeout,
            say=None if quiet else lambda line: say(streams.stderr, line),
        )
    )
    what = provider.running_noun
    if not ids:
        if not quiet:
            say(streams.stderr, f"jobwatch: no {what} ({provider.label})")
    elif not quiet and not options.json:
        say(streams.stderr, f"jobwatch: found {len(ids)} {what} ({provider.label})")
    return ids


async def list_running(
    provider: Provider,
    client: Client,
    *,
    retry: RetryPolicy | None = None,
    time_left: Callable[[], float] | None = None,
    request_timeout: float = 10.0,
    say: Callable[[str], None] | None = None,
) -> list[str]:
    """Every id the provider lists as not finished, in its order, each once. The client stays
    open (the session closes it)."""
    retry = retry or RetryPolicy()
    left = time_left or _forever

    def on_retry(error: RetryableError, wait: float) -> None:
        if say is not None:
            say(f"retrying the list in {wait:.1f}s: {error.message}")

    found: dict[str, None] = {}
    cursor: str | None = None
    for _page in range(MAX_PAGES):
        request = provider.running_request(client, cursor)
        if request is None:
            raise UsageError(f"{provider.name} cannot list its jobs: name them instead")

        async def page(
            time_limit: float, request: httpx.Request = request, after: str | None = cursor
        ) -> tuple[list[str], str | None]:
            response = await send(client, request, time_limit)
            return provider.parse_running(response, after)

        ids, cursor = await retry.call(
            page,
            time_left=left,
            request_timeout=request_timeout,
            late=f"{provider.name}: the --timeout deadline passed while listing jobs",
            on_retry=on_retry,
        )
        found.update(dict.fromkeys(ids))
        if cursor is None:
            return list(found)
    if say is not None:
        say(
            f"jobwatch: warning: stopped listing {provider.name} jobs after {MAX_PAGES} pages; "
            "the jobs of later pages are left out"
        )
    return list(found)


def _forever() -> float:
    return math.inf
