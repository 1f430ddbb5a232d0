"""The console script: answers `jobwatch --version` before importing anything heavy, registers
the defined providers (`--providers FILE` and the config file's `[providers.NAME]` tables:
definitions.py), runs the everyday job command lines without Typer (fastpath.py), and hands
every other command line to the Typer app (app.py). SIGTERM and SIGHUP end a run like Ctrl-C;
a closed stderr never raises."""

from __future__ import annotations

import gc
import sys

from jobwatch import version_line


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        print(version_line())
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
    from jobwatch.cli.definitions import prepare
    from jobwatch.core.exitcodes import exit_code_of

    # The defined providers join the provider table first: both parsers are made from it.
    rest: list[str] = []

    def registered() -> None:
        rest.extend(prepare(argv))

    code = exit_code_of(registered)
    if code:
        sys.exit(code)
    argv = rest
    from jobwatch.cli.fastpath import parse

    parsed = parse(argv)
    if parsed is not None:
        from jobwatch.cli.command import read_command, run_command

        command, given = parsed
        sys.exit(exit_code_of(lambda: run_command(read_command(command, given))))
    from jobwatch.cli.app import main as run_cli

    run_cli(argv)
