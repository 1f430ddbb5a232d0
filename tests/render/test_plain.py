"""Plain progress lines for CI logs (jobwatch/render/plain.py) and the console/mode choice
(`make_console`, `wants_live` in jobwatch/render/console.py)."""

from __future__ import annotations

import io

import pytest

from jobwatch.cli.options import ColorMode, ProgressMode, RunOptions
from jobwatch.core.events import RetryEvent, StatusEvent, WarningEvent
from jobwatch.core.models import JobState
from jobwatch.render.console import make_console, wants_live
from jobwatch.render.plain import PlainReporter
from jobwatch.streams import Streams
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


def lines(console) -> list[str]:
    return output(console).splitlines()


def reporter(clock: Clock, console=None) -> tuple[PlainReporter, object]:
    console = console or plain_console()
    return PlainReporter(console, clock), console


def test_start_names_the_jobs():
    clock = Clock()
    plain, console = reporter(clock)
    plain.start([firecrawl(), brightdata()])
    assert lines(console) == [
        f"[    0s] watching 2 jobs: firecrawl {FC_ID}, brightdata s_m4x7enmven8djfqak"
    ]


def test_progress_lines_are_throttled_to_one_per_10_seconds_but_state_changes_print_at_once():
    clock = Clock()
    plain, console = reporter(clock)
    start = clock.now
    for step in range(7):  # t = 0, 2, 4, ..., 12
        clock.now = start + 2 * step
        plain.on_event(StatusEvent(firecrawl(completed=10 * (step + 1))))
        plain.tick()
    clock.now = start + 13
    plain.on_event(StatusEvent(firecrawl(100, 100, "completed", JobState.SUCCEEDED)))
    # The first move prints at once (a short run shows progress too), then at most one
    # progress line per 10 s; the end prints at once.
    assert lines(console) == [
        f"[    0s] firecrawl {FC_ID} running (scraping) 10/100 pages 10%",
        f"[    2s] firecrawl {FC_ID} running (scraping) 20/100 pages 20%",
        f"[   12s] firecrawl {FC_ID} running (scraping) 70/100 pages 70%",
        f"[   13s] firecrawl {FC_ID} succeeded (completed) 100/100 pages 100%",
    ]


def test_a_held_progress_line_comes_out_on_the_tick_once_10_seconds_passed():
    clock = Clock()
    plain, console = reporter(clock)
    start = clock.now
    plain.on_event(StatusEvent(firecrawl(completed=10)))
    clock.now = start + 1
    plain.on_event(StatusEvent(firecrawl(completed=15)))  # the first move: at once
    clock.now = start + 3
    plain.on_event(StatusEvent(firecrawl(completed=20)))
    clock.now = start + 10
    plain.tick()
    assert len(lines(console)) == 2
    clock.now = start + 11
    plain.tick()
    assert lines(console)[-1] == f"[   11s] firecrawl {FC_ID} running (scraping) 20/100 pages 20%"
    clock.now = start + 25
    plain.tick()  # nothing new held: nothing printed
    assert len(lines(console)) == 3


def test_each_job_has_its_own_throttle():
    clock = Clock()
    plain, console = reporter(clock)
    plain.on_event(StatusEvent(firecrawl(completed=10)))
    plain.on_event(StatusEvent(coze(progress=0.1, eta=None)))
    clock.now += 1
    plain.on_event(StatusEvent(coze(progress=0.2, eta=None)))  # its first move: printed
    plain.on_event(StatusEvent(coze(progress=0.3, eta=None)))  # held
    plain.on_event(StatusEvent(brightdata()))  # a new job prints
    assert [line[9:].split()[1] for line in lines(console)] == [
        FC_ID,
        "7442585813587689999/7442585813587689472",
        "7442585813587689999/7442585813587689472",
        "s_m4x7enmven8djfqak",
    ]


def test_a_new_status_word_is_a_change():
    clock = Clock()
    plain, console = reporter(clock)
    plain.on_event(StatusEvent(brightdata("starting", JobState.PENDING)))
    clock.now += 1
    plain.on_event(StatusEvent(brightdata("collecting")))
    clock.now += 1
    plain.on_event(StatusEvent(brightdata("digesting")))
    assert [line[9:].split(maxsplit=2)[2] for line in lines(console)] == [
        "pending (starting)",
        "running (collecting)",
        "running (digesting)",
    ]


