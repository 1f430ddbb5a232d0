"""The live view (jobwatch/render/live.py), rendered frame by frame with a fixed clock."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from jobwatch.core.events import RetryEvent, StatusEvent, WarningEvent
from jobwatch.core.models import JobState, JobStatus
from jobwatch.render.live import REFRESH_PER_SECOND, LiveReporter, LiveView
from jobwatch.session.watch import TICK_SECONDS
from tests.render._support import (
    FC_ID,
    Clock,
    brightdata,
    coze,
    firecrawl,
    output,
    plain_console,
    zilliz,
)

SHORT_FC = "1e2a3b4c-5d6…c1d2e3f4a5b"
REASON = "failed to parse file: row 1842: the field 'vector' has 767 dimensions"


def frame(view: LiveView, width: int = 100, console: Console | None = None) -> list[str]:
    console = console or plain_console(width)
    console.print(view)
    return [line.rstrip() for line in output(console).splitlines()]


def table(view: LiveView, width: int = 100) -> list[str]:
    """The frame without its count line."""
    count, *rows = frame(view, width)
    assert count.startswith("[+] "), count
    return rows


def row(lines: list[str], start: str) -> list[str]:
    (found,) = [line for line in lines if line.startswith(start)]
    return found.split()


def unread(job_id: str, state: JobState = JobState.UNKNOWN) -> JobStatus:
    """The poller's placeholder for a job not read yet (jobwatch/poll.py `_not_read`)."""
    return JobStatus(
        provider="brightdata",
        id=job_id,
        state=state,
        status="not read yet",
        message="no answer yet",
        error_exit_code=124,
    )


def not_found(job_id: str) -> JobStatus:
    """A job whose first poll got a 404: the placeholder, now carrying the error."""
    return unread(job_id).replace(
        message="brightdata: HTTP 404: snapshot not found", error_exit_code=3
    )


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
    (line,) = table(view, width=120)
    assert line == (
        f"firecrawl {FC_ID} scraping {'━' * 4 + '╸':16} 30/100 pages 2.0 pages/s  30%    15s"
        " eta 30s"
    )


def test_the_id_is_whole_where_it_fits_and_else_keeps_both_ends():
    view = watched(Clock(), firecrawl(10))
    for width in (100, 120, 200):
        assert table(view, width=width)[0].split()[1] == FC_ID
    for width in (60, 70):
        (line,) = table(view, width=width)
        assert FC_ID not in line
        shown = line.split()[1]
        head, tail = shown.split("…")
        assert FC_ID.startswith(head) and FC_ID.endswith(tail) and len(head) >= 4, shown


def test_a_finished_job_keeps_its_elapsed_time_and_drops_the_eta():
    clock = Clock(0.0)
    view = watched(clock, firecrawl(10))
    clock.now = 10.0
    view.update(firecrawl(30))
    clock.now = 42.0
    view.update(firecrawl(100, 100, "completed", JobState.SUCCEEDED))
    clock.now = 300.0
    (line,) = table(view)
    assert line.split() == [
        "firecrawl",
        FC_ID,
        "completed",
        "━" * 17,
        "100/100",
        "pages",
        "100%",
        "42s",
    ]


def mixed(clock: Clock) -> LiveView:
    """Every kind of row, 15 s into a watch: counts, no numbers, files, Coze, a failure."""
    failed = brightdata("failed", JobState.FAILED).replace(id="s_failed0000000001", message=REASON)
    view = watched(clock, firecrawl(10), brightdata(), zilliz(), coze(eta=30.0), failed)
    clock.now = 10.0
    view.update(firecrawl(30))
    clock.now = 15.0
    return view


