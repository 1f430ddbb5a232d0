"""What a run prints when it ends: the reasons of the jobs that ended badly, the timeout and
interrupt notes, the GitHub Actions report, and (one-off checks) the table, lines or JSON
document on stdout; the empty result of a listing that found nothing; the lines and JSON of
a cancel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobwatch.core import exitcodes
from jobwatch.core.models import JobStatus
from jobwatch.core.settings import RunOptions
from jobwatch.render import ci, jsonout, reasons
from jobwatch.render.console import make_console, stderr_console
from jobwatch.render.notices import say
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
    cancelled: bool = False,
    timeline: Timeline | None = None,
) -> None:
    """The end of a check or watch. `interrupted`: 130, 143 or 129; `cancelled`: the
    unfinished jobs were asked to stop; `timeline`: when each job first answered (the picture
    in the summary of a watch)."""
    # (line, style) for stderr: first each failed, cancelled, stalled or unknown job's whole
    # reason and the provider's reasons for its parts (README: Output)
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
        err = stderr_console(options, streams)
        for line, style in notes:
            err.print(line, style=style, markup=False)
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
    """`jobwatch: cancelled firecrawl crawl ID`, `… had already finished`, or the error."""
    name = f"{result.label} {result.job_id}"
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
