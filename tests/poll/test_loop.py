"""The watch loop (jobwatch/poll/) against real adapters and scripted endpoints, on virtual
time: poll intervals, terminal states, the deadline, retries and backoff, Retry-After, host
blocks after a 429, give-up and error exit codes, fail-fast, unknown status words."""

from __future__ import annotations

import email.utils
import json
import random
import time
from pathlib import Path

import httpx
import pytest

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState
from jobwatch.poll.schedule import BACKOFF_CAP, backoff_delay
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.brightdata import Snapshot
from jobwatch.providers.coze import Document
from jobwatch.providers.firecrawl import BatchScrape
from jobwatch.providers.zilliz import ImportJob
from tests.watchkit import (
    FakeClock,
    MaxRng,
    Reply,
    brightdata_body,
    coze_body,
    firecrawl_body,
    settings,
    watch,
    zilliz_body,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def firecrawl_group(*ids: str, base_url: str = "http://sim.test") -> JobGroup:
    return JobGroup(BatchScrape(settings(base_url=base_url)), list(ids))


def fixture(provider: str, name: str) -> str:
    return (FIXTURES / provider / name).read_text(encoding="utf-8")


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


# --- the poll interval and terminal states -----------------------------------------------


@pytest.mark.parametrize(
    ("group", "key", "running", "done", "interval"),
    [
        (
            JobGroup(BatchScrape(settings()), ["fc-1"]),
            "fc-1",
            firecrawl_body("scraping"),
            firecrawl_body("completed", 100, 100),
            2.0,
        ),
        (
            JobGroup(Document(settings(), dataset_id="ds-1"), ["doc-1"]),
            "ds-1",
            coze_body(("doc-1", 0, 40)),
            coze_body(("doc-1", 1, 100)),
            3.0,
        ),
        (
            JobGroup(ImportJob(settings(cluster_id="in01-abc")), ["job-1"]),
            "job-1",
            zilliz_body("Importing"),
            zilliz_body("Completed", 100),
            5.0,
        ),
        (
            JobGroup(Snapshot(settings()), ["s_1"]),
            "s_1",
            brightdata_body("running"),
            brightdata_body("ready"),
            10.0,
        ),
    ],
    ids=["firecrawl", "coze", "zilliz", "brightdata"],
)
def test_default_interval_per_provider_and_stop_at_terminal(group, key, running, done, interval):
    # The endpoint would keep answering `running` after `done`: the loop must stop on its own.
    result = watch([group], {key: [running, running, running, done, running]})

    assert result.script.times() == [0.0, interval, 2 * interval, 3 * interval]
    # No trailing sleep after the terminal answer.
    assert result.clock.elapsed == 3 * interval
    (job,) = result.poller.jobs()
    assert job.state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.SUCCESS
    assert not result.poller.timed_out
    # Three identical `running` answers are one change; then the terminal one.
    assert [event.job.state for event in result.statuses] == [
        JobState.RUNNING,
        JobState.SUCCEEDED,
    ]


def test_explicit_interval_wins_over_the_provider_default():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [firecrawl_body(), firecrawl_body(), firecrawl_body("completed", 100, 100)]},
        interval=7.0,
    )
    assert result.script.times() == [0.0, 7.0, 14.0]


def test_each_progress_change_is_yielded_once():
    result = watch(
        [firecrawl_group("fc-1")],
        {
            "fc-1": [
                firecrawl_body("scraping", 10, 100),
                firecrawl_body("scraping", 10, 100),
                firecrawl_body("scraping", 50, 100),
                firecrawl_body("scraping", 50, 120),
                firecrawl_body("completed", 120, 120),
            ]
        },
    )
    assert [(e.job.completed, e.job.total, e.job.status) for e in result.statuses] == [
        (10, 100, "scraping"),
        (50, 100, "scraping"),
        (50, 120, "scraping"),
        (120, 120, "completed"),
    ]
    assert result.job("fc-1").progress == 1.0


