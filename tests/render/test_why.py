"""Why a job ended (jobwatch/render/reasons.py): the lines printed after the final frame or
summary, in the GitHub step summary and in the `::error` annotation (PRODUCT.md section 8)."""

from __future__ import annotations

import io

from jobwatch.core.models import Item, JobState
from jobwatch.render import ci, reasons
from tests.render._support import FC_ID, brightdata, coze, firecrawl, zilliz

ERRORS = [
    {"url": f"https://x.example/{n}", "error": f"reset {n}", "code": "SCRAPE_SITE_ERROR"}
    for n in range(20)
]
ERRORS[1]["code"] = None


def report(jobs, exit_code, env, commands):
    """The end of a run in GitHub Actions, as session/run.py reports it."""
    files = ci.Files.of({"GITHUB_ACTIONS": "true", **env}, None, None)
    ci.report_run(jobs, exit_code, files, commands)


def short_crawl():  # noqa: ANN201 - JobStatus
    return firecrawl(12, 40, "completed", JobState.FAILED).replace(
        message="12 of 40 pages (30 %) < --min-success 0.95",
        extra={
            "errors": ERRORS,
            "errors_total": 28,
            "robots_blocked": ["https://x.example/private/"],
            "robots_blocked_total": 1,
        },
    )


def test_a_short_crawl_gets_its_reason_and_its_first_five_errors():
    assert reasons.reason_lines(short_crawl()) == [
        f"firecrawl {FC_ID} failed (completed): 12 of 40 pages (30 %) < --min-success 0.95",
        "  https://x.example/0 — reset 0 (SCRAPE_SITE_ERROR)",
        "  https://x.example/1 — reset 1",
        "  https://x.example/2 — reset 2 (SCRAPE_SITE_ERROR)",
        "  https://x.example/3 — reset 3 (SCRAPE_SITE_ERROR)",
        "  https://x.example/4 — reset 4 (SCRAPE_SITE_ERROR)",
        "  … and 23 more errors",
        "  blocked by robots.txt: https://x.example/private/",
    ]


def test_a_success_with_failed_pages_says_how_many():
    job = firecrawl(38, 40, "completed", JobState.SUCCEEDED).replace(
        extra={"errors": ERRORS[:2], "errors_total": 2}
    )
    assert reasons.reason_lines(job) == [
        f"firecrawl {FC_ID} succeeded (completed): 2 pages failed",
        "  https://x.example/0 — reset 0 (SCRAPE_SITE_ERROR)",
        "  https://x.example/1 — reset 1",
    ]


def test_a_clean_success_and_a_running_job_have_no_reason():
    assert reasons.reason_lines(firecrawl(40, 40, "completed", JobState.SUCCEEDED)) == []
    assert reasons.reason_lines(firecrawl()) == []


def test_errors_that_could_not_be_read_are_said_so():
    job = firecrawl(1, 4, "failed", JobState.FAILED).replace(
        message="boom", extra={"errors_unavailable": "firecrawl: HTTP 500: x"}
    )
    assert reasons.detail_lines(job) == ["  (its errors could not be read: firecrawl: HTTP 500: x)"]


def test_zilliz_files_coze_and_brightdata_reasons_in_the_same_style():
    failed = zilliz().replace(state=JobState.FAILED, status="Failed", message="import failed")
    assert reasons.reason_lines(failed) == [
        "zilliz job-0123456789 failed (Failed): import failed",
        "  b.parquet — schema mismatch",
    ]
    document = coze().replace(state=JobState.FAILED, status="failed", message="文件解析失败")
    assert reasons.reason_lines(document) == [
        "coze 7442585813587689999/7442585813587689472 failed: 文件解析失败"
    ]
    snapshot = brightdata("failed", JobState.FAILED).replace(message="No data found in discovery")
    assert reasons.reason_lines(snapshot) == [
        "brightdata s_m4x7enmven8djfqak failed: No data found in discovery"
    ]


def test_many_failed_files_are_cut_at_five():
    items = [
        Item(name=f"f{n}.parquet", state=JobState.FAILED, status="Failed", message="bad row")
        for n in range(8)
    ]
    job = zilliz().replace(state=JobState.FAILED, items=items)
    details = reasons.detail_lines(job)
    assert details[:5] == [f"  f{n}.parquet — bad row" for n in range(5)]
    assert details[5:] == ["  … and 3 more files"]


def test_a_stalled_job_says_since_when():
    job = firecrawl(16, 40, "scraping", JobState.STALLED).replace(
        message="no change since 12:03:04 UTC (for 20m00s)"
    )
    assert reasons.reason_lines(job) == [
        f"firecrawl {FC_ID} stalled (scraping): no change since 12:03:04 UTC (for 20m00s)"
    ]


def test_the_unjudged_note_names_the_jobs_once():
    ready = brightdata("ready", JobState.SUCCEEDED)
    counted = firecrawl(40, 40, "completed", JobState.SUCCEEDED)
    assert reasons.unjudged_note([ready, counted], None, None) is None
    assert reasons.unjudged_note([counted], None, 0.9) is None
    assert reasons.unjudged_note([ready, counted], 3, 0.9) == (
        "note: 1 succeeded job has no counts, so --min-completed and --min-success did not "
        "judge it: brightdata s_m4x7enmven8djfqak"
    )


def test_github_annotation_and_step_summary_carry_the_first_errors(tmp_path):
    summary = tmp_path / "summary.md"
    commands = io.StringIO()
    report([short_crawl()], 1, {"GITHUB_STEP_SUMMARY": str(summary)}, commands)
    (annotation,) = commands.getvalue().splitlines()
    assert annotation == (
        f"::error title=jobwatch%3A firecrawl {FC_ID} failed::12 of 40 pages (30 %25) < "
        "--min-success 0.95%0Ahttps://x.example/0 — reset 0 (SCRAPE_SITE_ERROR)"
        "%0Ahttps://x.example/1 — reset 1"
        "%0Ahttps://x.example/2 — reset 2 (SCRAPE_SITE_ERROR)"
        "%0Ahttps://x.example/3 — reset 3 (SCRAPE_SITE_ERROR)"
        "%0Ahttps://x.example/4 — reset 4 (SCRAPE_SITE_ERROR)"
        "%0A… and 23 more errors%0Ablocked by robots.txt: https://x.example/private/"
    )
    text = summary.read_text(encoding="utf-8")
    assert (
        f"\n**firecrawl {FC_ID}**\n\n- https://x.example/0 — reset 0 (SCRAPE\\_SITE\\_ERROR)\n"
        in text
    )
    assert "- … and 23 more errors\n" in text


def test_github_annotates_a_stalled_job_and_says_stalled(tmp_path):
    outputs = tmp_path / "out"
    commands = io.StringIO()
    job = firecrawl(16, 40, "scraping", JobState.STALLED).replace(
        message="no change since 12:03:04 UTC (for 20s)"
    )
    report([job], 5, {"GITHUB_OUTPUT": str(outputs)}, commands)
    assert commands.getvalue() == (
        f"::error title=jobwatch%3A firecrawl {FC_ID} stalled::"
        "no change since 12:03:04 UTC (for 20s)\n"
    )
    assert outputs.read_text(encoding="utf-8") == "state=stalled\nexit_code=5\n"
