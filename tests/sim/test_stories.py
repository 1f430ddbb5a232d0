"""The per-job clock, speed, and story selection, on a hand-moved clock."""

from __future__ import annotations

import pytest

from jobwatch.sim.jobs import SimJobs
from jobwatch.sim.stories import Fault, Phase, story_for
from tests.sim._support import START, FakeClock


def book(clock: FakeClock, speed: float = 1.0) -> SimJobs:
    return SimJobs(speed=speed, monotonic=clock.monotonic, now=clock.now)


@pytest.mark.parametrize(
    ("provider", "job_id", "story"),
    [
        ("brightdata", "s_m4x7enmven8djfqak", "default"),
        ("zilliz", "job-1-fail", "fail"),
        ("coze", "7442585813587-slow", "slow"),
        ("firecrawl", "abc-429", "429"),
        ("firecrawl", "abc-500", "500"),
        ("milvus", "abc-flaky", "flaky"),
        ("coze", "abc-gone", "gone"),
        ("firecrawl", "abc-big", "big"),
        ("brightdata", "abc-big", "default"),  # -big only means something at Firecrawl
        ("milvus", "448761313698322011-uncommitted", "uncommitted"),
        ("zilliz", "job-uncommitted", "default"),  # two-phase imports are Milvus's
        ("firecrawl", "fail-but-not-suffix", "default"),
        ("firecrawl", "abc-startfail", "startfail"),
        ("coze", "abc-startfail", "startfail"),
        ("zilliz", "abc-partial", "partial"),
        ("brightdata", "abc-stall", "stall"),
        ("milvus", "abc-late", "late"),
        ("firecrawl", "b-oldserver-partial", "partial"),
        ("coze-chat", "7381/c-action", "action"),
        ("coze", "7442-action", "default"),  # requires_action is a chat's
        ("coze-workflow", "742/743-fail", "fail"),
        ("zilliz-job", "job-1-stall", "stall"),
    ],
)
def test_the_id_suffix_picks_the_story(provider: str, job_id: str, story: str) -> None:
    assert story_for(provider, job_id).name == story


def test_default_story_is_pending_then_running_then_succeeded_at_ten_seconds() -> None:
    clock = FakeClock()
    jobs = book(clock)
    first = jobs.visit("brightdata", "s1").snapshot
    assert (first.phase, first.fraction, first.started_at) == (Phase.PENDING, 0.0, START)
    clock.advance(5.5)
    middle = jobs.visit("brightdata", "s1").snapshot
    assert middle.phase is Phase.RUNNING
    assert middle.fraction == pytest.approx(0.5)
    assert middle.remaining_seconds == pytest.approx(4.5)
    clock.advance(4.5)
    last = jobs.visit("brightdata", "s1").snapshot
    assert last.phase is Phase.SUCCEEDED
    assert last.fraction == 1.0
    assert last.finished_at is not None and (last.finished_at - START).total_seconds() == 10


def test_the_clock_starts_at_the_first_request_naming_the_job() -> None:
    clock = FakeClock()
    jobs = book(clock)
    jobs.visit("zilliz", "early")
    clock.advance(9)
    assert jobs.visit("zilliz", "late").snapshot.phase is Phase.PENDING
    assert jobs.visit("zilliz", "early").snapshot.phase is Phase.RUNNING
    # the same id at another provider is another job
    assert jobs.visit("milvus", "early").snapshot.phase is Phase.PENDING


def test_speed_runs_every_story_faster() -> None:
    clock = FakeClock()
    jobs = book(clock, speed=20)
    jobs.visit("coze", "d1")
    jobs.visit("coze", "d2-slow")
    clock.advance(0.5)  # 10 story seconds
    done = jobs.visit("coze", "d1").snapshot
    assert done.phase is Phase.SUCCEEDED
    assert done.finished_at is not None and (done.finished_at - START).total_seconds() == 0.5
    slow = jobs.visit("coze", "d2-slow").snapshot
    assert slow.phase is Phase.RUNNING and slow.fraction < 0.01
    clock.advance(29.5)  # 600 story seconds in all
    assert jobs.visit("coze", "d2-slow").snapshot.phase is Phase.SUCCEEDED


def test_fail_story_fails_at_five_seconds_partway() -> None:
    clock = FakeClock()
    jobs = book(clock)
    jobs.visit("coze", "d-fail")
    clock.advance(4.9)
    assert jobs.visit("coze", "d-fail").snapshot.phase is Phase.RUNNING
    clock.advance(0.1)
    failed = jobs.visit("coze", "d-fail").snapshot
    assert (failed.phase, failed.fraction) == (Phase.FAILED, pytest.approx(0.4))


