"""Beyond the status word, in the watch loop on virtual time (PRODUCT.md section 8): stalled
jobs (--stall-timeout), "not found" that is "not created yet" (--wait-for-start), successes
short of --min-completed / --min-success, and the errors of an ended job read once."""

from __future__ import annotations

import pytest

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.brightdata import Snapshot
from jobwatch.providers.coze import Document
from jobwatch.providers.firecrawl import BatchScrape, Crawl
from jobwatch.providers.zilliz import ImportJob
from tests.watchkit import (
    Reply,
    brightdata_body,
    coze_body,
    firecrawl_body,
    settings,
    watch,
)

NOT_FOUND = Reply(404, {"success": False, "error": "Job not found"})
EXPIRED = Reply(404, {"success": False, "error": "Job expired"})
ERRORS = Reply(
    200,
    {
        "errors": [
            {"id": f"e{n}", "url": f"https://x.example/{n}", "code": "SCRAPE_SITE_ERROR",
             "error": f"reset {n}"}
            for n in range(28)
        ],
        "robotsBlocked": ["https://x.example/private/"],
    },
)  # fmt: skip


def firecrawl(*ids: str, crawl: bool = False) -> JobGroup:
    return JobGroup((Crawl if crawl else BatchScrape)(settings()), list(ids))


def paths(result) -> list[str]:  # noqa: ANN001
    return [call.request.url.path for call in result.script.calls]


# --- stalled ----------------------------------------------------------------------------------


def test_a_job_unchanged_for_the_stall_timeout_ends_stalled_exit_5():
    result = watch(
        [firecrawl("fc")], {"fc": [firecrawl_body("scraping", 16, 40)]}, stall_timeout=20
    )
    job = result.job("fc")
    assert job.state is JobState.STALLED
    assert job.status == "scraping"  # the provider's word is kept
    assert (job.completed, job.total) == (16, 40)
    # Polled every 2 s: first seen at 0, stalled at the first poll 20 s later.
    assert result.script.times() == [2.0 * n for n in range(11)]
    first = result.statuses[0].job
    assert job.extra["stalled_since"] == first.checked_at
    assert job.message == f"no change since {first.checked_at[11:19]} UTC (for 20s)"
    assert [event.job.state for event in result.statuses] == [JobState.RUNNING, JobState.STALLED]
    assert result.poller.exit_code() == exitcodes.STALLED


def test_any_change_of_counts_restarts_the_stall_clock():
    bodies = [firecrawl_body("scraping", 10, 40)] * 5 + [firecrawl_body("scraping", 11, 40)] * 20
    result = watch([firecrawl("fc")], {"fc": bodies}, stall_timeout=10)
    # 10 pages at 0-8 s, 11 from 10 s: stalled at 20 s, not at 8 s.
    assert result.clock.elapsed == 20.0
    assert result.job("fc").state is JobState.STALLED


def test_a_moving_file_is_a_change_though_the_job_progress_stands_still():
    moving = [
        Reply(body={"code": 0, "data": {"state": "Importing", "progress": 45, "details": [
            {"fileName": "a.parquet", "state": "InProgress", "progress": 45 + n}]}})
        for n in range(30)
    ]  # fmt: skip
    group = JobGroup(ImportJob(settings(cluster_id="in01-abc")), ["job-1"])
    result = watch([group], {"job-1": moving}, stall_timeout=30, budget=100)
    assert result.job("job-1").state is JobState.RUNNING
    assert result.poller.exit_code() == exitcodes.TIMEOUT


def test_a_new_status_word_is_a_change():
    bodies = [brightdata_body("starting")] * 3 + [brightdata_body("running")]
    group = JobGroup(Snapshot(settings()), ["s_1"])
    result = watch([group], {"s_1": bodies}, stall_timeout=20)
    # `starting` at 0-20 s (stalls at 20 s: the third poll)...
    assert result.clock.elapsed == 20.0
    assert result.job("s_1").status == "starting"
    result = watch([group], {"s_1": bodies[1:]}, stall_timeout=20)
    # ... `running` from 20 s: stalled at 40 s.
    assert result.clock.elapsed == 40.0
    assert result.job("s_1").status == "running"


def test_brightdata_counts_only_its_status_word():
    bodies = [Reply(body={"status": "running", "records": n, "errors": 0}) for n in range(1, 40)]
    result = watch([JobGroup(Snapshot(settings()), ["s_1"])], {"s_1": bodies}, stall_timeout=30)
    assert result.job("s_1").state is JobState.STALLED
    assert result.clock.elapsed == 30.0


