"""What a run prints when it ends: the reasons of the jobs that ended badly, the timeout and
interrupt notes, the GitHub Actions report, and (one-off checks) the table, lines or JSON
document on stdout; the empty result of a listing that found nothing; the lines and JSON of
a cancel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobwatch.core import exitcodes
from jobwatch.core.models import JobStatus
from jobwatch.core.settings import ProgressMode, RunOptions
from jobwatch.core.text import duration
from jobwatch.render import ci, jsonout, reasons
from jobwatch.render.console import make_console, stderr_console, wants_live
from jobwatch.render.notices import say
from jobwatch.render.text import outcome_line, wrap_line
from jobwatch.streams import Streams, isatty

if TYPE_CHECKING:
    from jobwatch.core.cancels import CancelResult
    from jobwatch.render.timeline import Timeline


def print_result(
    jobs: Sequence[JobStatus],
    code: int,
    options: RunOptions,
    streams: Streams,
    interrupted: int | None,
    cancels: Sequence[CancelResult] | None = None,
    *,
    elapsed: float = 0.0,
    timed_out: bool = False,
    timeline: Timeline | None = None,
) -> None:
    """The end of a check or watch. `interrupted`: 130, 143 or 129; `cancels`: what asking
    the unfinished jobs to stop came to (--cancel-on-timeout, --cancel-on-interrupt);
    `elapsed`: how long the watch took; `timed_out`: the deadline passed with jobs not
    finished; `timeline`: when each job first answered (the picture in the summary of a
    watch).

    A watch that drew its progress (or was asked for none) ends with the summary line
    (`3 jobs: 2 succeeded, 1 failed in 1m05s (exit code 1)`), then the reasons of the jobs
    that ended badly, then what became of the jobs still running (README: Output)."""
    notes: list[tuple[str, str | None]] = []
    summary = _summary_shown(options)
    if summary:
        deadline = _deadline_text(options, streams) if timed_out else None
        line = outcome_line(jobs, code, elapsed, deadline=deadline)
        if not wants_live(options, streams) and options.progress is not ProgressMode.NONE:
            line = f"[{duration(elapsed):>6}] {line}"  # as the plain lines before it
        notes.append((line, "yellow" if timed_out else None))
    # Each failed, cancelled, stalled or unknown job's whole reason and the provider's
    # reasons for its parts; a one-off check prints them after its table on stdout.
    notes += reasons.end_lines(jobs, errors_only=options.quiet or not options.watch)
    unjudged = reasons.unjudged_note(jobs, options.min_completed, options.min_success)
    if unjudged and not options.quiet:
        notes.append((unjudged, "yellow"))
    if code == exitcodes.TIMEOUT and not summary:
        keep = _what_became(cancels, options)
        notes.append(
            (
                f"jobwatch: the --timeout deadline passed before every job finished ({keep})",
                "yellow",
            )
        )
    elif timed_out and not interrupted and not options.quiet:
        notes += _hint(f"jobwatch: {_what_became(cancels, options)}", cancels, options)
    if interrupted:
        how = "interrupted" if interrupted == exitcodes.INTERRUPTED else "terminated"
        notes += _hint(f"{how}: {_what_became(cancels, options)}", cancels, options)
    if notes:
        err = stderr_console(options, streams)
        width = err.size.width if isatty(streams.stderr) else None
        for text, style in notes:
            # The re-attach command stays one line, to copy whole.
            whole = text.startswith("  jobwatch ")
            for part in wrap_line(text, None if whole else width):
                err.print(part, style=style, markup=False, highlight=False, soft_wrap=True)
    files = ci.Files.of(streams.env, options.summary_file, options.jobs_out)
    ci.report_run(jobs, code, files, streams.stderr, timeline if options.watch else None)
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


def _summary_shown(options: RunOptions) -> bool:
    """A watch prints its summary line unless --quiet, or --json without a progress mode."""
    if not options.watch or options.quiet:
        return False
    return not (options.json and options.progress is ProgressMode.AUTO)


def _deadline_text(options: RunOptions, streams: Streams) -> str:
    """`--timeout 5s`, or the default deadline in CI (`6h00m (the default in CI)`)."""
    if options.timeout is not None:
        return f"--timeout {duration(options.timeout)}"
    seconds = options.deadline_seconds(streams.env)
    return f"{duration(seconds)} (the default in CI)"


def _what_became(cancels: Sequence[CancelResult] | None, options: RunOptions) -> str:
    """What became of the jobs not finished: they keep running at the provider, were asked
    to stop, or some could not be stopped (the cancel lines above name them)."""
    if options.jobs_end_with_run:
        return "the demo's simulator stopped with it"
    if cancels is None:
        return "the jobs keep running at the provider"
    failed = [result for result in cancels if result.outcome == "error"]
    if not failed:
        return "the unfinished jobs were asked to stop"
    if len(failed) == len(cancels):
        return "the unfinished jobs could not be stopped and keep running at the provider"
    return (
        f"{len(failed)} of the {len(cancels)} unfinished jobs could not be stopped and keep "
        "running at the provider"
    )


def _hint(
    line: str, cancels: Sequence[CancelResult] | None, options: RunOptions
) -> list[tuple[str, str | None]]:
    """`line`, and when jobs were left running, the command that re-attaches to them on a
    line of its own (`  jobwatch watch …`)."""
    left = cancels is None or any(result.outcome == "error" for result in cancels)
    if not options.reattach_hint or not left:
        return [(line, None)]
    return [(f"{line}; re-attach with:", None), (f"  {options.reattach_hint}", None)]


def print_empty(options: RunOptions, streams: Streams) -> None:
    """The result of a check or watch of no jobs (a listing found none): the JSON on stdout
    and what CI reads (the GitHub outputs, --summary-file, --jobs-out)."""
    if options.json and options.watch:
        streams.stdout.write(jsonout.dumps({"event": "summary", "jobs": [], "exit_code": 0}))
        streams.stdout.write("\n")
        streams.stdout.flush()
    elif options.json:
        jsonout.print_document(streams.stdout, [], 0)
    files = ci.Files.of(streams.env, options.summary_file, options.jobs_out)
    ci.report_run([], 0, files, streams.stderr)


def cancel_line(result: CancelResult) -> str:
    """`jobwatch: cancelled firecrawl ID (crawl)`, `… had already finished`, or the error."""
    name = result.name
    if result.outcome == "cancelled":
        return f"jobwatch: cancelled {name}"
    if result.outcome == "finished":
        return f"jobwatch: {name} had already finished: nothing to cancel"
    return f"jobwatch: error: cannot cancel {name}: {result.message}"


def print_cancels(results: Sequence[CancelResult], streams: Streams, *, quiet: bool) -> None:
    """One stderr line per job (with --quiet only the errors)."""
    for result in results:
        if result.outcome == "error" or not quiet:
            say(streams.stderr, cancel_line(result))


def print_cancel_document(results: Sequence[CancelResult], code: int, streams: Streams) -> None:
    """`jobwatch cancel --json`: {"jobs": [{"provider", "id", "result", "message"}], ...}."""
    document = {"jobs": [result.to_json() for result in results], "exit_code": code}
    streams.stdout.write(jsonout.dumps(document) + "\n")
    streams.stdout.flush()