def test_one_off_reads_each_job_once():
    result = watch(
        [firecrawl_group("fc-1", "fc-2"), JobGroup(Snapshot(settings()), ["s_1"])],
        {"fc-1": [firecrawl_body()], "fc-2": [firecrawl_body()], "s_1": [brightdata_body()]},
        until_terminal=False,
    )
    assert sorted(call.key for call in result.script.calls) == ["fc-1", "fc-2", "s_1"]
    assert [job.state for job in result.poller.jobs()] == [JobState.RUNNING] * 3
    # A one-off check is content with running jobs.
    assert result.poller.exit_code() == exitcodes.SUCCESS


def test_one_off_with_a_failed_job_exits_1():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [firecrawl_body("failed")]},
        until_terminal=False,
    )
    assert result.poller.exit_code() == exitcodes.JOB_FAILED


def test_coze_documents_of_one_dataset_share_one_request():
    group = JobGroup(Document(settings(), dataset_id="ds-1"), ["d1", "d2", "d3"])
    other = JobGroup(Document(settings(), dataset_id="ds-2"), ["d9"])
    result = watch(
        [group, other],
        {
            "ds-1": [
                coze_body(("d1", 0, 10), ("d2", 0, 20), ("d3", 0, 30)),
                coze_body(("d1", 1, 100), ("d2", 0, 60), ("d3", 0, 70)),
                coze_body(("d2", 1, 100), ("d3", 1, 100)),
            ],
            "ds-2": [coze_body(("d9", 1, 100))],
        },
    )
    ds1 = [call for call in result.script.calls if call.key == "ds-1"]
    assert [call.at for call in ds1] == [0.0, 3.0, 6.0]  # one request per round, not three
    assert [json.loads(call.request.content)["document_ids"] for call in ds1] == [
        ["d1", "d2", "d3"],
        ["d1", "d2", "d3"],
        ["d2", "d3"],  # a finished document is not asked about again
    ]
    assert [call.request.url.path for call in ds1] == ["/v1/datasets/ds-1/process"] * 3
    assert result.script.times("ds-2") == [0.0]
    jobs = result.poller.jobs()
    assert [(job.scope, job.id, job.state) for job in jobs] == [
        ("ds-1", "d1", JobState.SUCCEEDED),
        ("ds-1", "d2", JobState.SUCCEEDED),
        ("ds-1", "d3", JobState.SUCCEEDED),
        ("ds-2", "d9", JobState.SUCCEEDED),
    ]
    assert result.poller.exit_code() == 0


# --- the deadline ------------------------------------------------------------------------


def assert_within_budget(result, budget: float) -> None:
    """No request's time limit and no sleep reaches past the deadline."""
    for call in result.script.calls:
        assert call.at + call.limit <= budget + 1e-9, call
    assert result.clock.elapsed <= budget + 1e-9


def test_deadline_cuts_the_last_request_and_the_last_sleep():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [firecrawl_body()]},
        budget=25.0,
        request_timeout=10.0,
    )
    calls = result.script.calls
    assert [call.at for call in calls] == [float(t) for t in range(0, 25, 2)]
    # A request gets the per-request timeout, or only the time left when that is less.
    assert [call.limit for call in calls] == [10.0] * 8 + [9.0, 7.0, 5.0, 3.0, 1.0]
    assert_within_budget(result, 25.0)
    assert sum(result.clock.sleeps) == 25.0
    assert result.clock.elapsed == 25.0
    assert result.poller.timed_out
    assert result.job("fc-1").state is JobState.RUNNING
    assert result.poller.exit_code() == exitcodes.TIMEOUT


