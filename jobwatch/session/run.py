"""What a command does, each in one Session (jobwatch/session/session.py): check or watch jobs
(`run_request`: listing the running jobs first for `--running`; `run` for job groups already
made), then cancel what is unfinished when asked, print the result, notify; or cancel jobs
(`cancel_request`, `jobwatch cancel`). Each returns the exit code: applying it is the console
entry's job."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState, JobStatus
from jobwatch.core.settings import RunOptions
from jobwatch.poll.settings import JobGroup
from jobwatch.render.result import print_empty, print_result
from jobwatch.session.plan import JobRef, JobsRequest, factory_for, plan
from jobwatch.session.session import Session
from jobwatch.session.watch import Watched, watch
from jobwatch.streams import Streams

if TYPE_CHECKING:
    from jobwatch.core.cancels import CancelResult

__all__ = ["Streams", "cancel_request", "run", "run_request"]


def run(groups: Sequence[JobGroup], options: RunOptions, streams: Streams | None = None) -> int:
    """Check (or watch) the jobs, print the result, and return the exit code."""
    with Session(options, streams) as session:
        return check(session, groups)


def run_request(request: JobsRequest, options: RunOptions, streams: Streams | None = None) -> int:
    """Check or watch the jobs a command names, or (`--running`) those its provider lists as
    not finished: listing and watching in one session, inside one deadline."""
    listing = request.listing
    if listing is None:
        groups = plan(request)
        with Session(options, streams) as session:
            return check(session, groups, refs=request.refs, reattach_hint=request.reattach_hint)
    from jobwatch.session.listing import find_running

    context = listing.context
    provider = factory_for(request).make(listing.provider, listing.kind, context)
    with Session(options, streams) as session:
        ids = find_running(session, provider)
        if not ids:
            print_empty(options, session.streams)
            return exitcodes.SUCCESS
        refs = [JobRef.of(listing.provider, provider.kind, job_id, **context) for job_id in ids]
        return check(
            session, [JobGroup(provider, ids)], refs=refs, reattach_hint=request.reattach_hint
        )


def cancel_request(
    request: JobsRequest, options: RunOptions, streams: Streams | None = None
) -> int:
    """`jobwatch cancel`: ask the providers to stop the jobs the request names."""
    from jobwatch.session.cancel import run_cancel

    targets = [(group.provider, job_id) for group in plan(request) for job_id in group.job_ids]
    with Session(options, streams) as session:
        return run_cancel(session, targets)


def check(
    session: Session,
    groups: Sequence[JobGroup],
    *,
    refs: Sequence[JobRef] = (),
    reattach_hint: Callable[[Sequence[JobRef]], str] | None = None,
) -> int:
    """Watch (or check) the groups; on a timeout or an interrupt, cancel the unfinished jobs
    when asked; print the result (with the command that re-attaches to the jobs not
    finished, made by `reattach_hint` from their `refs`); notify. The exit code."""
    watched = watch(session, groups)
    elapsed = session.elapsed()
    jobs, code = watched.jobs, watched.exit_code
    cancels = _cancel_if_asked(session, groups, watched)
    options = session.options
    unfinished = unfinished_refs(refs, jobs)
    if reattach_hint is not None and unfinished:
        options = replace(options, reattach_hint=reattach_hint(unfinished))
    print_result(
        jobs,
        code,
        options,
        session.streams,
        watched.interrupted,
        cancels,
        elapsed=elapsed,
        timed_out=watched.timed_out,
        timeline=watched.timeline,
    )
    session.notify(jobs, code)
    return code


def unfinished_refs(refs: Sequence[JobRef], jobs: Sequence[JobStatus]) -> list[JobRef]:
    """The references of the jobs not finished (still running, or whose state jobwatch
    could not learn): what a re-attach should watch."""
    open_jobs = {
        (job.provider, job.scope, job.id)
        for job in jobs
        if not job.state.is_terminal or job.state is JobState.UNKNOWN
    }
    return [
        ref
        for ref in refs
        if any(
            (ref.provider, scope, ref.job_id) in open_jobs
            for scope in (None, *(str(value) for _, value in ref.context))
        )
    ]


def _cancel_if_asked(
    session: Session, groups: Sequence[JobGroup], watched: Watched
) -> list[CancelResult] | None:
    """--cancel-on-timeout / --cancel-on-interrupt: cancel the jobs not finished. What each
    cancel came to, or None when nothing was asked of a provider."""
    options = session.options
    interrupted = watched.interrupted
    if interrupted is not None:
        if not options.cancel_on_interrupt:
            return None
        why = "interrupted" if interrupted == exitcodes.INTERRUPTED else "terminated"
    elif watched.timed_out and options.cancel_on_timeout:
        why = "the --timeout deadline passed"
    else:
        return None
    from jobwatch.session.cancel import cancel_unfinished
    from jobwatch.session.hooks import ends

    # poller.jobs() lists every group's jobs in order, each id once per group.
    pairs = [
        (group.provider, job_id) for group in groups for job_id in dict.fromkeys(group.job_ids)
    ]
    targets = [pair for pair, job in zip(pairs, watched.jobs, strict=False) if not ends(job)]
    return cancel_unfinished(session, targets, why=why)