def test_heartbeat_after_60_seconds_without_output():
    clock = Clock()
    plain, console = reporter(clock)
    start = clock.now
    plain.on_event(StatusEvent(brightdata()))
    for second in (1, 30, 59, 59.9):
        clock.now = start + second
        plain.tick()
    assert len(lines(console)) == 1
    clock.now = start + 61
    plain.tick()
    assert lines(console)[-1] == "[ 1m01s] still watching: 1 active, elapsed 1m01s"
    clock.now = start + 62
    plain.tick()
    assert len(lines(console)) == 2  # the next one is 60 s after this one
    clock.now = start + 121
    plain.tick()
    assert lines(console)[-1] == "[ 2m01s] still watching: 1 active, elapsed 2m01s"


def test_any_output_resets_the_heartbeat():
    clock = Clock()
    plain, console = reporter(clock)
    start = clock.now
    plain.on_event(StatusEvent(brightdata()))
    clock.now = start + 50
    plain.on_event(RetryEvent("brightdata", "s_1", 1, 1.0, "HTTP 503"))
    clock.now = start + 100
    plain.tick()
    assert "still watching" not in output(console)
    clock.now = start + 110
    plain.tick()
    assert lines(console)[-1].endswith("still watching: 1 active, elapsed 1m50s")


def test_retry_and_warning_lines():
    clock = Clock()
    plain, console = reporter(clock)
    plain.on_event(RetryEvent("firecrawl", "fc-1", 2, 3.25, "firecrawl: HTTP 503: busy"))
    plain.on_event(RetryEvent("firecrawl", "fc-1", 3, 0.25, "firecrawl: HTTP 503: busy"))
    plain.on_event(WarningEvent("firecrawl: unknown status word 'thinking', treated as running"))
    assert lines(console) == [
        "[    0s] retrying firecrawl fc-1 in 3.2s (attempt 2): firecrawl: HTTP 503: busy",
        "[    0s] retrying firecrawl fc-1 in 250ms (attempt 3): firecrawl: HTTP 503: busy",
        "[    0s] warning: firecrawl: unknown status word 'thinking', treated as running",
    ]


def test_coze_retry_lines_name_the_dataset_and_the_document():
    clock = Clock()
    plain, console = reporter(clock)
    plain.start([coze()])
    plain.on_event(RetryEvent("coze", "7442585813587689472", 1, 90.0, "coze: HTTP 429"))
    assert lines(console)[-1] == (
        "[    0s] retrying coze 7442585813587689999/7442585813587689472 in 1m30s (attempt 1): "
        "coze: HTTP 429"
    )


def test_the_summary_block_adds_only_what_the_lines_did_not_say():
    """Issue 23: each end line came again as a `summary:` line. A job whose last line says
    how it ended is not repeated; a job whose last change was held back, or that never
    printed, gets its summary line (the summary line and reasons follow: render/result.py)."""
    clock = Clock()
    plain, console = reporter(clock)
    start = clock.now
    plain.start([firecrawl(), brightdata(), coze()])
    plain.on_event(StatusEvent(firecrawl(10)))
    plain.on_event(StatusEvent(firecrawl(20)))
    plain.on_event(StatusEvent(firecrawl(30)))  # held back by the throttle
    clock.now = start + 65
    failed = brightdata("failed", JobState.FAILED).replace(message="site blocked")
    plain.on_event(StatusEvent(failed))
    plain.finish([firecrawl(30), failed, coze()], 1, False)
    out = lines(console)
    assert out[-1] == f"[ 1m05s] summary: coze {coze().ident} running (processing) 40% eta 30s"
    assert out[-2] == f"[ 1m05s] summary: firecrawl {FC_ID} running (scraping) 30/100 pages 30%"
    assert out[-3] == "[ 1m05s] brightdata s_m4x7enmven8djfqak failed - site blocked"
    assert sum("s_m4x7enmven8djfqak failed" in line for line in out) == 1


def test_items_and_eta_in_lines():
    clock = Clock()
    plain, console = reporter(clock)
    plain.on_event(StatusEvent(coze(progress=0.4, eta=75.0)))
    plain.on_event(StatusEvent(zilliz()))
    assert lines(console) == [
        "[    0s] coze 7442585813587689999/7442585813587689472 running (processing) 40% eta 1m15s",
        "[    0s] zilliz job-0123456789 running (Importing) 45%",
    ]


