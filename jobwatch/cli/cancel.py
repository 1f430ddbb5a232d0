"""`jobwatch cancel REF... [--file JOBS.TOML]` in the Typer app: the same references as `watch`,
the options that pick credentials and endpoints (commands.py: options_of(CANCEL)), read as a
command of its own kind and run in a session (jobwatch/session/cancel.py)."""

from __future__ import annotations

import inspect
from typing import Any

import typer

from jobwatch.cli.commands import CANCEL, OTHER_COMMANDS, options_of, positionals_of
from jobwatch.cli.help import Command, carries_errors
from jobwatch.cli.jobs import argument_parameter, epilog, option_parameter, streams_of

HELP = (
    "Ask the providers to stop jobs: Firecrawl DELETE (batch scrapes, crawls, agents), Bright "
    "Data POST /datasets/v3/snapshot/ID/cancel (snapshots), Milvus /abort, Coze chats POST "
    "/v3/chat/cancel. Zilliz Cloud, the other Coze kinds, Firecrawl extracts and Bright Data "
    "deliveries and Marketplace snapshots have no cancel (exit 2); a job already finished is not "
    "an error."
)
EXAMPLES = (
    "jobwatch cancel firecrawl-crawl:6a1b2c3d-0000-4000-8000-00000000abcd",
    "jobwatch cancel firecrawl-agent:0c4e8a62-0000-4000-8000-00000000a9e7",
    "jobwatch cancel coze-chat:7381365856095480123/7381371876397940123",
    "jobwatch cancel --file jobs.toml",
)


@carries_errors
def cancel(ctx: typer.Context, **given: Any) -> int:
    from jobwatch.cli.command import read_command, run_command

    return run_command(read_command(CANCEL, given), streams_of(ctx))


def _signature() -> inspect.Signature:
    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context),
        *(argument_parameter(positional) for positional in positionals_of(CANCEL)),
        *(option_parameter(option) for option in options_of(CANCEL)),
    ]
    return inspect.Signature(parameters)


cancel.__signature__ = _signature()  # type: ignore[attr-defined]


def add_cancel_command(app: typer.Typer) -> None:
    app.command(
        "cancel",
        cls=Command,
        help=HELP,
        short_help=OTHER_COMMANDS["cancel"],
        epilog=epilog(EXAMPLES),
    )(cancel)
