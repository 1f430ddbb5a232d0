"""The watching phase of a session: the poller on the session's client, deadline and retry
policy, its events fed to the reporters the session picked (the renderers, and the hooks),
ticks for the live and plain views."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from jobwatch.core import exitcodes
from jobwatch.core.events import Event
from jobwatch.core.models import JobStatus
from jobwatch.core.settings import ProgressMode, RunOptions
from jobwatch.poll.loop import Poller
from jobwatch.poll.settings import JobGroup, PollSettings
from jobwatch.render import jsonout
from jobwatch.render.console import auto_color, make_console, wants_live
from jobwatch.render.notices import NoticesReporter
from jobwatch.render.timeline import Timeline
from jobwatch.session.session import Session
from jobwatch.streams import Streams

# The live view redraws on ticks (at most 4 times a second); the plain lines throttle on them.
TICK_SECONDS = 0.25
# Polls wake on a 50 ms grid: hundreds of jobs then share loop wake-ups (PollSettings).
WAKE_QUANTUM = 0.05


class Reporter(Protocol):
    """What is told about a watch: the renderers (jobwatch/render/) and the hooks."""

    def start(self, jobs: Sequence[JobStatus]) -> None: ...
    def on_event(self, event: Event) -> None: ...
    def tick(self) -> None: ...
    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None: ...


@dataclass(frozen=True)
class Watched:
    """What the watching phase came to: the jobs as last read, the exit code, whether the
    deadline passed with jobs unsettled, and the interruption that ended it, if one did (130,
    143 or 129). Read once, when the phase ended."""

    jobs: list[JobStatus]
    exit_code: int
    timed_out: bool
    interrupted: int | None
    timeline: Timeline  # when each job first answered: the picture in the summary


def watch(session: Session, groups: Sequence[JobGroup]) -> Watched:
    """Poll the groups until each job is read once (one-off) or terminal (watch), telling the
    reporters; Ctrl-C, SIGTERM and SIGHUP end the phase (Watched.interrupted), then every
    reporter is told how it finished."""
    options = session.options
    intervals = {
        group.provider.name: options.interval or group.provider.default_interval for group in groups
    }
    timeline = Timeline()
    reporters = [timeline, *pick_reporters(options, session.streams, intervals)]
    if session.hooks is not None:
        # On a live view a hook's lines print above it, not into it.
        for reporter in reporters:
            output = getattr(reporter, "print_output", None)
            if output is not None:
                session.hooks.send_output_to(output)
        reporters.append(session.hooks)
    poller = Poller(groups, poll_settings(session), session.client, retry=session.retry)
    interrupted: int | None = None
    try:
        session.run(_poll(session, poller, reporters))
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP (exitcodes.Terminated)
        interrupted = exitcodes.for_interrupt(exc)
    watched = Watched(
        jobs=poller.jobs(),
        exit_code=poller.exit_code(interrupted=interrupted),
        timed_out=poller.timed_out,
        interrupted=interrupted,
        timeline=timeline,
    )
    for reporter in reporters:
        reporter.finish(watched.jobs, watched.exit_code, interrupted is not None)
    return watched


def poll_settings(session: Session) -> PollSettings:
    options = session.options
    return PollSettings(
        until_terminal=options.watch,
        interval=options.interval,
        deadline=session.deadline,
        max_retries=options.max_retries,
        request_timeout=options.request_timeout,
        fail_fast=options.fail_fast,
        wake_quantum=WAKE_QUANTUM,
        stall_timeout=options.stall_timeout,
        wait_for_start=options.wait_for_start_seconds(),
        min_completed=options.min_completed,
        min_success=options.min_success,
    )


async def _poll(session: Session, poller: Poller, reporters: Sequence[Reporter]) -> None:
    for reporter in reporters:
        reporter.start(poller.jobs())
    ticker = asyncio.create_task(_tick(reporters))
    try:
        async for event in poller.events():
            for reporter in reporters:
                reporter.on_event(event)
        await session.settle_hooks(stop_now=poller.timed_out)
    finally:
        ticker.cancel()


async def _tick(reporters: Sequence[Reporter]) -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)
        for reporter in reporters:
            reporter.tick()


def pick_reporters(
    options: RunOptions, streams: Streams, intervals: Mapping[str, float] | None = None
) -> list[Reporter]:
    """The renderers for these options: NDJSON on stdout, and live bars, plain lines or only
    the notices on stderr. `intervals`: each provider's time between polls (the live view
    shows no ETA or rate once nothing moved for three of them)."""
    reporters: list[Reporter] = []
    if options.json and options.watch:
        reporters.append(jsonout.NdjsonReporter(streams.stdout))
    if options.quiet or options.progress is ProgressMode.NONE and options.watch:
        return reporters
    colored = auto_color(options, streams)
    if not options.watch or options.json and options.progress is ProgressMode.AUTO:
        reporters.append(
            NoticesReporter(
                lambda: make_console(
                    streams.stderr, options, streams.env, live=False, auto_color=colored
                )
            )
        )
        return reporters
    from jobwatch.render.live import LiveReporter
    from jobwatch.render.plain import PlainReporter

    live = wants_live(options, streams)
    console = make_console(streams.stderr, options, streams.env, live=live, auto_color=live)
    now = time.monotonic
    reporters.append(LiveReporter(console, now, intervals) if live else PlainReporter(console, now))
    return reporters