def test_deadline_cuts_a_backoff_sleep():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [Reply(503, {"error": "busy"})]},
        budget=20.0,
        max_retries=10,
    )
    # Backoff 1, 2, 4, 8 after the tries at 0, 1, 3, 7, 15; then 16 would end past 20.
    assert result.script.times() == [0.0, 1.0, 3.0, 7.0, 15.0]
    assert result.clock.sleeps == [1.0, 2.0, 4.0, 8.0, 5.0]
    assert_within_budget(result, 20.0)
    assert result.poller.timed_out
    # Never read: the deadline, not an error, is what ended it.
    assert result.poller.exit_code() == exitcodes.TIMEOUT


def test_a_retry_after_past_the_deadline_ends_the_job_at_once_as_timed_out():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [firecrawl_body(), Reply(429, {"error": "slow down"}, {"Retry-After": "100"})]},
        budget=30.0,
    )
    assert result.script.times() == [0.0, 2.0]
    # Not a sleep to the deadline: the job ends when the answer says to wait past it.
    assert result.clock.elapsed == 2.0
    assert result.poller.exit_code() == exitcodes.TIMEOUT
    job = result.job("fc-1").to_json()
    assert job["state"] == "unknown"
    assert job["message"] == (
        "firecrawl: HTTP 429: slow down (asked to wait 100s, past the deadline)"
    )
    assert not result.retries


def test_a_deadline_shorter_than_the_request_timeout_limits_the_first_request():
    result = watch(
        [firecrawl_group("fc-1")], {"fc-1": [firecrawl_body()]}, budget=4.5, request_timeout=10
    )
    assert [(call.at, call.limit) for call in result.script.calls] == [
        (0.0, 4.5),
        (2.0, 2.5),
        (4.0, 0.5),
    ]
    assert_within_budget(result, 4.5)


def test_deadline_with_several_jobs_on_one_host():
    groups = [firecrawl_group("a", "b"), JobGroup(Snapshot(settings()), ["s_1", "s_2"])]
    result = watch(
        groups,
        {
            "a": [firecrawl_body()],
            "b": [firecrawl_body(), firecrawl_body("completed", 100, 100)],
            "s_1": [brightdata_body()],
            "s_2": [Reply(502, "bad gateway")],  # still retrying at the deadline
        },
        budget=20.0,
    )
    assert_within_budget(result, 20.0)
    assert result.poller.timed_out
    assert result.job("b").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.TIMEOUT


def test_terminal_before_the_deadline_is_not_a_timeout():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [firecrawl_body(), firecrawl_body("completed", 100, 100)]},
        budget=60.0,
    )
    assert not result.poller.timed_out
    assert result.poller.exit_code() == exitcodes.SUCCESS
    assert result.clock.elapsed == 2.0


# --- backoff -------------------------------------------------------------------------------


def test_backoff_doubles_from_one_second_up_to_the_cap():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [Reply(503, {"error": "busy"})] * 8 + [firecrawl_body("completed", 1, 1)]},
        max_retries=10,
    )
    expected = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert [event.delay for event in result.retries] == expected
    assert [event.attempt for event in result.retries] == list(range(1, 9))
    assert gaps(result.script.times()) == expected
    assert result.job("fc-1").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == 0


def test_backoff_delay_uses_full_jitter_within_the_cap():
    for attempt in range(1, 12):
        ceiling = min(BACKOFF_CAP, 2.0 ** (attempt - 1))
        delays = [backoff_delay(attempt, random.Random(seed)) for seed in range(300)]
        assert all(0.0 <= delay <= ceiling for delay in delays), attempt
        # Full jitter: the whole range [0, ceiling] is used, not just its top.
        assert min(delays) < 0.1 * ceiling
        assert max(delays) > 0.9 * ceiling
    assert backoff_delay(30, MaxRng(0)) == 60.0