FRAMES = {
    60: [
        "[+] 1/5 done: 4 running, 1 failed",
        "firecrawl  1e2a3b4…3f4a5b scraping   ━━       30% eta 30s",
        "brightdata s_m4x7e…djfqak running    ━━━━━━━",
        "zilliz     job-0123456789 Importing  ━━━      45%",
        "             └ a.parquet  Importing  ━━━      45%",
        "             └ b.parquet  Failed",
        "coze       74…9/7442…9472 processing ━━╸      40% eta 15s",
        "brightdata s_faile…000001 failed",
    ],
    80: [
        "[+] 1/5 done: 4 running, 1 failed",
        "firecrawl  1e2a3b4c-5d6e…0c1d2e3f4a5b scraping   ━━        30%    15s eta 30s",
        "brightdata s_m4x7enmven8djfqak        running    ━━━━━━━━         15s",
        "zilliz     job-0123456789             Importing  ━━━╸      45%    15s",
        "             └ a.parquet              Importing  ━━━╸      45%",
        "             └ b.parquet              Failed",
        "coze       7442…999/74425858…87689472 processing ━━━       40%    15s eta 15s",
        "brightdata s_failed0000000001         failed                       0s",
    ],
    120: [
        "[+] 1/5 done: 4 running, 1 failed",
        "firecrawl  1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b    scraping   ━━━━━━            "
        "     30/100 2.0/s  30%    15s eta 30s",
        "brightdata s_m4x7enmven8djfqak                     running    ━━━━━━━━━━━━━━━━━━"
        "━━━                       15s",
        "zilliz     job-0123456789                          Importing  ━━━━━━━━━         "
        "                   45%    15s",
        "             └ a.parquet                           Importing  ━━━━━━━━━         "
        "                   45%",
        "             └ b.parquet                           Failed",
        "coze       7442585813587689999/7442585813587689472 processing ━━━━━━━━          "
        "                   40%    15s eta 15s",
        "brightdata s_failed0000000001                      failed                       "
        "                           0s",
    ],
    200: [
        "[+] 1/5 done: 4 running, 1 failed",
        "firecrawl  1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b    scraping   ━━━━━━━           "
        "        30/100 pages 2.0 pages/s  30%    15s eta 30s",
        "brightdata s_m4x7enmven8djfqak                     running    ━━━━━━━━━━━━━━━━━━"
        "━━━━━━                                   15s",
        "zilliz     job-0123456789                          Importing  ━━━━━━━━━━╸       "
        "                                  45%    15s",
        "             └ a.parquet                           Importing  ━━━━━━━━━━╸       "
        "                                  45%",
        "             └ b.parquet                           Failed                       "
        "                                                        schema mismatch",
        "coze       7442585813587689999/7442585813587689472 processing ━━━━━━━━━╸        "
        "                                  40%    15s eta 15s",
        "brightdata s_failed0000000001                      failed                       "
        "                                          0s            failed to parse file: row 184"
        "2: the field 'vector' has 767 dime…",
    ],
}


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_every_kind_of_row_at_60_80_120_and_200_columns(width):
    """The count line first; files are indented rows under their job; Coze shows
    dataset/document and its own remaining_time (30 s, 15 s ago); ids are whole where they
    fit (120, 200), cut in the middle where not; status words stay whole down to 60; a long
    reason is cut on the row (it follows the frame); a rate where there are counts."""
    lines = frame(mixed(Clock(0.0)), width=width)
    assert lines == FRAMES[width]
    assert all(len(line) <= width for line in lines)
    words = {word for line in lines for word in line.split()}
    assert {"scraping", "running", "Importing", "processing", "failed"} <= words


@pytest.mark.parametrize("width", [60, 80, 120])
def test_down_to_60_columns_every_row_keeps_a_bar_and_a_whole_percent(width):
    clock = Clock(0.0)
    jobs = [
        firecrawl(100, 100, "completed", JobState.SUCCEEDED, job_id="fc-done"),
        firecrawl(4, 100, job_id="fc-4"),
        zilliz(0.999),
    ]
    view = watched(clock, *jobs)
    lines = table(view, width=width)
    percents = [re.findall(r" (\d+%)(?: |$)", line) for line in lines]
    # 99.9 % is not done: a percent is never rounded up to 100 %.
    assert percents == [["100%"], ["4%"], ["99%"], ["99%"], []]
    # In colour the whole bar is drawn (done and to do): at least 8 cells on every row.
    coloured = Console(file=io.StringIO(), width=width, color_system="standard")
    coloured.print(view)
    text = re.sub("\x1b\\[[0-9;]*m", "", output(coloured))
    for line in text.splitlines()[1:]:
        assert re.search("[━╸╺]{8,}", line), line


def test_columns_do_not_shift_as_numbers_grow():
    clock = Clock(0.0)
    view = watched(clock, firecrawl(5, 100), coze(progress=0.05, eta=3700.0))
    columns: set[tuple[int, ...]] = set()
    for at, done in ((1.0, 5), (9.0, 9), (59.0, 50), (65.0, 99), (3599.0, 99), (3600.0, 100)):
        clock.now = at
        state = JobState.SUCCEEDED if done == 100 else JobState.RUNNING
        view.update(firecrawl(done, 100, "completed" if done == 100 else "scraping", state))
        for width in (60, 80, 120):
            for line in table(view, width=width):
                # Where the percent ends, and the ETA starts (the elapsed time, right-aligned
                # in 6 cells, goes first below 70 columns).
                percent_end = line.index("%")
                eta_at = line.find("eta")
                columns.add((width, line.startswith("coze"), percent_end))
                if width > 60:
                    assert line[percent_end + 1 + 6] in "sm", line
                if eta_at > 0:
                    assert eta_at == percent_end + (2 if width == 60 else 9), line
    assert len(columns) == 6  # one position per width and row, whatever the numbers


