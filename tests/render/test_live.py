"""The live view (jobwatch/render/live.py), rendered frame by frame with a fixed clock."""

from __future__ import annotations

import io

from rich.console import Console

from jobwatch.models import JobState, JobStatus
from jobwatch.poll import RetryEvent, StatusEvent, WarningEvent
from jobwatch.render.live import REFRESH_PER_SECOND, LiveReporter, LiveView

from ._support import FC_ID, Clock, brightdata, coze, firecrawl, output, plain_console, zilliz

SHORT_FC = "1e2a3b4c-5d…c1d2e3f4a5b"


def frame(view: LiveView, width: int = 100, console: Console | None = None) -> list[str]:
    console = console or plain_console(width)
    console.print(view)
    return [line.rstrip() for line in output(console).splitlines()]


def row(lines: list[str], start: str) -> list[str]:
    (found,) = [line for line in lines if line.startswith(start)]
    return found.split()


def watched(clock: Clock, *jobs: JobStatus, height: int = 40) -> LiveView:
    view = LiveView(clock, lambda: height)
    view.set_jobs(jobs)
    for job in jobs:
        view.update(job)
    return view


def test_a_row_shows_provider_short_id_status_bar_counts_percent_elapsed_and_eta():
    clock = Clock(0.0)
    view = watched(clock, firecrawl(10))
    clock.now = 10.0
    view.update(firecrawl(30))  # 2 pages/s: 70 pages to go
    clock.now = 15.0
    (line,) = frame(view)
    assert line.split() == [
        "firecrawl",
        SHORT_FC,
        "scraping",
        "━" * 7,  # 30% of a 24-wide bar
        "30/100",
        "pages",
        "30%",
        "15s",
        "eta",
        "30s",
    ]


def test_the_id_is_shortened_but_keeps_both_ends():
    view = watched(Clock(), firecrawl(10))
    (line,) = frame(view)
    assert FC_ID not in line
    assert SHORT_FC in line


def test_a_finished_job_keeps_its_elapsed_time_and_drops_the_eta():
    clock = Clock(0.0)
    view = watched(clock, firecrawl(10))
    clock.now = 10.0
    view.update(firecrawl(30))
    clock.now = 42.0
    view.update(firecrawl(100, 100, "completed", JobState.SUCCEEDED))
    clock.now = 300.0
    (line,) = frame(view)
    assert line.split() == [
        "firecrawl",
        SHORT_FC,
        "completed",
        "━" * 24,
        "100/100",
        "pages",
        "100%",
        "42s",
    ]


def test_every_kind_of_row_with_item_rows_indented():
    clock = Clock(0.0)
    view = watched(clock, firecrawl(10), brightdata(), zilliz(), coze(eta=30.0))
    clock.now = 10.0
    view.update(firecrawl(30))
    clock.now = 15.0
    lines = frame(view)
    assert len(lines) == 6
    assert row(lines, "firecrawl")[-6:] == ["30/100", "pages", "30%", "15s", "eta", "30s"]
    # No numbers from Bright Data: a bar, no counts, no percent, no ETA.
    assert row(lines, "brightdata")[:3] == ["brightdata", "s_m4x7enmven8djfqak", "running"]
    assert row(lines, "brightdata")[-1] == "15s"
    assert row(lines, "zilliz")[-2:] == ["45%", "15s"]
    # Zilliz files: indented rows under their job, in order.
    zilliz_at = next(i for i, line in enumerate(lines) if line.startswith("zilliz"))
    assert lines[zilliz_at + 1].startswith("   ")
    assert lines[zilliz_at + 1].split()[:3] == ["└", "a.parquet", "Importing"]
    assert lines[zilliz_at + 1].split()[-1] == "45%"
    assert lines[zilliz_at + 2].split()[:3] == ["└", "b.parquet", "Failed"]
    assert "schema mi" in lines[zilliz_at + 2]
    # Coze: the dataset and the document, and Coze's own remaining_time (30 s, 15 s ago).
    coze_row = row(lines, "coze")
    assert coze_row[1].endswith("/7442585813587689472")
    assert coze_row[2] == "processing"
    assert coze_row[-4:] == ["40%", "15s", "eta", "15s"]


def test_coze_remaining_time_wins_over_our_rate():
    clock = Clock(0.0)
    view = watched(clock, coze(progress=0.1, eta=None))
    clock.now = 10.0
    view.update(coze(progress=0.2, eta=100.0))  # our rate would say 80 s
    assert row(frame(view), "coze")[-2:] == ["eta", "1m40s"]
    clock.now = 40.0
    assert row(frame(view), "coze")[-2:] == ["eta", "1m10s"]


def test_a_growing_total_keeps_an_eta():
    clock = Clock(0.0)
    view = watched(clock, firecrawl(10, 100))
    clock.now = 10.0
    view.update(firecrawl(20, 200))
    assert row(frame(view), "firecrawl")[-6:] == ["20/200", "pages", "10%", "10s", "eta", "3m00s"]


def test_a_job_not_read_yet_shows_an_ellipsis_and_no_eta():
    clock = Clock()
    waiting = JobStatus(
        provider="brightdata",
        id="s_1",
        state=JobState.UNKNOWN,
        status="not read yet",
        message="no answer yet",
    )
    view = LiveView(clock, lambda: 40)
    view.set_jobs([waiting])
    (line,) = frame(view)
    assert line.split()[:3] == ["brightdata", "s_1", "…"]
    assert "eta" not in line