def test_a_success_resets_the_backoff():
    result = watch(
        [firecrawl_group("fc-1")],
        {
            "fc-1": [
                Reply(503, "busy"),
                Reply(503, "busy"),
                firecrawl_body("scraping", 1, 10),
                Reply(503, "busy"),
                firecrawl_body("completed", 10, 10),
            ]
        },
        max_retries=2,  # two failures, a success, one more failure: never 3 in a row
    )
    assert [event.attempt for event in result.retries] == [1, 2, 1]
    assert [event.delay for event in result.retries] == [1.0, 2.0, 1.0]
    assert result.job("fc-1").state is JobState.SUCCEEDED


def test_jittered_retries_wait_exactly_the_delay_they_announce():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [Reply(500, "oops")] * 5 + [firecrawl_body("completed", 1, 1)]},
        rng=random.Random(1234),
    )
    delays = [event.delay for event in result.retries]
    assert len(delays) == 5
    for attempt, delay in enumerate(delays, start=1):
        assert 0.0 <= delay <= min(60.0, 2.0 ** (attempt - 1))
    assert gaps(result.script.times()) == pytest.approx(delays)


# --- what is retried ----------------------------------------------------------------------


RETRYABLE_FAILURES = {
    "http-429": Reply(429, {"error": "Rate limit exceeded"}),
    "http-500": Reply(500, {"error": "internal"}),
    "http-502": Reply(
        502, "<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"}
    ),
    "http-503": Reply(503, "Service Unavailable"),
    "http-504": Reply(504, "Gateway Timeout"),
    "connection-error": Reply(raises=httpx.ConnectError),
    "read-timeout": Reply(raises=httpx.ReadTimeout),
    "html-200": Reply(200, "<html><body>Please wait…</body></html>", {"Content-Type": "text/html"}),
    "empty-200": Reply(200, ""),
}


@pytest.mark.parametrize("failure", list(RETRYABLE_FAILURES), ids=list(RETRYABLE_FAILURES))
def test_transient_failures_are_retried(failure):
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [RETRYABLE_FAILURES[failure], firecrawl_body("completed", 5, 5)]},
    )
    assert result.script.times() == [0.0, 1.0]
    (retry,) = result.retries
    assert (retry.provider, retry.job_id, retry.attempt, retry.delay) == (
        "firecrawl",
        "fc-1",
        1,
        1.0,
    )
    assert retry.reason
    assert result.job("fc-1").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == 0


def test_html_200_retry_says_what_came_back():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [RETRYABLE_FAILURES["html-200"], firecrawl_body("completed", 5, 5)]},
    )
    (retry,) = result.retries
    assert "not a JSON object" in retry.reason
    assert "text/html" in retry.reason


@pytest.mark.parametrize("code", [4009, 4013, 5000])
def test_coze_retryable_codes_in_a_200_body_are_retried(code):
    group = JobGroup(Document(settings(), dataset_id="ds-1"), ["d1"])
    result = watch(
        [group],
        {"ds-1": [Reply(200, {"code": code, "msg": "busy"}), coze_body(("d1", 1, 100))]},
    )
    assert result.script.times() == [0.0, 1.0]
    (retry,) = result.retries
    assert retry.job_id == "d1"
    assert f"code {code}" in retry.reason
    assert result.job("d1").state is JobState.SUCCEEDED


def test_coze_4009_fixture_is_retried_and_honours_retry_after():
    group = JobGroup(Document(settings(), dataset_id="ds-1"), ["d1"])
    busy = Reply(
        200,
        fixture("coze", "error_4009_system_request_cap.json"),
        {"Content-Type": "application/json", "Retry-After": "12"},
    )
    result = watch([group], {"ds-1": [busy, coze_body(("d1", 1, 100))]})
    assert result.script.times() == [0.0, 12.0]
    assert [event.delay for event in result.retries] == [12.0]


