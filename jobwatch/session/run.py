"""Runs a check or a watch: builds the client and poller, feeds events to the reporters,
prints the result, and returns the exit code. The CLI's only way into the machinery."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

from jobwatch.core import exitcodes
from jobwatch.core.events import Event, RetryEvent, WarningEvent
from jobwatch.core.models import JobStatus
from jobwatch.core.settings import ColorMode, ProgressMode, RunOptions
from jobwatch.http.client import Client
from jobwatch.poll import JobGroup, Poller, PollSettings
from jobwatch.render import github, jsonout, reasons
from jobwatch.render.text import names_by_id, retry_line
from jobwatch.session import acting
from jobwatch.streams import Streams, isatty

if TYPE_CHECKING:
    from rich.console import Console

# Rich is imported only where something is drawn with it: a one-off --json check never is.

TICK_SECONDS = 1.0
# Polls wake on a 50 ms grid: hundreds of jobs then share loop wake-ups (PollSettings).
WAKE_QUANTUM = 0.05


class Reporter(Protocol):
    def start(self, jobs: Sequence[JobStatus]) -> None: ...
    def on_event(self, event: Event) -> None: ...
    def tick(self) -> None: ...
    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None: ...


def wants_live(options: RunOptions, streams: Streams) -> bool:
    """Live redraws only on a real terminal; never in CI, on TERM=dumb (or none), with --json
    (stdout is for machines), or when forced colour made Rich think it has a terminal."""
    if options.progress is ProgressMode.LIVE:
        return True
    if options.progress is not ProgressMode.AUTO or options.json:
        return False
    env = streams.env
    return isatty(streams.stderr) and not env.get("CI") and not is_dumb(env)


def is_dumb(env: Mapping[str, str]) -> bool:
    """TERM=dumb, or no TERM at all (unset or empty): as git and ls do, no redraws, no colour."""
    return env.get("TERM", "") in ("", "dumb")


def make_console(
    stream: TextIO,
    options: RunOptions,
    env: Mapping[str, str],
    *,
    live: bool,
    auto_color: bool = True,
) -> Console:
    """A console whose colour follows --color, NO_COLOR and FORCE_COLOR, and which only thinks
    it is a terminal when we mean to redraw. With `auto_color` off (plain lines of a watch)
    there is colour only when forced."""
    if options.color is ColorMode.NEVER:
        color = False
    elif options.color is ColorMode.ALWAYS:
        color = True
    elif env.get("NO_COLOR"):
        color = False
    elif env.get("FORCE_COLOR"):
        color = True
    else:
        color = auto_color and isatty(stream) and not is_dumb(env)
    from rich.console import Console

    console = Console(
        file=stream,
        force_terminal=live,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        soft_wrap=not live,
        width=None if live or isatty(stream) else 200,
        _environ={key: value for key, value in env.items() if key not in ("FORCE_COLOR",)},
    )
    console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    return console


def _broken_pipe() -> None:
    """Rich ends the process with exit 1 ("a job failed") on a broken pipe: jobwatch's rule is
    141 (README: Troubleshooting), given where errors become exit codes."""
    raise BrokenPipeError("stdout is lost")


def run(groups: Sequence[JobGroup], options: RunOptions, streams: Streams | None = None) -> int:
    """Check (or watch) the jobs, print the result, and return the exit code."""
    streams = streams or Streams()
    clock = time.monotonic
    budget = options.deadline_seconds(streams.env)
    settings = PollSettings(
        until_terminal=options.watch,
        interval=options.interval,
        deadline=None if budget is None else clock() + budget,
        max_retries=options.max_retries,
        request_timeout=options.request_timeout,
        fail_fast=options.fail_fast,
        wake_quantum=WAKE_QUANTUM,
        stall_timeout=options.stall_timeout,
        wait_for_start=options.wait_for_start_seconds(),
        min_completed=options.min_completed,
        min_success=options.min_success,
    )
    started = clock()
    reporters = _reporters(options, streams) + acting.hook_reporters(
        options, streams, settings.deadline
    )
    client = Client(
        streams.transport, debug=streams.stderr if options.debug else None, env=streams.env
    )
    poller = Poller(groups, settings, client)
    interrupted: int | None = None
    try:
        asyncio.run(_poll(poller, client, reporters))
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP (exitcodes.Terminated)
        interrupted = exitcodes.for_interrupt(exc)
    jobs = poller.jobs()
    code = poller.exit_code(interrupted=interrupted)
    for reporter in reporters:
        reporter.finish(jobs, code, interrupted is not None)
    cancelled = acting.cancel_if_asked(
        groups, jobs, options, streams, poller.timed_out, interrupted
    )
    _print_result(jobs, code, options, streams, interrupted, cancelled)
    acting.notify_if_asked(jobs, code, options, streams, clock() - started)
    return code


async def _poll(poller: Poller, client: Client, reporters: Sequence[Reporter]) -> None:
    async with client:
        for reporter in reporters:
            reporter.start(poller.jobs())
        ticker = asyncio.create_task(_tick(reporters))
        try:
            async for event in poller.events():
                for reporter in reporters:
                    reporter.on_event(event)
            await acting.settle_hooks(reporters, stop_now=poller.timed_out)
        finally:
            ticker.cancel()


async def _tick(reporters: Sequence[Reporter]) -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)
        for reporter in reporters:
            reporter.tick()


class _NoticesReporter:
    """One-off checks, and watches that draw nothing (--json): retries and warnings as plain
    lines on stderr."""

    def __init__(self, make_console: Callable[[], Console]) -> None:
        self.make_console = make_console
        self.console: Console | None = None
        self.names: dict[tuple[str, str], str] = {}

    def start(self, jobs: Sequence[JobStatus]) -> None:
        self.names = names_by_id(jobs)

    def on_event(self, event: Event) -> None:
        if isinstance(event, RetryEvent):
            self._print(retry_line(event, self.names))
        elif isinstance(event, WarningEvent):
            self._print(f"warning: {event.text}")

    def _print(self, text: str) -> None:
        if self.console is None:
            self.console = self.make_console()
        self.console.print(text, style="yellow", markup=False)

    def tick(self) -> None:
        pass

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        pass


def _auto_color(options: RunOptions, streams: Streams) -> bool:
    """Colour on a terminal for one-off checks and live views; a watch's plain lines (and the
    lines after them) are coloured only when forced."""
    return not options.watch or wants_live(options, streams)


def _reporters(options: RunOptions, streams: Streams) -> list[Reporter]:
    reporters: list[Reporter] = []
    if options.json and options.watch:
        reporters.append(jsonout.NdjsonReporter(streams.stdout))
    if options.quiet or options.progress is ProgressMode.NONE and options.watch:
        return reporters
    auto_color = _auto_color(options, streams)
    if not options.watch or options.json and options.progress is ProgressMode.AUTO:
        reporters.append(
            _NoticesReporter(
                lambda: make_console(
                    streams.stderr, options, streams.env, live=False, auto_color=auto_color
                )
            )
        )
        return reporters
    from jobwatch.render.live import LiveReporter
    from jobwatch.render.plain import PlainReporter

    live = wants_live(options, streams)
    console = make_console(streams.stderr, options, streams.env, live=live, auto_color=live)
    now = time.monotonic
    reporters.append(LiveReporter(console, now) if live else PlainReporter(console, now))
    return reporters


def _print_result(
    jobs: Sequence[JobStatus],
    code: int,
    options: RunOptions,
    streams: Streams,
    interrupted: int | None,
    cancelled: bool = False,
) -> None:
    # (line, style) for stderr: first each failed, cancelled, stalled or unknown job's whole
    # reason and the provider's reasons for its parts (section 8)
    notes: list[tuple[str, str | None]] = list(
        reasons.end_lines(jobs, errors_only=options.quiet or not options.watch)
    )
    unjudged = reasons.unjudged_note(jobs, options.min_completed, options.min_success)
    if unjudged and not options.quiet:
        notes.append((unjudged, "yellow"))
    keep = "the unfinished jobs were asked to stop" if cancelled else "the jobs keep running"
    if code == exitcodes.TIMEOUT:
        notes.append(
            (
                f"jobwatch: the --timeout deadline passed before every job finished ({keep})",
                "yellow",
            )
        )
    if interrupted:
        hint = f"; re-attach with: {options.reattach_hint}" if options.reattach_hint else ""
        how = "interrupted" if interrupted == exitcodes.INTERRUPTED else "terminated"
        where = "" if cancelled else " at the provider"
        notes.append((f"{how}: {keep}{where}{'' if cancelled else hint}", None))
    if notes:
        err = make_console(
            streams.stderr,
            options,
            streams.env,
            live=False,
            auto_color=_auto_color(options, streams),
        )
        for line, style in notes:
            err.print(line, style=style, markup=False)
    if github.is_github_actions(streams.env):
        github.report(jobs, code, streams.env, streams.stderr)
    if options.watch:
        return
    if options.json:
        jsonout.print_document(streams.stdout, jobs, code)
    elif not options.quiet:
        from jobwatch.render import oneoff

        out = make_console(streams.stdout, options, streams.env, live=False)
        if isatty(streams.stdout):
            oneoff.print_table(out, jobs)
        else:
            oneoff.print_lines(out, jobs)