def feed_everything(plain: PlainReporter, clock: Clock) -> None:
    plain.start([firecrawl(), zilliz()])
    for step in range(30):
        clock.now += 3
        plain.on_event(StatusEvent(firecrawl(completed=step + 1)))
        plain.on_event(RetryEvent("zilliz", "job-0123456789", 1, 1.0, "HTTP 503"))
        plain.tick()
    clock.now += 100
    plain.tick()
    plain.finish([firecrawl(100, 100, "failed", JobState.FAILED)], 1, False)


def test_no_carriage_return_and_no_escape_codes():
    clock = Clock()
    plain, console = reporter(clock)
    feed_everything(plain, clock)
    text = output(console)
    assert text.count("\n") > 10
    assert "\r" not in text
    assert "\x1b" not in text


@pytest.mark.parametrize(
    ("color", "env"),
    [(ColorMode.ALWAYS, {}), (ColorMode.AUTO, {"FORCE_COLOR": "1"})],
    ids=["--color-always", "FORCE_COLOR"],
)
def test_forced_colour_colours_plain_lines_but_never_redraws(color, env):
    stream = io.StringIO()
    console = make_console(stream, RunOptions(watch=True, color=color), env, live=False)
    clock = Clock()
    feed_everything(PlainReporter(console, clock), clock)
    text = stream.getvalue()
    assert "\x1b[" in text  # coloured
    assert "\r" not in text
    for code in ("\x1b[?25l", "\x1b[2K", "\x1b[1A", "\x1b[A"):  # hide cursor, erase, move up
        assert code not in text
    assert not console.is_terminal


@pytest.mark.parametrize(
    ("color", "env"),
    [
        (ColorMode.AUTO, {}),
        (ColorMode.NEVER, {"FORCE_COLOR": "1"}),
        (ColorMode.AUTO, {"NO_COLOR": "1", "FORCE_COLOR": "1"}),
    ],
    ids=["not-a-terminal", "--color-never", "NO_COLOR"],
)
def test_no_colour_unless_forced(color, env):
    stream = io.StringIO()
    console = make_console(stream, RunOptions(watch=True, color=color), env, live=False)
    clock = Clock()
    feed_everything(PlainReporter(console, clock), clock)
    assert "\x1b" not in stream.getvalue()


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stderr", "env", "live"),
    [
        (FakeTerminal(), {"TERM": "xterm-256color"}, True),
        (io.StringIO(), {"TERM": "xterm"}, False),
        (io.StringIO(), {"FORCE_COLOR": "1"}, False),
        (FakeTerminal(), {"TERM": "xterm", "CI": "true"}, False),
        (FakeTerminal(), {"TERM": "dumb"}, False),
        (FakeTerminal(), {}, False),
        (FakeTerminal(), {"TERM": ""}, False),
        (FakeTerminal(), {"TERM": "xterm", "CI": "1", "FORCE_COLOR": "1"}, False),
    ],
    ids=[
        "terminal",
        "pipe",
        "pipe+FORCE_COLOR",
        "CI",
        "TERM=dumb",
        "TERM unset",
        "TERM empty",
        "CI+FORCE_COLOR",
    ],
)
def test_wants_live_only_on_a_real_terminal(stderr, env, live):
    streams = Streams(stdout=io.StringIO(), stderr=stderr, env=env)
    assert wants_live(RunOptions(watch=True), streams) is live
    assert wants_live(RunOptions(watch=True, color=ColorMode.ALWAYS), streams) is live


def test_progress_option_overrides_the_guess():
    on_terminal = Streams(stdout=io.StringIO(), stderr=FakeTerminal(), env={"TERM": "xterm"})
    in_ci = Streams(stdout=io.StringIO(), stderr=io.StringIO(), env={"CI": "true"})
    assert not wants_live(RunOptions(watch=True, progress=ProgressMode.PLAIN), on_terminal)
    assert not wants_live(RunOptions(watch=True, progress=ProgressMode.NONE), on_terminal)
    assert wants_live(RunOptions(watch=True, progress=ProgressMode.LIVE), in_ci)


@pytest.mark.parametrize(
    ("columns", "width"),
    [("120", 120), ("0", 80), ("-5", 80), ("9" * 30, 80), ("\u00b2", 80), ("abc", 80)],
)
def test_columns_counts_only_as_a_size_a_screen_can_have(columns: str, width: int) -> None:
    # (80: Rich's width for a terminal it cannot measure; COLUMNS=0 drew nothing at all)
    env = {"COLUMNS": columns, "LINES": columns}
    console = make_console(io.StringIO(), RunOptions(), env, live=True)
    assert console.width == width
    assert console.height == (120 if width == 120 else 25)