def test_a_job_not_read_yet_counts_as_pending_and_has_no_bar_or_eta():
    for state in (JobState.UNKNOWN, JobState.PENDING):  # today's placeholder, and tomorrow's
        view = LiveView(Clock(), lambda: 40)
        view.set_jobs([unread("s_1", state)])
        (line,) = table(view)
        assert line.split() == ["brightdata", "s_1", "pending", "0s"]


def test_a_job_whose_first_poll_got_a_404_shows_the_error():
    clock = Clock(0.0)
    view = LiveView(clock, lambda: 40)
    view.set_jobs([unread("s_1")])
    clock.now = 3.0
    view.update(not_found("s_1"))
    clock.now = 9.0
    (line,) = table(view)
    assert line.split() == [
        "brightdata",
        "s_1",
        "unknown",
        "3s",
        *"HTTP 404: snapshot not found".split(),
    ]


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


def test_finished_unknown_and_unread_rows_do_not_pulse():
    clock = Clock(0.0)
    view = LiveView(clock, lambda: 40)
    ended = [
        brightdata("failed", JobState.FAILED),
        brightdata("canceled", JobState.CANCELLED).replace(id="s_2"),
        brightdata("ready", JobState.SUCCEEDED).replace(id="s_3"),
        not_found("s_4"),
    ]
    view.set_jobs([*ended, unread("s_5")])
    for job in ended:
        view.update(job)
    assert colour_frame(view, clock, 0.3) == colour_frame(view, clock, 0.8)


def test_retry_note_and_warnings_show():
    clock = Clock()
    view = watched(clock, brightdata())
    view.note_retry(RetryEvent("brightdata", "s_m4x7enmven8djfqak", 2, 4.0, "HTTP 503"))
    view.warnings.append("brightdata: unknown status word 'x', treated as running")
    lines = table(view, width=120)
    # The status says when the next try comes (counting down); the note says why.
    assert lines[0].split()[2:5] == ["retry", "2", "in"] and lines[0].split()[5] == "4s"
    assert lines[0].endswith(" HTTP 503")
    assert lines[1] == "warning: brightdata: unknown status word 'x', treated as running"
    clock.now += 2.5
    assert table(view, width=120)[0].split()[2:6] == ["retry", "2", "in", "2s"]
    clock.now += 2.0
    assert table(view, width=120)[0].split()[2:5] == ["retry", "2", "now"]
    view.note_retry(RetryEvent("brightdata", "s_m4x7enmven8djfqak", 3, 0.25, "HTTP 503"))
    assert table(view, width=120)[0].split()[2:6] == ["retry", "3", "in", "1s"]
    view.update(brightdata("collecting"))  # a new answer clears it
    assert "retry" not in table(view, width=120)[0]


def test_a_long_note_does_not_wrap_a_row():
    view = mixed(Clock(0.0))
    view.note_retry(
        RetryEvent("brightdata", "s_m4x7enmven8djfqak", 3, 8.0, "HTTP 503: " + "x" * 80)
    )
    for width in (60, 80, 100, 120):
        lines = frame(view, width=width)
        assert len(lines) == 8, lines
        assert all(len(line) <= width for line in lines)


def test_failed_running_and_404_jobs_show_from_the_first_frame_they_appear_in():
    """60 jobs on a 24-line terminal: 33 finished long ago, 27 not read yet; then one runs,
    one fails and one gets a 404."""
    clock = Clock(0.0)
    done = [
        firecrawl(100, 100, "completed", JobState.SUCCEEDED, job_id=f"fc-{n:02d}")
        for n in range(33)
    ]
    view = LiveView(clock, lambda: 24)
    view.set_jobs([*done, *(unread(f"s_{n}") for n in range(33, 60))])
    for job in done:
        view.update(job)
    clock.now = 40.0
    view.update(brightdata().replace(id="s_40"))
    view.update(brightdata("failed", JobState.FAILED).replace(id="s_45"))
    view.update(not_found("s_50"))
    lines = frame(view, width=80)
    assert len(lines) == 23
    assert lines[0] == ("[+] 35/60 done: 24 pending, 1 running, 33 succeeded, 1 failed, 1 unknown")
    assert lines[-1] == "… and 39 more: 6 pending, 33 succeeded"
    # Everything but the succeeded and the last pending jobs, in the order given.
    assert [line.split()[1] for line in lines[1:-1]] == [f"s_{n}" for n in range(33, 54)]
    assert lines[1 + 40 - 33].split()[2] == "running"
    assert lines[1 + 45 - 33].split()[2] == "failed"
    assert lines[1 + 50 - 33].split()[2:4] == ["unknown", "40s"]