def test_no_stall_in_a_one_off_check():
    result = watch(
        [firecrawl("fc")],
        {"fc": [firecrawl_body("scraping")]},
        until_terminal=False,
        stall_timeout=0.001,
    )
    assert result.job("fc").state is JobState.RUNNING


def test_a_stalled_job_ends_alone_and_the_others_go_on():
    result = watch(
        [firecrawl("stuck", "moving")],
        {
            "stuck": [firecrawl_body("scraping", 1, 10)],
            "moving": [firecrawl_body("scraping", n, 100) for n in range(20)]
            + [firecrawl_body("completed", 100, 100)],
        },
        stall_timeout=6,
    )
    assert result.job("stuck").state is JobState.STALLED
    assert result.job("moving").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.STALLED
    assert paths(result).count("/v2/batch/scrape/stuck") == 4  # 0, 2, 4, 6 s


# --- not created yet -------------------------------------------------------------------------


def test_not_found_inside_the_window_is_pending_not_found_yet():
    result = watch(
        [firecrawl("late")],
        {"late": [NOT_FOUND, NOT_FOUND, firecrawl_body("scraping"), firecrawl_body("completed")]},
        wait_for_start=30,
    )
    first = result.statuses[0].job
    assert (first.state, first.status) == (JobState.PENDING, "not found yet")
    assert "Job not found" in first.message and "--wait-for-start 30s" in first.message
    # Polled again at the normal interval; the two answers are one change.
    assert result.script.times() == [0.0, 2.0, 4.0, 6.0]
    assert [e.job.status for e in result.statuses] == ["not found yet", "scraping", "completed"]
    assert result.poller.exit_code() == exitcodes.SUCCESS
    assert not result.warnings  # `not found yet` is ours, not an unknown provider word


def test_not_found_after_the_window_ends_unknown_exit_3():
    result = watch([firecrawl("gone")], {"gone": [NOT_FOUND]}, wait_for_start=5)
    job = result.job("gone")
    assert job.state is JobState.UNKNOWN
    assert result.script.times() == [0.0, 2.0, 4.0, 6.0]
    assert job.message.endswith("(still not found after --wait-for-start 5s)")
    assert result.poller.exit_code() == exitcodes.UNKNOWN


def test_without_a_window_not_found_ends_at_once():
    result = watch([firecrawl("gone")], {"gone": [NOT_FOUND]}, wait_for_start=0)
    assert result.script.times() == [0.0]
    assert result.job("gone").message == "firecrawl: HTTP 404: Job not found"


def test_an_expired_job_is_never_waited_for():
    result = watch([firecrawl("old")], {"old": [EXPIRED]}, wait_for_start=30)
    assert result.script.times() == [0.0]
    assert result.poller.exit_code() == exitcodes.UNKNOWN


def test_a_one_off_check_with_a_window_polls_again_until_found():
    result = watch(
        [firecrawl("late")],
        {"late": [NOT_FOUND, NOT_FOUND, firecrawl_body("scraping")]},
        until_terminal=False,
        wait_for_start=10,
    )
    assert result.script.times() == [0.0, 2.0, 4.0]
    assert result.job("late").state is JobState.RUNNING


def test_a_coze_document_not_there_yet_waits_while_its_sibling_is_read():
    group = JobGroup(Document(settings(), dataset_id="ds"), ["d1", "d2"])
    result = watch(
        [group],
        {"ds": [coze_body(("d1", 0, 10)), coze_body(("d1", 1, 100), ("d2", 1, 100))]},
        wait_for_start=30,
    )
    first_d2 = next(e.job for e in result.statuses if e.job.id == "d2")
    assert first_d2.status == "not found yet" and first_d2.scope == "ds"
    assert result.job("d2").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.SUCCESS


# --- gates ------------------------------------------------------------------------------------

FC_ERRORS_PATH = "/v2/batch/scrape/fc/errors"


def test_min_success_fails_a_short_success_keeping_the_word_and_reads_errors():
    result = watch(
        [firecrawl("fc")],
        {"fc": [firecrawl_body("completed", 12, 40)], "fc/errors": [ERRORS]},
        min_success=0.95,
    )
    job = result.job("fc")
    assert (job.state, job.status) == (JobState.FAILED, "completed")
    assert job.message == "12 of 40 pages (30 %) < --min-success 0.95"
    assert job.extra["errors_total"] == 28 and len(job.extra["errors"]) == 20
    assert job.extra["errors"][0] == {
        "url": "https://x.example/0",
        "error": "reset 0",
        "code": "SCRAPE_SITE_ERROR",
    }
    assert job.extra["robots_blocked"] == ["https://x.example/private/"]
    assert paths(result) == ["/v2/batch/scrape/fc", FC_ERRORS_PATH]  # once
    # One status event for the end, with the errors in it.
    assert result.statuses[-1].job.extra["errors_total"] == 28
    assert result.poller.exit_code() == exitcodes.JOB_FAILED


