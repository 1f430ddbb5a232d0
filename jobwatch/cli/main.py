"""The console script: answers `jobwatch --version` before importing anything heavy, runs the
everyday job command lines without Typer (fastargs.py), and hands every other command line to
the Typer app (cli.py). SIGTERM and SIGHUP end a run like Ctrl-C; a closed stderr never raises."""

from __future__ import annotations

import gc
import sys

from jobwatch import version_line


def main() -> None:
    from jobwatch.streams import guard_stdout

    guard_stdout()  # a stdout that cannot take data: exit 141 (streams.DataOut)
    argv = sys.argv[1:]
    if argv == ["--version"]:
        try:
            print(version_line())
        except BrokenPipeError:
            sys.exit(141)
        return
    from jobwatch.core.exitcodes import handle_termination
    from jobwatch.streams import guard_stderr

    handle_termination()
    guard_stderr()
    # `import httpx` also imports httpx's own command-line client (Click and Rich, about 60 ms)
    # when they are installed, as they are beside jobwatch; jobwatch never runs it. Marking it
    # absent takes httpx's documented fallback for a missing `httpx[cli]` extra.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    try:
        _run(argv)
    finally:
        # On exit the interpreter collects garbage over every object pydantic, httpx and
        # asyncio made (about 45 ms of a one-off check); nothing left then needs collecting.
        gc.freeze()


def _run(argv: list[str]) -> None:
    from jobwatch.cli.fastpath import parse
    from jobwatch.core.exitcodes import exit_code_of

    parsed = parse(argv)
    if parsed is not None:
        from jobwatch.cli.command import read_command, run_command

        command, given = parsed
        sys.exit(exit_code_of(lambda: run_command(read_command(command, given))))
    from jobwatch.cli.app import main as run_cli

    try:
        run_cli()
    except BrokenPipeError:  # while Typer wrote help or a usage error to stdout
        from jobwatch.core.exitcodes import stdout_closed

        sys.exit(stdout_closed())