def test_jobs_not_read_yet_count_as_pending_in_the_count_line():
    clock = Clock(0.0)
    waiting = [unread(f"s_{n:02d}") for n in range(54)]
    running = [firecrawl(10, job_id=f"fc-{n}") for n in range(6)]
    view = LiveView(clock, lambda: 24)
    view.set_jobs([*running, *waiting])
    for job in running:
        view.update(job)
    lines = frame(view, width=80)
    assert lines[0] == "[+] 0/60 done: 54 pending, 6 running"
    assert lines[-1] == "… and 39 more pending"
    assert [line.split()[1] for line in lines[1:7]] == [f"fc-{n}" for n in range(6)]


def test_hidden_jobs_are_counted_in_one_line_without_double_spaces():
    clock = Clock(0.0)
    done = [
        firecrawl(100, 100, "completed", JobState.SUCCEEDED, job_id=f"done-{n:02d}")
        for n in range(30)
    ]
    view = watched(clock, *done, height=10)
    clock.now = 95.0
    active = [firecrawl(5 * n, 100, job_id=f"busy-{n}") for n in range(1, 4)]
    failed = brightdata("failed", JobState.FAILED)
    view.set_jobs([*active, failed])
    for job in [*active, failed]:
        view.update(job)
    clock.now = 100.0
    for width in (60, 80, 120):
        lines = frame(view, width=width)
        assert len(lines) <= 9
        assert lines[0] == "[+] 31/34 done: 3 running, 30 succeeded, 1 failed"
        assert lines[-1] == "… and 27 more succeeded"
        shown = [line.split()[1] for line in lines[1:-1]]
        # The failed and running jobs, and the room left for the first finished ones.
        assert shown[:6] == ["done-00", "done-01", "done-02", "busy-1", "busy-2", "busy-3"]
        assert shown[6].startswith("s_m4x") and lines[7].split()[2] == "failed"


def test_everything_shows_when_it_fits():
    clock = Clock(0.0)
    jobs = [firecrawl(10, job_id=f"job-{n}") for n in range(6)]
    view = watched(clock, *jobs, height=10)
    lines = table(view)
    assert [line.split()[1] for line in lines] == [f"job-{n}" for n in range(6)]
    assert "more" not in "\n".join(lines)


def test_a_job_that_just_finished_stays_on_screen_for_30_seconds():
    clock = Clock(0.0)
    done = [
        firecrawl(100, 100, "completed", JobState.SUCCEEDED, job_id=f"done-{n}") for n in range(5)
    ]
    busy = [firecrawl(10, job_id=f"busy-{n}") for n in range(4)]
    view = watched(clock, *done, *busy, height=7)
    clock.now = 50.0
    view.update(firecrawl(100, 100, "completed", JobState.SUCCEEDED, job_id="busy-3"))
    lines = frame(view)
    assert lines[0] == "[+] 6/9 done: 3 running, 6 succeeded"
    assert [line.split()[1] for line in lines[1:-1]] == ["busy-0", "busy-1", "busy-2", "busy-3"]
    assert lines[-1] == "… and 5 more succeeded"
    clock.now = 81.0
    lines = frame(view)
    assert [line.split()[1] for line in lines[1:-1]] == ["done-0", "busy-0", "busy-1", "busy-2"]


def test_events_do_not_redraw_only_the_timer_does():
    stream = io.StringIO()
    console = Console(file=stream, width=100, force_terminal=True, color_system=None)
    reporter = LiveReporter(console, Clock())
    for completed in range(100):
        reporter.on_event(StatusEvent(firecrawl(completed)))
    reporter.on_event(RetryEvent("firecrawl", FC_ID, 1, 1.0, "HTTP 503"))
    reporter.on_event(WarningEvent("something odd"))
    assert stream.getvalue() == ""
    # The watch ticks 4 times a second (jobwatch/session/watch.py): a redraw each.
    assert REFRESH_PER_SECOND <= 4 and 1 / TICK_SECONDS == REFRESH_PER_SECOND
    reporter.tick()
    assert "99/100" in stream.getvalue() and "retry 1 in 1s" in stream.getvalue()
    assert reporter.view.jobs[("firecrawl", None, FC_ID)].completed == 99
    assert reporter.view.warnings == ["something odd"]


def test_the_last_frame_stays_on_screen():
    stream = io.StringIO()
    console = Console(file=stream, width=100, force_terminal=True, color_system=None)
    reporter = LiveReporter(console, Clock())
    reporter.start([firecrawl(10)])
    reporter.finish([firecrawl(100, 100, "completed", JobState.SUCCEEDED)], 0, False)
    text = stream.getvalue()
    # Not transient: the final frame is the last thing drawn, and nothing erases it; the
    # cursor is shown again, on the line below it.
    final = text.rsplit("\x1b[J", 1)[-1]
    assert "completed" in final
    assert "100/100 pages" in final
    assert final.endswith("0s\n\x1b[?25h")