def colour_frame(view: LiveView, clock: Clock, at: float) -> str:
    clock.now = at
    console = Console(file=io.StringIO(), width=100, color_system="truecolor")
    console.print(view)
    return output(console)


def test_pulsing_bar_where_the_provider_gives_no_numbers():
    clock = Clock(0.0)
    pulsing = watched(clock, brightdata())
    still = watched(clock, firecrawl(40))
    # Same second, so the elapsed column reads the same: only a pulse can differ.
    assert colour_frame(pulsing, clock, 0.3) != colour_frame(pulsing, clock, 0.8)
    assert colour_frame(still, clock, 0.3) == colour_frame(still, clock, 0.8)


def test_retry_note_and_warnings_show():
    clock = Clock()
    view = watched(clock, brightdata())
    view.note_retry(RetryEvent("brightdata", "s_m4x7enmven8djfqak", 2, 4.0, "HTTP 503"))
    view.warnings.append("brightdata: unknown status word 'x', treated as running")
    lines = frame(view, width=120)
    assert lines[0].endswith("retry 2 in 4s: HTTP 503")
    assert lines[1] == "warning: brightdata: unknown status word 'x', treated as running"
    view.update(brightdata("collecting"))  # a new answer clears the note
    assert "retry" not in frame(view, width=120)[0]


def test_narrow_terminal_keeps_the_numbers_and_one_line_per_row():
    clock = Clock(0.0)
    view = watched(clock, firecrawl(10), brightdata(), zilliz(), coze(eta=30.0))
    clock.now = 10.0
    view.update(firecrawl(30))
    view.note_retry(
        RetryEvent("brightdata", "s_m4x7enmven8djfqak", 3, 8.0, "HTTP 503: " + "x" * 80)
    )
    clock.now = 15.0
    for width in (80, 100):
        lines = frame(view, width=width)
        assert len(lines) == 6, lines  # a long message does not wrap a row
        assert all(len(line) <= width for line in lines)
        assert row(lines, "firecrawl")[:3] == ["firecrawl", SHORT_FC, "scraping"]
        assert row(lines, "firecrawl")[-6:] == ["30/100", "pages", "30%", "15s", "eta", "30s"]
        assert row(lines, "coze")[-4:] == ["40%", "15s", "eta", "15s"]
        assert row(lines, "zilliz")[-2:] == ["45%", "15s"]


def test_summary_line_when_the_rows_do_not_fit():
    clock = Clock(0.0)
    done = [
        firecrawl(100, 100, "completed", JobState.SUCCEEDED, job_id=f"done-{n:02d}")
        for n in range(16)
    ]
    view = watched(clock, *done, height=10)
    clock.now = 95.0
    active = [firecrawl(5 * n, 100, job_id=f"busy-{n}") for n in range(1, 4)]
    failed = brightdata("failed", JobState.FAILED)
    view.set_jobs([*active, failed])
    for job in [*active, failed]:
        view.update(job)
    clock.now = 100.0
    lines = frame(view)
    assert len(lines) <= 10
    assert lines[0] == "20 jobs: 3 running  16 succeeded  1 failed  (16 not shown)"
    shown = [line.split()[1] for line in lines[1:]]
    assert shown == ["busy-1", "busy-2", "busy-3", "s_m4x7enmven8djfqak"]


def test_everything_shows_when_it_fits():
    clock = Clock(0.0)
    jobs = [firecrawl(10, job_id=f"job-{n}") for n in range(6)]
    view = watched(clock, *jobs, height=10)
    lines = frame(view)
    assert [line.split()[1] for line in lines] == [f"job-{n}" for n in range(6)]
    assert "not shown" not in "\n".join(lines)


def test_recently_finished_jobs_stay_visible_for_a_while():
    clock = Clock(0.0)
    view = watched(clock, *[firecrawl(10, job_id=f"busy-{n}") for n in range(8)], height=10)
    clock.now = 50.0
    view.update(firecrawl(100, 100, "completed", JobState.SUCCEEDED, job_id="busy-0"))
    lines = frame(view)
    assert lines[0].startswith("8 jobs: 7 running  1 succeeded")
    assert lines[1].split()[1] == "busy-0"


def test_events_do_not_redraw_only_the_timer_does():
    stream = io.StringIO()
    console = Console(file=stream, width=100, force_terminal=True, color_system=None)
    reporter = LiveReporter(console, Clock())
    for completed in range(100):
        reporter.on_event(StatusEvent(firecrawl(completed)))
    reporter.on_event(RetryEvent("firecrawl", FC_ID, 1, 1.0, "HTTP 503"))
    reporter.on_event(WarningEvent("something odd"))
    assert stream.getvalue() == ""
    assert REFRESH_PER_SECOND <= 4
    assert reporter.live.refresh_per_second == REFRESH_PER_SECOND
    assert reporter.view.jobs[("firecrawl", None, FC_ID)].completed == 99
    assert reporter.view.warnings == ["something odd"]


def test_the_last_frame_stays_on_screen():
    stream = io.StringIO()
    console = Console(file=stream, width=100, force_terminal=True, color_system=None)
    reporter = LiveReporter(console, Clock())
    reporter.start([firecrawl(10)])
    reporter.finish([firecrawl(100, 100, "completed", JobState.SUCCEEDED)], 0, False)
    text = stream.getvalue()
    # Not transient: the final frame is the last thing drawn, and nothing erases it.
    final = text.rsplit("\x1b[2K", 1)[-1]
    assert "completed" in final
    assert "100/100 pages" in final
    assert final.rstrip().endswith("(exit code 0)")
