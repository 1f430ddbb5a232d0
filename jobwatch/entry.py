"""The console script: answers `jobwatch --version` before importing anything heavy, and
hands every other command line to the Typer app."""

from __future__ import annotations

import sys

from jobwatch import __version__


def version_line() -> str:
    return f"jobwatch {__version__}"


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(version_line())
        return
    from jobwatch.cli import main as run_cli

    run_cli()
