"""The everyday job command lines, read without importing Typer.

Importing Typer (its copy of Click, its pydantic adapters) costs more than a whole status check
over the network. This parser knows nothing of its own: it reads each command's options and
arguments from commandline.py (made from the option and provider tables), and hands what it
read to jobwatch.cli.command.read_command, as the Typer app does. Values are checked there, in
one place, for both. A command line it is not sure of (help, completion, `--`, bundled short
flags, a missing argument) returns None and goes to the Typer app.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from jobwatch.cli.commands import job_commands, options_of, positionals_of


class _Reject(Exception):
    """This command line is for Typer to parse (and, if it is wrong, to explain)."""


def parse(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """(command, what was given) for a command line this parser is sure of, else None."""
    if not argv or argv[0] not in job_commands() or "_JOBWATCH_COMPLETE" in os.environ:
        return None
    command = argv[0]
    options = options_of(command)
    spellings = {spelling: option for option in options for spelling in option.flags}
    given: dict[str, Any] = {option.name: False if option.is_flag else None for option in options}
    words: list[str] = []
    rest = list(argv[1:])
    try:
        while rest:
            word = rest.pop(0)
            if not word.startswith("-") or word == "-":
                words.append(word)
                continue
            spelling, equals, attached = word.partition("=")
            option = spellings.get(spelling)
            if option is None:
                raise _Reject  # --help, --, -wq, a typo: Typer's job
            if option.is_flag:
                if equals:
                    raise _Reject
                given[option.name] = True
            elif equals:
                given[option.name] = attached
            elif rest and not rest[0].startswith("-"):
                given[option.name] = rest.pop(0)
            else:
                raise _Reject
        given.update(_positionals(command, words))
    except _Reject:
        return None
    return command, given


def _positionals(command: str, words: list[str]) -> dict[str, Any]:
    """The words by argument name; Typer explains a missing one."""
    values: dict[str, Any] = {}
    for positional in positionals_of(command):
        if positional.many:
            if positional.required and not words:
                raise _Reject
            values[positional.name], words = list(words) or None, []
        elif words:
            values[positional.name] = words.pop(0)
        else:
            raise _Reject
    return values
