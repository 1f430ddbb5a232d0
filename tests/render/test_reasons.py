"""The lines after the last frame or summary (jobwatch/render/reasons.py): one per job that
ended badly, with its whole reason, and its files' reasons under it."""

from __future__ import annotations

from jobwatch.core.models import Item, JobState, JobStatus
from jobwatch.render.reasons import end_lines
from tests.render._support import brightdata, coze, firecrawl, zilliz

LONG = (
    "failed to parse file: row 1842: the field 'vector' has 767 dimensions, the collection "
    "expects 768 (file s3://bucket/imports/2026-11/part-00017.parquet)"
)


def failed_zilliz() -> JobStatus:
    return zilliz().replace(state=JobState.FAILED, status="Failed", message=LONG)


def test_each_failed_cancelled_or_unknown_job_gets_one_line_with_its_whole_reason():
    jobs = [
        firecrawl(100, 100, "completed", JobState.SUCCEEDED),
        failed_zilliz(),
        brightdata("canceled", JobState.CANCELLED).replace(message=None),
        firecrawl(job_id="gone", state=JobState.UNKNOWN).replace(
            message="firecrawl: HTTP 404: Job not found", error_exit_code=3
        ),
        coze(),
    ]
    assert list(end_lines(jobs)) == [
        (f"zilliz job-0123456789 failed (Failed): {LONG}", "red"),
        ("  b.parquet — schema mismatch", "red"),
        ("brightdata s_m4x7enmven8djfqak cancelled (canceled)", "yellow"),
        ("jobwatch: error: firecrawl gone: HTTP 404: Job not found", "red"),
    ]


def test_errors_only_keeps_the_lines_about_jobs_whose_state_is_unknown():
    unknown = brightdata(state=JobState.UNKNOWN).replace(
        message="brightdata: HTTP 401: bad key", error_exit_code=4
    )
    assert list(end_lines([failed_zilliz(), unknown], errors_only=True)) == [
        ("jobwatch: error: brightdata s_m4x7enmven8djfqak: HTTP 401: bad key", "red")
    ]


def test_jobs_not_read_by_the_deadline_get_no_line():
    for state in (JobState.UNKNOWN, JobState.PENDING):
        waiting = JobStatus(
            provider="brightdata",
            id="s_1",
            state=state,
            status="not read yet",
            message="no answer yet",
            error_exit_code=124,
        )
        assert list(end_lines([waiting])) == []


def test_a_stalled_job_gets_a_line_too():
    stalled = firecrawl().replace(state=JobState.STALLED, message="no progress for 10m00s")
    assert list(end_lines([stalled])) == [
        (
            "firecrawl 1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b stalled (scraping): "
            "no progress for 10m00s",
            "bright_yellow",
        )
    ]


def test_file_reasons_of_a_failed_job_follow_it_but_finished_files_without_one_do_not():
    job = failed_zilliz().replace(
        items=[
            Item(name="ok.parquet", state=JobState.SUCCEEDED, status="Completed"),
            Item(name="x.parquet", state=JobState.FAILED, status="Failed"),
        ]
    )
    assert [line for line, _ in end_lines([job])][1:] == ["  x.parquet — Failed"]
