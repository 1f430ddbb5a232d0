"""The everyday command lines of the job commands, parsed without Typer.

Importing Typer (its copy of Click, its pydantic adapters) and letting it parse costs more
than a whole status check over the network. This parser takes a provider command or `watch`
with its arguments and the options of PRODUCT.md section 1, and hands the same parameter
values to commands.run_jobs. A command line it is not sure of (help, completion, `--`,
bundled short flags, a value it would have to reject) returns None and goes to the Typer app,
which stays the reference: tests check that both read every option alike.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jobwatch.options import ColorMode, ProgressMode, Region

_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_WHOLE = re.compile(r"^\d+$")


class _Reject(Exception):
    """This command line is for Typer to parse (and, if it is wrong, to explain)."""


def _flag(_: str) -> bool:
    return True


def _number(minimum: float) -> Callable[[str], float]:
    def convert(text: str) -> float:
        if not _NUMBER.match(text) or float(text) < minimum:
            raise _Reject
        return float(text)

    return convert


def _whole(text: str) -> int:
    if not _WHOLE.match(text):
        raise _Reject
    return int(text)


def _text(text: str) -> str:
    return text


def _choice(enum: Any) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return enum(text)
        except ValueError:
            raise _Reject from None

    return convert


# Option spellings → (parameter name, converter, default). Flags convert nothing.
Spec = dict[str, tuple[str, Callable[[str], Any], Any]]

_SHARED: Spec = {
    "--interval": ("interval", _number(0.1), None),
    "-i": ("interval", _number(0.1), None),
    "--timeout": ("timeout", _text, None),
    "-t": ("timeout", _text, None),
    "--json": ("json", _flag, False),
    "--quiet": ("quiet", _flag, False),
    "-q": ("quiet", _flag, False),
    "--progress": ("progress", _choice(ProgressMode), ProgressMode.AUTO),
    "--color": ("color", _choice(ColorMode), ColorMode.AUTO),
    "--fail-fast": ("fail_fast", _flag, False),
    "--profile": ("profile", _text, None),
    "--api-key": ("api_key", _text, None),
    "--base-url": ("base_url", _text, None),
    "--max-retries": ("max_retries", _whole, 5),
    "--request-timeout": ("request_timeout", _number(0.1), 10.0),
    "--debug": ("debug", _flag, False),
}
_WATCH_FLAG: Spec = {"--watch": ("watch", _flag, False), "-w": ("watch", _flag, False)}
_REGION: Spec = {"--region": ("region", _choice(Region), None)}

OPTIONS: dict[str, Spec] = {
    "brightdata": {**_SHARED, **_WATCH_FLAG},
    "zilliz": {
        **_SHARED,
        **_WATCH_FLAG,
        **_REGION,
        "--cluster-id": ("cluster_id", _text, None),
    },
    "coze": {**_SHARED, **_WATCH_FLAG, **_REGION},
    "firecrawl": {**_SHARED, **_WATCH_FLAG, "--crawl": ("crawl", _flag, False)},
    "watch": {
        **_SHARED,
        **_REGION,
        "--file": ("file", Path, None),
        "-f": ("file", Path, None),
    },
}


def _positionals(command: str, words: list[str]) -> dict[str, Any]:
    """The command's arguments by parameter name; Typer's checks for the missing ones."""
    if command == "watch":
        return {"refs": words or None}
    if command == "coze":
        if len(words) < 2:
            raise _Reject
        return {"dataset_id": words[0], "document_ids": words[1:]}
    if not words:
        raise _Reject
    return {"snapshot_ids" if command == "brightdata" else "job_ids": words}


def parse(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """(command, parameter values) for a command line this parser is sure of, else None."""
    if not argv or argv[0] not in OPTIONS or "_JOBWATCH_COMPLETE" in os.environ:
        return None
    command, spec = argv[0], OPTIONS[argv[0]]
    values = {name: default for name, _, default in spec.values()}
    words: list[str] = []
    rest = list(argv[1:])
    try:
        while rest:
            word = rest.pop(0)
            if not word.startswith("-"):
                words.append(word)
                continue
            spelling, equals, attached = word.partition("=")
            if spelling not in spec:
                raise _Reject  # --help, --, -wq, a typo: Typer's job
            name, convert, _ = spec[spelling]
            if convert is _flag:
                if equals:
                    raise _Reject
                values[name] = True
                continue
            if equals:
                value = attached
            elif rest and not rest[0].startswith("-"):
                value = rest.pop(0)
            else:
                raise _Reject
            values[name] = convert(value)
        values.update(_positionals(command, words))
    except _Reject:
        return None
    return command, values
