"""Retry-After policy of the watch loop, on virtual time (issue 10 point 4, issue 12): only a
finite, non-negative wait counts; a wait past the deadline ends the job at once as timed out
(124) with the provider's reason; a wait over 15 minutes ends it at once as `unknown` (3). No
sleeping in either case, also for the other jobs on a host that is blocked that long."""

from __future__ import annotations

import math

import pytest

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.firecrawl import BatchScrape
from tests.fakeprovider import fake_group
from tests.watchkit import Reply, firecrawl_body, settings, watch


def firecrawl(*ids: str) -> JobGroup:
    return JobGroup(BatchScrape(settings()), list(ids))


def too_many(seconds: str, status: int = 429) -> Reply:
    return Reply(status, {"error": "slow down"}, {"Retry-After": seconds})


def test_a_one_off_whose_first_answer_asks_past_the_deadline_ends_at_once():
    result = watch(
        [firecrawl("fc-1")], {"fc-1": [too_many("100", 503)]}, until_terminal=False, budget=30.0
    )
    assert result.clock.sleeps == []
    assert result.clock.elapsed == 0.0
    job = result.job("fc-1").to_json()
    assert job["state"] == "unknown"
    # The provider's reason, not "no answer yet".
    assert (
        job["message"] == "firecrawl: HTTP 503: slow down (asked to wait 100s, past the deadline)"
    )
    assert result.poller.exit_code() == exitcodes.TIMEOUT


def test_a_retry_after_just_inside_the_deadline_is_waited_for():
    result = watch(
        [firecrawl("fc-1")], {"fc-1": [too_many("29"), firecrawl_body("completed")]}, budget=30.0
    )
    assert result.script.times() == [0.0, 29.0]
    assert result.poller.exit_code() == exitcodes.SUCCESS


@pytest.mark.parametrize("budget", [None, 7200.0])
def test_a_wait_over_15_minutes_ends_the_job_at_once_as_unknown(budget):
    result = watch(
        [firecrawl("fc-1")],
        {"fc-1": [firecrawl_body(), too_many("3600")]},
        budget=budget,
    )
    assert result.script.times() == [0.0, 2.0]
    assert result.clock.elapsed == 2.0
    job = result.job("fc-1")
    assert job.state is JobState.UNKNOWN
    assert job.message == (
        "firecrawl: HTTP 429: slow down (asked to wait 3600s, more than 15 minutes)"
    )
    assert not result.retries
    assert result.poller.exit_code() == exitcodes.UNKNOWN


def test_exactly_15_minutes_is_still_waited_for():
    result = watch([firecrawl("fc-1")], {"fc-1": [too_many("900"), firecrawl_body("completed")]})
    assert result.script.times() == [0.0, 900.0]
    assert result.poller.exit_code() == exitcodes.SUCCESS


def test_other_jobs_on_a_host_blocked_too_long_end_at_once_with_its_reason():
    result = watch(
        [firecrawl("a", "b")],
        {
            "a": [firecrawl_body(), too_many("3600")],
            "b": [firecrawl_body(), firecrawl_body(), firecrawl_body("completed")],
        },
        until_terminal=True,
    )
    # `b`, due at 2 s right after `a`, finds its host blocked for an hour and does not wait.
    assert result.script.times("b") == [0.0]
    assert result.clock.elapsed == 2.0
    b = result.job("b")
    assert b.state is JobState.UNKNOWN
    assert b.message == (
        "firecrawl: HTTP 429: slow down (asked to wait 3600s, more than 15 minutes)"
    )
    assert result.poller.exit_code() == exitcodes.UNKNOWN


def test_other_jobs_on_a_host_blocked_past_the_deadline_end_as_timed_out():
    result = watch(
        [firecrawl("a", "b")],
        {"a": [firecrawl_body(), too_many("100")], "b": [firecrawl_body()]},
        budget=30.0,
    )
    assert result.script.times("b") == [0.0]
    assert result.clock.elapsed == 2.0
    assert result.job("b").message == (
        "firecrawl: HTTP 429: slow down (asked to wait 100s, past the deadline)"
    )
    assert result.poller.exit_code() == exitcodes.TIMEOUT


def test_a_rejected_wait_on_the_last_allowed_try_is_a_give_up():
    result = watch([firecrawl("fc-1")], {"fc-1": [too_many("3600")]}, max_retries=0)
    job = result.job("fc-1")
    assert job.message == "firecrawl: HTTP 429: slow down"
    assert result.poller.exit_code() == exitcodes.UNKNOWN


@pytest.mark.parametrize("wait", [math.inf, -math.inf, math.nan, -1.0])
def test_a_wait_that_is_not_finite_and_positive_counts_as_absent(wait):
    # The HTTP layer hands over only usable values; the loop does not rely on it.
    result = watch(
        [fake_group("j")],
        {
            "j": [
                Reply(200, {"status": "busy", "retry_after": wait}),
                Reply(200, {"status": "done"}),
            ]
        },
    )
    # The 1 s backoff (MaxRng shows its ceiling), neither forever nor at once.
    assert result.script.times() == [0.0, 1.0]
    assert [event.delay for event in result.retries] == [1.0]
    assert result.poller.exit_code() == exitcodes.SUCCESS


def test_an_infinite_retry_after_header_is_not_a_sleep_forever():
    result = watch([firecrawl("fc-1")], {"fc-1": [too_many("inf"), firecrawl_body("completed")]})
    assert result.script.times() == [0.0, 1.0]
    assert result.poller.exit_code() == exitcodes.SUCCESS
