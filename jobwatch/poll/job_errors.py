"""Why a job ended (README: Gates): its errors, read from the provider once, when the job
ends failed, cancelled, short of a gate, or succeeded with fewer units done than attempted
(judge.wants_reasons), and added to the JOB's `extra` before it is reported.

One request per job; two when the server lacks the route and the provider knows another path
(Firecrawl's v1 batch errors route). A failure to read the errors is noted in
`extra.errors_unavailable` and never changes the job's state or the exit code."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import httpx

from jobwatch.core.errors import JobwatchError, StateUnknownError
from jobwatch.core.models import JobStatus, wants_reasons
from jobwatch.http.client import Client, send
from jobwatch.poll.results import describe_exception
from jobwatch.providers.base import JobStatusOrError, Provider


class ErrorReader:
    """Reads ended jobs' errors within the run's limits: the per-request timeout, the time
    left before the deadline, and the poller's request slots."""

    def __init__(
        self,
        client: Client,
        request_timeout: float,
        time_left: Callable[[], float],
        slots: asyncio.Semaphore,
    ) -> None:
        self.client = client
        self.request_timeout = request_timeout
        self.time_left = time_left
        self.slots = slots

    async def explained(
        self, provider: Provider, results: Sequence[JobStatusOrError]
    ) -> Sequence[JobStatusOrError]:
        """The results, with the errors of each job that ended badly in its `extra`."""
        positions = [
            position
            for position, result in enumerate(results)
            if isinstance(result, JobStatus) and wants_reasons(result)
        ]
        if not positions:
            return results
        changed = list(results)
        for position in positions:
            job = changed[position]
            assert isinstance(job, JobStatus)
            changed[position] = await self.explain(provider, job)
        return changed

    async def explain(self, provider: Provider, job: JobStatus) -> JobStatus:
        try:
            request = provider.errors_request(self.client, job.id)
            if request is None:
                return job
            response = await self._send(request)
            fallback = provider.errors_fallback(self.client, job.id, response)
            if fallback is not None:
                response = await self._send(fallback)
            found = provider.parse_errors(response)
        except JobwatchError as exc:
            found = {"errors_unavailable": exc.message}
        except Exception as exc:  # noqa: BLE001 - never changes the job's outcome
            found = {"errors_unavailable": describe_exception(exc)}
        if not found:
            return job
        return job.replace(extra={**job.extra, **found})

    async def _send(self, request: httpx.Request) -> httpx.Response:
        limit = min(self.request_timeout, self.time_left())
        if limit <= 0:
            raise StateUnknownError("not read: no time left before the --timeout deadline")
        async with self.slots:
            return await send(self.client, request, limit)
