"""The console script, and THE one place where a run becomes an exit code.

`jobwatch --version` is answered before anything heavy is imported; the everyday job command
lines run without Typer (fastpath.py), every other one through the Typer app (app.py). Both
return a code or raise; `run` turns what they raise into the code (exit_code_of) and `main`
exits with it. SIGTERM and SIGHUP end a run like Ctrl-C; a closed stderr never raises."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from jobwatch import version_line

if TYPE_CHECKING:
    import typer

    from jobwatch.streams import Streams

PROG_NAME = "jobwatch"


def main() -> None:
    """The `jobwatch` console script (and `python -m jobwatch`)."""
    argv = sys.argv[1:]
    if argv == ["--version"]:
        sys.exit(_version())
    from jobwatch.cli import completion

    if completion.requested(os.environ) and (answered := completion.answer(os.environ)):
        text, code = answered
        if not (code or os.environ.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args"):
            print(text)
        sys.exit(code)
    from jobwatch.streams import guard_stderr, guard_stdout

    guard_stdout()  # a stdout that cannot take data: exit 141 (streams.DataOut)
    handle_termination()
    guard_stderr()
    # `import httpx` also imports httpx's own command-line client (Click and Rich, about 60 ms)
    # when they are installed, as they are beside jobwatch; jobwatch never runs it. Marking it
    # absent takes httpx's documented fallback for a missing `httpx[cli]` extra.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    try:
        code = run(argv)
    finally:
        # On exit the interpreter collects garbage over every object pydantic, httpx and
        # asyncio made (about 45 ms of a one-off check); nothing left then needs collecting.
        gc.freeze()
    sys.exit(code)


def _version() -> int:
    """`jobwatch --version`, before anything else is imported; 141 when stdout cannot take it
    (as streams.DataOut decides for every other command)."""
    try:
        sys.stdout.write(version_line() + "\n")
        sys.stdout.flush()
    except (AttributeError, OSError, ValueError) as exc:  # AttributeError: closed at start
        from jobwatch.streams import stdout_lost

        stdout_lost(None if isinstance(exc, AttributeError) else exc)
        return 141
    return 0


def run(
    argv: Sequence[str], streams: Streams | None = None, *, app: typer.Typer | None = None
) -> int:
    """The exit code of the command line `argv`, its output on `streams` (default: the
    process's). `app`: a Typer app of the caller's (a test's) that reads every command line;
    without one, the fast path reads the everyday job command lines and the default app the
    rest."""
    return exit_code_of(lambda: _dispatch(list(argv), streams, app), argv=argv, streams=streams)


def _dispatch(argv: list[str], streams: Streams | None, app: typer.Typer | None) -> int:
    if app is None:
        from jobwatch.cli.fastpath import parse

        parsed = parse(argv)
        if parsed is not None:
            from jobwatch.cli.command import read_command, run_command

            command, given = parsed
            return run_command(read_command(command, given), streams)
        from jobwatch.cli.app import app as default_app

        app = default_app
    from jobwatch.cli.help import run_app

    return run_app(app, PROG_NAME, argv, obj=streams)


def exit_code_of(
    action: Callable[[], int | None],
    *,
    argv: Sequence[str] = (),
    streams: Streams | None = None,
) -> int:
    """What `action` returns, or what it raised as an exit code: a JobwatchError prints one line
    (and writes what CI reads: in GitHub Actions the step's annotation, summary and outputs, and
    the --summary-file and --jobs-out that the command line `argv` names) and gives its code;
    Ctrl-C, SIGTERM and SIGHUP give 130, 143 and 129; a closed stdout gives 141; anything else
    is a bug, reported in one line, exit 3."""
    from jobwatch.core import exitcodes
    from jobwatch.core.errors import JobwatchError

    try:
        return action() or exitcodes.SUCCESS
    except JobwatchError as exc:
        _say(f"jobwatch: error: {exc.message}")
        from jobwatch.cli.stopped import report_stop

        env, stderr = (streams.env, streams.stderr) if streams is not None else (None, None)
        report_stop(exc.message, exc.exit_code, argv, env, stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        _say("terminated" if isinstance(exc, exitcodes.Terminated) else "interrupted")
        return exitcodes.for_interrupt(exc)
    except BrokenPipeError:
        return stdout_closed()
    except Exception as exc:
        if os.environ.get("JOBWATCH_TRACEBACK"):
            raise
        _say(
            f"jobwatch: internal error: {type(exc).__name__}: {exc} "
            "(set JOBWATCH_TRACEBACK=1 for details, and please report it)"
        )
        return exitcodes.UNKNOWN


def stdout_closed() -> int:
    """The reader of stdout went away (`… | head -1`): nothing more can be written there, and
    Python's own flush at exit must not complain either. Exit 141, as a shell reports SIGPIPE."""
    from jobwatch.core import exitcodes

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return exitcodes.BROKEN_PIPE


def handle_termination() -> None:
    """From now on SIGTERM (what CI runners send on cancel) and SIGHUP end the run like Ctrl-C
    (exitcodes.Terminated; while a session's loop runs, at its next await)."""
    from jobwatch.core.exitcodes import Terminated

    def raise_terminated(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, raise_terminated)


def _say(line: str) -> None:
    print(line, file=sys.stderr)