def test_slow_story_takes_ten_minutes_with_slowly_growing_progress() -> None:
    clock = FakeClock()
    jobs = book(clock)
    jobs.visit("firecrawl", "x-slow")
    clock.advance(60)
    minute = jobs.visit("firecrawl", "x-slow").snapshot
    assert minute.phase is Phase.RUNNING and 0.05 < minute.fraction < 0.15
    clock.advance(539)
    assert jobs.visit("firecrawl", "x-slow").snapshot.phase is Phase.RUNNING
    clock.advance(1)
    assert jobs.visit("firecrawl", "x-slow").snapshot.phase is Phase.SUCCEEDED


def test_uncommitted_story_pauses_forever() -> None:
    clock = FakeClock()
    jobs = book(clock)
    jobs.visit("milvus", "j-uncommitted")
    clock.advance(3600)
    paused = jobs.visit("milvus", "j-uncommitted").snapshot
    assert (paused.phase, paused.fraction, paused.finished_at) == (Phase.PAUSED, 0.99, None)


@pytest.mark.parametrize(
    ("job_id", "faults"),
    [
        ("a-429", [Fault.RATE_LIMITED, None, None]),
        ("a-500", [Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.UNAVAILABLE, None]),
        ("a-flaky", [Fault.PROXY_PAGE, Fault.DROP, None]),
        ("a", [None, None]),
    ],
)
def test_fault_stories_hit_the_first_requests_only(job_id: str, faults: list[Fault]) -> None:
    jobs = book(FakeClock())
    assert [jobs.visit("firecrawl", job_id).fault for _ in faults] == faults


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SimJobs(speed=0)


def test_stall_story_stops_at_forty_percent_and_never_finishes() -> None:
    clock = FakeClock()
    jobs = book(clock)
    jobs.visit("zilliz", "j-stall")
    clock.advance(4.6)
    stalled = jobs.visit("zilliz", "j-stall").snapshot
    assert (stalled.phase, stalled.fraction, stalled.remaining_seconds) == (Phase.RUNNING, 0.4, 0)
    clock.advance(86_400)
    later = jobs.visit("zilliz", "j-stall").snapshot
    assert (later.phase, later.fraction, later.finished_at) == (Phase.RUNNING, 0.4, None)


def test_late_story_is_not_found_for_three_story_seconds_at_any_speed() -> None:
    clock = FakeClock()
    jobs = book(clock, speed=10)
    assert jobs.visit("coze", "d-late").not_found
    clock.advance(0.29)
    assert jobs.visit("coze", "d-late").not_found
    clock.advance(0.02)
    found = jobs.visit("coze", "d-late")
    assert not found.not_found and found.snapshot.phase is Phase.PENDING
    clock.advance(1.0)  # 13 story seconds in all
    assert jobs.visit("coze", "d-late").snapshot.phase is Phase.SUCCEEDED


def test_cancel_freezes_a_running_job_as_cancelled() -> None:
    clock = FakeClock()
    jobs = book(clock)
    assert jobs.cancel("firecrawl", "never-seen") is False
    jobs.visit("firecrawl", "c1")
    clock.advance(5.5)
    assert jobs.cancel("firecrawl", "c1") is True
    assert jobs.cancel("firecrawl", "c1") is False  # already cancelled
    clock.advance(100)
    cancelled = jobs.visit("firecrawl", "c1").snapshot
    assert (cancelled.phase, cancelled.fraction, cancelled.terminal) == (
        Phase.CANCELLED,
        pytest.approx(0.5),
        True,
    )
    assert cancelled.finished_at is not None
    assert (cancelled.finished_at - START).total_seconds() == 5.5
    jobs.visit("firecrawl", "c2")
    clock.advance(10)
    assert jobs.cancel("firecrawl", "c2") is False  # finished: nothing to cancel
    assert jobs.visit("firecrawl", "c2").snapshot.phase is Phase.SUCCEEDED


def test_seen_lists_jobs_by_provider_and_scope_without_counting_requests() -> None:
    clock = FakeClock()
    jobs = book(clock)
    jobs.visit("coze", "d1", scope="ds1")
    jobs.visit("coze", "d2-429", scope="ds2")
    jobs.visit("coze", "d1", scope="ds2")  # the first scope sticks
    jobs.visit("zilliz", "d3")
    assert [job_id for job_id, _ in jobs.seen("coze")] == ["d1", "d2-429"]
    assert [job_id for job_id, _ in jobs.seen("coze", "ds2")] == ["d2-429"]
    (listed,) = [visit for job_id, visit in jobs.seen("coze") if job_id == "d2-429"]
    assert listed.fault is None and listed.number == 1
    # listing counted nothing: the next request is the second, past the one fault
    assert jobs.visit("coze", "d2-429").number == 2