def test_milvus_1807_rate_limit_in_a_200_body_is_retried():
    milvus = ImportJob(settings())  # no cluster id on a non-cloud URL: Milvus /describe
    result = watch(
        [JobGroup(milvus, ["job-1"])],
        {
            "job-1": [
                Reply(
                    200,
                    fixture("zilliz", "milvus_error_1807_rate_limited.json"),
                    {"Content-Type": "application/json"},
                ),
                zilliz_body("Completed", 100),
            ]
        },
    )
    assert result.script.calls[0].request.url.path == "/v2/vectordb/jobs/import/describe"
    assert result.script.times() == [0.0, 1.0]
    assert "1807" in result.retries[0].reason
    assert result.job("job-1").state is JobState.SUCCEEDED


# --- Retry-After and host blocks -----------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_obeyed(status):
    result = watch(
        [firecrawl_group("fc-1")],
        {
            "fc-1": [
                Reply(status, {"error": "wait"}, {"Retry-After": "7"}),
                firecrawl_body("completed"),
            ]
        },
    )
    assert result.script.times() == [0.0, 7.0]
    assert [event.delay for event in result.retries] == [7.0]


def test_retry_after_as_an_http_date_is_obeyed():
    # Retry-After dates are wall-clock dates: compared with the real time.
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    result = watch(
        [firecrawl_group("fc-1")],
        {
            "fc-1": [
                Reply(429, {"error": "wait"}, {"Retry-After": when}),
                firecrawl_body("completed"),
            ]
        },
    )
    (first, second) = result.script.times()
    # The header has whole seconds: the wait is 29 to 30 s, never the 1 s backoff.
    assert 28.5 <= second - first <= 30.0
    assert result.retries[0].delay == pytest.approx(second - first)


def test_firecrawl_retry_after_in_the_error_text_is_obeyed():
    result = watch(
        [firecrawl_group("fc-1")],
        {
            "fc-1": [
                Reply(
                    429,
                    fixture("firecrawl", "error_429_retry_after_in_text.json"),
                    {"Content-Type": "application/json"},
                ),
                firecrawl_body("completed"),
            ]
        },
    )
    assert result.script.times() == [0.0, 37.0]
    assert [event.delay for event in result.retries] == [37.0]
    assert "Rate limit exceeded" in result.retries[0].reason


def test_a_429_blocks_every_job_on_that_host_until_it_said():
    groups = [firecrawl_group("a", "b"), firecrawl_group("c", base_url="http://other.test")]
    result = watch(
        groups,
        {
            "a": [firecrawl_body(), Reply(429, {"error": "slow"}, {"Retry-After": "7"})]
            + [firecrawl_body()] * 3
            + [firecrawl_body("completed")],
            "b": [firecrawl_body()] * 6 + [firecrawl_body("completed")],
            "c": [firecrawl_body()] * 6 + [firecrawl_body("completed")],
        },
    )
    blocked_at = result.script.times("a")[1]
    assert blocked_at == 2.0
    sim_times = [call.at for call in result.script.calls if call.request.url.host == "sim.test"]
    # Nothing went to sim.test between the 429 and the time it asked for.
    assert not [t for t in sim_times if blocked_at < t < blocked_at + 7.0]
    # Both jobs on the blocked host resume when it allowed, not later.
    assert result.script.times("a")[2] == 9.0
    assert 9.0 in result.script.times("b")
    # The other host kept its 2 s rhythm.
    assert result.script.times("c")[:5] == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert all(job.state is JobState.SUCCEEDED for job in result.poller.jobs())


def test_a_429_without_retry_after_still_blocks_the_host_for_the_backoff():
    groups = [firecrawl_group("a", "b")]
    result = watch(
        groups,
        {
            "a": [Reply(429, {"error": "slow"})] * 3 + [firecrawl_body("completed")],
            "b": [firecrawl_body()] * 3 + [firecrawl_body("completed")],
        },
        interval=0.5,
    )
    # a's tries at 0, 1, 3, 7 (backoff 1, 2, 4); b may not slip in between a 429 and its end.
    assert result.script.times("a") == [0.0, 1.0, 3.0, 7.0]
    for start, end in [(0.0, 1.0), (1.0, 3.0), (3.0, 7.0)]:
        assert not [t for t in result.script.times("b") if start < t < end]