@pytest.mark.parametrize(
    ("done", "total", "gates", "message"),
    [
        (12, 40, {"min_completed": 20}, "12 pages < --min-completed 20"),
        (0, 0, {"min_success": 0.5}, "0 of 0 pages (0 %) < --min-success 0.5"),
        (379, 400, {"min_success": 0.95}, "379 of 400 pages (94.7 %) < --min-success 0.95"),
        (
            5,
            40,
            {"min_completed": 20, "min_success": 0.9},
            "5 pages < --min-completed 20; 5 of 40 pages (12.5 %) < --min-success 0.9",
        ),
        (38, 40, {"min_success": 0.95, "min_completed": 38}, None),
    ],
)
def test_gate_messages_say_by_how_much(done, total, gates, message):
    replies = {"fc": [firecrawl_body("completed", done, total)], "fc/errors": [ERRORS]}
    result = watch([firecrawl("fc")], replies, **gates)
    job = result.job("fc")
    assert job.message == message
    assert job.state is (JobState.SUCCEEDED if message is None else JobState.FAILED)


def test_zilliz_without_rows_is_judged_by_its_files():
    body = Reply(
        body={
            "code": 0,
            "data": {
                "state": "Completed",
                "progress": 100,
                "details": [
                    {"fileName": "a.parquet", "state": "Completed", "progress": 100},
                    {"fileName": "b.parquet", "state": "Failed", "progress": 0, "reason": "bad"},
                ],
            },
        }
    )
    group = JobGroup(ImportJob(settings(cluster_id="in01-abc")), ["job-1"])
    result = watch([group], {"job-1": [body]}, min_success=0.9)
    job = result.job("job-1")
    assert job.state is JobState.FAILED
    assert job.message == "1 of 2 files (50 %) < --min-success 0.9"


def test_jobs_without_counts_are_not_judged():
    result = watch(
        [JobGroup(Snapshot(settings()), ["s_1"])],
        {"s_1": [brightdata_body("ready")]},
        min_success=0.99,
        min_completed=5,
    )
    assert result.job("s_1").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.SUCCESS


# --- errors read once -------------------------------------------------------------------------


def test_a_complete_success_reads_no_errors():
    result = watch([firecrawl("fc")], {"fc": [firecrawl_body("completed", 40, 40)]})
    assert paths(result) == ["/v2/batch/scrape/fc"]


def test_a_success_short_of_its_total_reads_errors_but_still_succeeds():
    result = watch(
        [firecrawl("fc", crawl=True)],
        {"fc": [firecrawl_body("completed", 12, 40)], "fc/errors": [ERRORS]},
    )
    assert paths(result) == ["/v2/crawl/fc", "/v2/crawl/fc/errors"]
    assert result.job("fc").state is JobState.SUCCEEDED
    assert result.job("fc").extra["errors_total"] == 28


@pytest.mark.parametrize(
    "answer",
    [
        Reply(500, {"error": "An unexpected error occurred on the server."}),
        Reply(200, "<html>proxy</html>", {"Content-Type": "text/html"}),
        Reply(200, {"no": "errors"}),
    ],
    ids=["500", "html", "shape"],
)
def test_errors_that_cannot_be_read_never_change_the_outcome(answer):
    body = Reply(body={"success": True, "status": "failed", "error": "crawl failed"})
    result = watch([firecrawl("fc")], {"fc": [body], "fc/errors": [answer]}, max_retries=5)
    job = result.job("fc")
    assert (job.state, job.message) == (JobState.FAILED, "crawl failed")
    assert "errors_unavailable" in job.extra
    assert paths(result).count(FC_ERRORS_PATH) == 1  # never retried
    assert result.poller.exit_code() == exitcodes.JOB_FAILED


def test_a_cancelled_job_reads_its_errors_too():
    body = Reply(body={"success": True, "status": "cancelled", "completed": 3, "total": 40})
    result = watch([firecrawl("fc")], {"fc": [body], "fc/errors": [ERRORS]})
    job = result.job("fc")
    assert job.state is JobState.CANCELLED
    assert paths(result) == ["/v2/batch/scrape/fc", FC_ERRORS_PATH]
    assert job.extra["errors_total"] == 28
