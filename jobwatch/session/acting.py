"""What a run does to jobs besides watching them (README: Hooks and notifications, Finding and
cancelling jobs): `--on-job-end` hooks (jobwatch/hooks.py), `--cancel-on-timeout` /
`--cancel-on-interrupt` (jobwatch/cancel.py) and `--notify` (jobwatch/notify.py). run.py calls
these at the start and end of a run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobwatch.core import exitcodes
from jobwatch.core.models import JobStatus
from jobwatch.core.settings import RunOptions
from jobwatch.poll import JobGroup
from jobwatch.streams import Streams

if TYPE_CHECKING:
    from jobwatch.session.run import Reporter


def hook_reporters(options: RunOptions, streams: Streams, deadline: float | None) -> list[Reporter]:
    if not options.on_job_end or not options.watch:
        return []
    from jobwatch.session.hooks import HookReporter

    return [HookReporter(options.on_job_end, streams.stderr, streams.env, deadline=deadline)]


async def settle_hooks(reporters: Sequence[Reporter], *, stop_now: bool) -> None:
    """Wait for the hooks still running (inside the deadline); stop them on a timeout."""
    for reporter in reporters:
        settle = getattr(reporter, "settle", None)
        if settle is not None:
            await settle(stop_now=stop_now)


def cancel_if_asked(
    groups: Sequence[JobGroup],
    jobs: Sequence[JobStatus],
    options: RunOptions,
    streams: Streams,
    timed_out: bool,
    interrupted: int | None,
) -> bool:
    """--cancel-on-timeout / --cancel-on-interrupt: cancel the jobs not finished. True when
    something was asked of a provider."""
    if interrupted is not None:
        if not options.cancel_on_interrupt:
            return False
        why = "interrupted" if interrupted == exitcodes.INTERRUPTED else "terminated"
    elif timed_out and options.cancel_on_timeout:
        why = "the --timeout deadline passed"
    else:
        return False
    from jobwatch.session.cancel import cancel_unfinished
    from jobwatch.session.hooks import ends

    # poller.jobs() lists every group's jobs in order, each id once per group.
    pairs = [
        (group.provider, job_id) for group in groups for job_id in dict.fromkeys(group.job_ids)
    ]
    targets = [pair for pair, job in zip(pairs, jobs, strict=False) if not ends(job)]
    return cancel_unfinished(
        targets,
        streams,
        why=why,
        request_timeout=options.request_timeout,
        quiet=options.quiet,
        debug=options.debug,
    )


def notify_if_asked(
    jobs: Sequence[JobStatus], code: int, options: RunOptions, streams: Streams, elapsed: float
) -> None:
    """--notify: bell and desktop notification with the summary line (never an error)."""
    if not options.notify or not options.watch:
        return
    from jobwatch.render.text import outcome_line
    from jobwatch.session.notify import notify

    notify(outcome_line(jobs, code, elapsed), elapsed, streams.stderr, streams.env)