# --- giving up and errors that end a job -----------------------------------------------------


def test_max_retries_then_unknown_with_exit_3():
    result = watch(
        [firecrawl_group("fc-1")], {"fc-1": [Reply(503, {"error": "down"})]}, max_retries=2
    )
    assert result.script.times() == [0.0, 1.0, 3.0]  # 3 failed polls, then no more
    assert [(e.attempt, e.delay) for e in result.retries] == [(1, 1.0), (2, 2.0)]
    job = result.job("fc-1")
    assert job.state is JobState.UNKNOWN
    assert "gave up after 3 failed polls" in (job.message or "")
    assert "HTTP 503" in (job.message or "")
    assert result.poller.exit_code() == exitcodes.UNKNOWN
    assert not result.poller.timed_out


def test_giving_up_on_one_job_lets_the_others_finish():
    result = watch(
        [firecrawl_group("bad", "good")],
        {
            "bad": [Reply(raises=httpx.ConnectError)],
            "good": [firecrawl_body()] * 4 + [firecrawl_body("completed")],
        },
        max_retries=1,
    )
    assert result.job("bad").state is JobState.UNKNOWN
    assert result.job("good").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.UNKNOWN


@pytest.mark.parametrize(
    ("group", "key", "reply"),
    [
        (firecrawl_group("fc-1"), "fc-1", Reply(401, {"success": False, "error": "Unauthorized"})),
        (firecrawl_group("fc-1"), "fc-1", Reply(403, {"success": False, "error": "Forbidden"})),
        (
            JobGroup(Document(settings(), dataset_id="ds-1"), ["d1"]),
            "ds-1",
            Reply(200, {"code": 4100, "msg": "authentication is invalid"}),
        ),
        (
            JobGroup(ImportJob(settings(cluster_id="in01-abc")), ["job-1"]),
            "job-1",
            Reply(200, {"code": 80001, "message": "token is illegal"}),
        ),
        (JobGroup(Snapshot(settings()), ["s_1"]), "s_1", Reply(401, "Invalid credentials")),
    ],
    ids=["firecrawl-401", "firecrawl-403", "coze-4100", "zilliz-80001", "brightdata-401"],
)
def test_rejected_credentials_end_at_once_with_exit_4(group, key, reply):
    result = watch([group], {key: [reply, firecrawl_body("completed")]})
    assert len(result.script.calls) == 1
    assert result.retries == []
    (job,) = result.poller.jobs()
    assert job.state is JobState.UNKNOWN
    assert result.poller.exit_code() == exitcodes.CREDENTIALS
    assert result.clock.elapsed == 0.0


def test_not_found_ends_at_once_with_exit_3():
    result = watch(
        [firecrawl_group("fc-1")],
        {"fc-1": [Reply(404, {"success": False, "error": "Job not found"}), firecrawl_body()]},
    )
    assert len(result.script.calls) == 1
    assert result.retries == []
    job = result.job("fc-1")
    assert job.state is JobState.UNKNOWN
    assert "Job not found" in (job.message or "")
    assert result.poller.exit_code() == exitcodes.UNKNOWN


def test_a_coze_document_missing_from_the_answer_is_not_found():
    group = JobGroup(Document(settings(), dataset_id="ds-1"), ["d1", "d2"])
    result = watch(
        [group],
        {"ds-1": [coze_body(("d1", 0, 10)), coze_body(("d1", 1, 100))]},
    )
    assert result.job("d2").state is JobState.UNKNOWN
    assert result.job("d1").state is JobState.SUCCEEDED
    # d2 was asked about once; then only d1.
    bodies = [json.loads(call.request.content)["document_ids"] for call in result.script.calls]
    assert bodies == [["d1", "d2"], ["d1"]]
    assert result.poller.exit_code() == exitcodes.UNKNOWN


