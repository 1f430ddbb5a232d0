"""The watch loop (jobwatch/poll/) at scale, mostly on virtual time: first polls spread over
one interval, per-host rate caps, bounded requests in flight, one Document request per dataset,
wake-ups on the shared grid, and hundreds of jobs each read once per interval."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import httpx
import pytest

from jobwatch.core.models import JobState
from jobwatch.http.client import Client
from jobwatch.poll.loop import Poller
from jobwatch.poll.schedule import SPREAD_ABOVE
from jobwatch.poll.settings import JobGroup, PollSettings
from jobwatch.providers.brightdata import Snapshot
from jobwatch.providers.coze import Document
from jobwatch.providers.firecrawl import BatchScrape
from jobwatch.providers.zilliz import ImportJob
from tests.watchkit import (
    FakeClock,
    Reply,
    brightdata_body,
    coze_body,
    firecrawl_body,
    settings,
    watch,
    zilliz_body,
)

EPS = 1e-6


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{n}" for n in range(count)]


def firecrawl_jobs(count: int, prefix: str = "fc") -> tuple[JobGroup, dict[str, list[Reply]]]:
    job_ids = ids(prefix, count)
    return JobGroup(BatchScrape(settings()), job_ids), {key: [firecrawl_body()] for key in job_ids}


def first_times(result, keys: list[str]) -> list[float]:
    return sorted(result.script.times(key)[0] for key in keys)


def most_in_window(times: list[float], width: float) -> int:
    """The most requests in any half-open window [t, t + width) (a sliding window)."""
    times = sorted(times)
    most = 0
    right = 0
    for left, start in enumerate(times):
        while right < len(times) and times[right] < start + width - EPS:
            right += 1
        most = max(most, right - left)
    return most


def on_grid(t: float, quantum: float) -> bool:
    steps = t / quantum
    return abs(steps - round(steps)) < 1e-6


# --- 1. first polls are spread over one interval -------------------------------------------


@pytest.mark.parametrize("quantum", [0.0, 0.02])
def test_first_polls_of_a_big_watch_are_spread_over_one_interval(quantum):
    group, replies = firecrawl_jobs(100)
    result = watch([group], replies, interval=1.0, budget=1.5, wake_quantum=quantum)

    first = first_times(result, group.job_ids)
    assert len(first) == 100
    assert first[0] == 0.0
    # Within one interval (a wake-up rounded up to the grid may land on its very end).
    assert all(0.0 <= t < 1.0 + quantum for t in first), first
    # Evenly spread: a tenth of the jobs per tenth of the interval, never a burst.
    assert most_in_window(first, 0.1) <= 12
    assert Counter(round(t, 6) for t in first).most_common(1)[0][1] <= (2 if quantum else 1)
    assert first[-1] >= 0.95
    # Each job keeps its own place in the round: its second poll one interval after its first.
    for key in group.job_ids:
        times = result.script.times(key)
        if len(times) > 1:
            assert times[1] - times[0] == pytest.approx(1.0, abs=quantum + EPS)


@pytest.mark.parametrize("count", [1, 2, SPREAD_ABOVE])
def test_a_small_watch_polls_every_job_at_once(count):
    group, replies = firecrawl_jobs(count)
    result = watch([group], replies, interval=1.0, budget=0.5)
    assert first_times(result, group.job_ids) == [0.0] * count
    assert len(result.script.calls) == count


def test_one_more_job_than_the_threshold_is_spread():
    group, replies = firecrawl_jobs(SPREAD_ABOVE + 1)
    result = watch([group], replies, interval=1.0, budget=1.0)
    first = first_times(result, group.job_ids)
    assert first[0] == 0.0
    assert first[-1] == pytest.approx(SPREAD_ABOVE / (SPREAD_ABOVE + 1))
    assert len(set(first)) == SPREAD_ABOVE + 1


def test_a_one_off_check_of_many_jobs_is_not_spread():
    # `check` reads each job once: it must not wait an interval to do so.
    group, replies = firecrawl_jobs(100)
    result = watch([group], replies, until_terminal=False, interval=1.0)
    assert first_times(result, group.job_ids) == [0.0] * 100
    assert result.clock.elapsed == 0.0
    assert all(job.state is JobState.RUNNING for job in result.poller.jobs())


# --- 2. per-host rate caps -----------------------------------------------------------------


def zilliz_jobs(
    count: int, prefix: str, *, base_url: str = "http://sim.test", cluster: str = "in01-abc"
) -> tuple[JobGroup, dict[str, list[Reply]]]:
    job_ids = ids(prefix, count)
    provider = ImportJob(settings(base_url=base_url, cluster_id=cluster))
    return JobGroup(provider, job_ids), {key: [zilliz_body()] for key in job_ids}


def host_times(result, host: str) -> list[float]:
    return [call.at for call in result.script.calls if call.request.url.host == host]


@pytest.mark.parametrize("quantum", [0.0, 0.02])
def test_zilliz_gets_at_most_20_requests_a_second(quantum):
    group, replies = zilliz_jobs(100, "z")
    result = watch([group], replies, interval=1.0, budget=6.0, wake_quantum=quantum)

    times = result.script.times()
    assert most_in_window(times, 1.0) <= 20
    # The cap is used, not undershot: about 20 a second for 6 seconds.
    assert 110 <= len(times) <= 121
    # And every job was read, though 100 jobs at 1 s want 100 requests a second.
    assert {call.key for call in result.script.calls} == set(group.job_ids)
    assert all(job.state is JobState.RUNNING for job in result.poller.jobs())


@pytest.mark.parametrize("quantum", [0.0, 0.02])
def test_brightdata_gets_at_most_10_requests_a_second(quantum):
    job_ids = ids("s", 100)
    group = JobGroup(Snapshot(settings()), job_ids)
    replies = {key: [brightdata_body()] for key in job_ids}
    result = watch([group], replies, interval=1.0, budget=10.5, wake_quantum=quantum)

    times = result.script.times()
    assert most_in_window(times, 1.0) <= 10
    assert 100 <= len(times) <= 105
    assert {call.key for call in result.script.calls} == set(job_ids)


def test_two_groups_on_one_host_share_its_cap():
    # Two ImportJob clusters behind one API host: the limit is the host's, not the cluster's.
    first, first_replies = zilliz_jobs(50, "x", cluster="in01-x")
    second, second_replies = zilliz_jobs(50, "y", cluster="in01-y")
    result = watch([first, second], first_replies | second_replies, interval=1.0, budget=6.0)
    assert most_in_window(result.script.times(), 1.0) <= 20
    assert {call.key for call in result.script.calls} == set(first.job_ids) | set(second.job_ids)


def test_a_capped_host_does_not_delay_another_host():
    busy, busy_replies = zilliz_jobs(100, "a", base_url="http://a.test")
    quiet, quiet_replies = zilliz_jobs(1, "b", base_url="http://b.test")
    result = watch([busy, quiet], busy_replies | quiet_replies, interval=1.0, budget=6.0)

    # a.test is held to its cap (100 jobs want 100 requests a second)...
    assert most_in_window(host_times(result, "a.test"), 1.0) <= 20
    # ...while b.test's job keeps its interval, as if it were alone.
    quiet_times = result.script.times("b-0")
    assert len(quiet_times) == 6
    assert all(t == pytest.approx(1.0) for t in gaps(quiet_times)), quiet_times


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_a_stalled_host_gets_no_burst_when_it_recovers():
    # ImportJob stalls: whatever it is asked before t=2 is answered only at t=3. The 32 requests
    # in flight fill the semaphore; the jobs whose turns pass meanwhile must still go out at
    # 20 a second afterwards, not all at once (a burst earns Milvus code 1807 and backoff).
    clock = FakeClock()
    group, _ = zilliz_jobs(100, "z")
    sent: list[float] = []

    async def stalling(request: httpx.Request) -> httpx.Response:
        sent.append(clock.elapsed)
        if clock.elapsed < 2.0:
            await clock.sleep(3.0 - clock.elapsed)
        return zilliz_body().respond(request)

    poll_settings = PollSettings(until_terminal=True, interval=1.0, deadline=clock.start + 6.0)

    async def main() -> None:
        async with Client(httpx.MockTransport(stalling)) as client:
            poller = Poller([group], poll_settings, client, clock=clock, sleep=clock.sleep)
            driver = asyncio.create_task(clock.drive())
            try:
                async for _ in poller.events():
                    pass
            finally:
                driver.cancel()
                await asyncio.gather(driver, return_exceptions=True)

    asyncio.run(main())
    assert len(sent) > 60
    # (A gate turn taken before the in-flight slot sent 29 at t=3.0 exactly, 48 within 1 s.)
    assert most_in_window(sent, 1.0) <= 20


# --- 3. bounded requests in flight (real event loop) ----------------------------------------


class SlowEndpoint:
    """An async handler that holds every request until `release` is set, then answers after
    a short real sleep; counts how many are in flight at once."""

    def __init__(self, hold: float = 0.002) -> None:
        self.hold = hold
        self.in_flight = 0
        self.peak = 0
        self.answered: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await self.release.wait()
            await asyncio.sleep(self.hold)
        finally:
            self.in_flight -= 1
        self.answered.append(request.url.path.rsplit("/", 1)[-1])
        return httpx.Response(
            200, json={"success": True, "status": "scraping", "completed": 1, "total": 2}
        )


async def wait_until(condition, limit: float = 2.0) -> None:
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.001)


@pytest.mark.parametrize("max_in_flight", [32, 5])
def test_requests_in_flight_are_bounded(max_in_flight):
    job_ids = ids("fc", 200)
    group = JobGroup(BatchScrape(settings()), job_ids)
    options = {} if max_in_flight == 32 else {"max_in_flight": max_in_flight}
    poll_settings = PollSettings(until_terminal=False, request_timeout=5.0, **options)
    assert poll_settings.max_in_flight == max_in_flight
    endpoint = SlowEndpoint()

    async def main() -> Poller:
        async with Client(httpx.MockTransport(endpoint)) as client:
            poller = Poller([group], poll_settings, client)

            async def drain() -> None:
                async for _ in poller.events():
                    pass

            task = asyncio.create_task(drain())
            try:
                await wait_until(lambda: endpoint.in_flight >= max_in_flight)
                # Held: the rest wait their turn instead of piling onto the endpoint.
                await asyncio.sleep(0.05)
                assert endpoint.in_flight == max_in_flight
                assert endpoint.answered == []
                endpoint.release.set()
                async with asyncio.timeout(5.0):
                    await task
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            return poller

    poller = asyncio.run(main())
    assert endpoint.peak == max_in_flight
    assert endpoint.in_flight == 0
    assert sorted(endpoint.answered) == sorted(job_ids)
    assert all(job.state is JobState.RUNNING for job in poller.jobs())


# --- 4. Document: one request per dataset -------------------------------------------------------


def test_500_coze_documents_are_read_with_one_request_per_poll():
    docs = ids("doc", 500)
    group = JobGroup(Document(settings(), dataset_id="ds-1"), docs)
    running = coze_body(*[(doc, 0, 10) for doc in docs])
    half = coze_body(
        *[(doc, 1 if n < 250 else 0, 100 if n < 250 else 60) for n, doc in enumerate(docs)]
    )
    done = coze_body(*[(doc, 1, 100) for doc in docs[250:]])
    result = watch([group], {"ds-1": [running, half, done]})

    calls = result.script.calls
    assert [call.at for call in calls] == [0.0, 3.0, 6.0]  # one request per round, not 500
    sent = [json.loads(call.request.content)["document_ids"] for call in calls]
    assert sent == [docs, docs, docs[250:]]
    assert all(job.state is JobState.SUCCEEDED for job in result.poller.jobs())
    assert len(result.poller.jobs()) == 500
    assert result.poller.exit_code() == 0


# --- 5. wake-ups on a shared grid ------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_with_a_wake_quantum_every_wake_up_is_on_the_grid(count):
    quantum = 0.02
    clock = FakeClock(start=1000.013)  # off the grid: the first request is at start
    group, replies = firecrawl_jobs(count)
    budget = 5.005  # the deadline is off the grid too
    result = watch([group], replies, interval=1.0, budget=budget, clock=clock, wake_quantum=quantum)

    deadline = clock.start + budget
    later = [call.at for call in result.script.calls if call.at > 0.0]
    assert later
    for at in later:
        assert on_grid(clock.start + at, quantum), at
    # A wake-up is rounded up, never by a whole quantum or more, and never past the deadline.
    for key in group.job_ids:
        for gap in gaps(result.script.times(key)):
            assert 1.0 - EPS <= gap < 1.0 + quantum + EPS, (key, gap)
    assert clock.now <= deadline + EPS
    assert clock.now == pytest.approx(deadline)
    assert result.poller.timed_out


def test_with_a_wake_quantum_the_last_sleep_stops_at_the_deadline():
    quantum = 0.02
    clock = FakeClock(start=1000.0)
    group, replies = firecrawl_jobs(1)
    result = watch([group], replies, interval=1.0, budget=2.51, clock=clock, wake_quantum=quantum)
    assert result.script.times() == pytest.approx([0.0, 1.0, 2.0])
    assert clock.sleeps[-1] == pytest.approx(0.51)
    assert clock.elapsed == pytest.approx(2.51)


def test_a_wake_up_rounded_up_to_the_grid_never_passes_the_deadline():
    # 1 s after an off-grid start is 1001.013, short of the deadline (1001.015); the next grid
    # point (1001.02) is past it: the sleep ends at the deadline instead.
    clock = FakeClock(start=1000.013)
    group, replies = firecrawl_jobs(1)
    result = watch([group], replies, interval=1.0, budget=1.002, clock=clock, wake_quantum=0.02)
    assert result.script.times() == [0.0]
    assert clock.now <= clock.start + 1.002 + 1e-9
    assert clock.sleeps == [pytest.approx(1.002)]
    assert result.poller.timed_out


def test_without_a_wake_quantum_sleeps_are_exact():
    clock = FakeClock(start=1000.013)
    group, replies = firecrawl_jobs(1)
    result = watch([group], replies, interval=0.7, budget=5.0, clock=clock, wake_quantum=0.0)
    assert result.script.times() == pytest.approx([0.0, 0.7, 1.4, 2.1, 2.8, 3.5, 4.2, 4.9])
    assert clock.sleeps[:-1] == [0.7] * 7
    assert clock.sleeps[-1] == pytest.approx(0.1)


def test_a_wake_up_already_on_the_grid_is_not_pushed_a_quantum_later():
    # The monotonic clock can read anything; at this value, 0.1 s after a grid point is
    # computed a hair past the next grid point: that must not make the sleep 0.12 s.
    clock = FakeClock(start=98765.4321)
    group, replies = firecrawl_jobs(1)
    result = watch([group], replies, interval=0.1, budget=10.0, clock=clock, wake_quantum=0.02)
    times = result.script.times()
    # The first sleep rounds the off-grid start up to the grid; from there, 0.1 s is 5 quanta.
    assert all(gap == pytest.approx(0.1, abs=EPS) for gap in gaps(times)[1:]), gaps(times)
    assert len(times) >= 99  # (a plain math.ceil gave 94 polls in 10 s instead of 100)


# --- 6. hundreds of jobs, each read once per interval ---------------------------------------


@pytest.mark.parametrize("quantum", [0.0, 0.02])
def test_500_jobs_are_each_read_once_per_interval(quantum):
    group, replies = firecrawl_jobs(500)
    result = watch([group], replies, interval=1.0, budget=5.0, wake_quantum=quantum)

    per_job = Counter(call.key for call in result.script.calls)
    assert set(per_job) == set(group.job_ids)  # no job starved
    total = sum(per_job.values())
    assert 500 * 5 * 0.98 <= total <= 500 * 5
    assert set(per_job.values()) <= {4, 5}
    for key in group.job_ids:
        for gap in gaps(result.script.times(key)):
            assert 1.0 - EPS <= gap < 1.0 + quantum + EPS
    # Spread in every second, not bunched: at most a few hundredths of the jobs at a time.
    assert most_in_window(result.script.times(), 0.1) <= 60
    assert result.poller.timed_out