def test_exit_code_precedence_failed_beats_credentials_and_not_found():
    result = watch(
        [firecrawl_group("failed", "denied", "gone")],
        {
            "failed": [firecrawl_body("failed")],
            "denied": [Reply(401, {"error": "no"})],
            "gone": [Reply(404, {"error": "gone"})],
        },
    )
    assert result.poller.exit_code() == exitcodes.JOB_FAILED


# --- fail-fast ----------------------------------------------------------------------------


def fail_fast_groups():
    return [firecrawl_group("doomed", "slow")]


def fail_fast_replies():
    return {
        "doomed": [firecrawl_body(), firecrawl_body("failed", 3, 100)],
        # `slow` is in a long Retry-After wait when `doomed` fails.
        "slow": [
            Reply(503, {"error": "later"}, {"Retry-After": "50"}),
            firecrawl_body(),
            firecrawl_body("completed"),
        ],
    }


def test_fail_fast_stops_at_the_first_failed_job():
    result = watch(fail_fast_groups(), fail_fast_replies(), fail_fast=True)
    assert result.job("doomed").state is JobState.FAILED
    assert result.script.times("slow") == [0.0]  # never polled again
    # The watch ends when the job fails, not when the other job's wait is over.
    assert result.clock.elapsed == 2.0
    assert result.poller.exit_code() == exitcodes.JOB_FAILED
    # The failure itself was reported.
    assert [e.job.state for e in result.statuses if e.job.id == "doomed"][-1] is JobState.FAILED


def test_without_fail_fast_the_other_jobs_run_to_the_end():
    result = watch(fail_fast_groups(), fail_fast_replies())
    assert result.script.times("slow") == [0.0, 50.0, 52.0]
    assert result.job("slow").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.JOB_FAILED


def test_fail_fast_ignores_success():
    result = watch(
        [firecrawl_group("quick", "slow")],
        {
            "quick": [firecrawl_body("completed")],
            "slow": [firecrawl_body(), firecrawl_body("completed")],
        },
        fail_fast=True,
    )
    assert result.script.times("slow") == [0.0, 2.0]
    assert result.poller.exit_code() == 0


# --- unknown status words ------------------------------------------------------------------


def test_an_unknown_status_word_warns_once_and_counts_as_running():
    result = watch(
        [firecrawl_group("a", "b")],
        {
            "a": [firecrawl_body("thinking", 1, 10)] * 3 + [firecrawl_body("completed", 10, 10)],
            "b": [firecrawl_body("thinking", 2, 10), firecrawl_body("thinking", 5, 10)]
            + [firecrawl_body("completed", 10, 10)],
        },
    )
    (warning,) = result.warnings
    assert "'thinking'" in warning.text
    assert "treated as running" in warning.text
    thinking = [e.job for e in result.statuses if e.job.status == "thinking"]
    assert thinking and all(job.state is JobState.RUNNING for job in thinking)
    assert result.poller.exit_code() == 0


def test_the_unknown_word_warning_comes_before_its_status():
    result = watch(
        [JobGroup(Snapshot(settings()), ["s_1"])],
        {"s_1": [brightdata_body("ruminating"), brightdata_body("ready")]},
    )
    kinds = [type(event).__name__ for event in result.events]
    assert kinds == ["WarningEvent", "StatusEvent", "StatusEvent"]
    assert result.statuses[0].job.status == "ruminating"


def test_fake_clock_overlaps_concurrent_sleeps():
    # The harness itself: two jobs sleeping 2 s at once take 2 s, not 4.
    result = watch(
        [firecrawl_group("a", "b")],
        {"a": [firecrawl_body(), firecrawl_body("completed")], "b": [firecrawl_body("completed")]},
        clock=FakeClock(start=0.0),
    )
    assert result.clock.elapsed == 2.0
