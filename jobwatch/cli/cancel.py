"""`jobwatch cancel REF... [--file JOBS.TOML]` in the Typer app: the same references as `watch`,
the options that pick credentials and endpoints, and what jobwatch/cancel.py does with them."""

from __future__ import annotations

import inspect
from typing import Any

import typer

from jobwatch.cli.commands import FILE, positionals_of, watch_context_options
from jobwatch.cli.help import Command
from jobwatch.cli.jobs import argument_parameter, epilog, option_parameter, run_reporting
from jobwatch.cli.options import SHARED

HELP = (
    "Ask the providers to stop jobs: Firecrawl DELETE (batch scrapes, crawls, agents), Bright "
    "Data POST .../cancel (snapshots), Milvus /abort. Coze, Zilliz Cloud, Firecrawl extracts "
    "and Bright Data deliveries and Marketplace snapshots have no cancel (exit 2); a job "
    "already finished is not an error."
)
EXAMPLES = (
    "jobwatch cancel firecrawl-crawl:6a1b2c3d-0000-4000-8000-00000000abcd",
    "jobwatch cancel firecrawl-agent:0c4e8a62-0000-4000-8000-00000000a9e7",
    "jobwatch cancel --file jobs.toml",
)
# The shared options that mean something to a cancel request.
CANCEL_OPTIONS = (
    "timeout",
    "json",
    "quiet",
    "profile",
    "api_key",
    "base_url",
    "region",
    "request_timeout",
    "debug",
)


def cancel(ctx: typer.Context, **given: Any) -> None:
    from jobwatch.cli.command import WATCH, read_command
    from jobwatch.session.cancel import run_cancel

    run_reporting(ctx, lambda streams: run_cancel(read_command(WATCH, given), streams))


def _signature() -> inspect.Signature:
    from jobwatch.cli.command import WATCH

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context),
        *(argument_parameter(positional) for positional in positionals_of(WATCH)),
        option_parameter(FILE),
        *(option_parameter(option) for option in watch_context_options()),
    ]
    parameters += [option_parameter(o) for o in SHARED if o.name in CANCEL_OPTIONS]
    return inspect.Signature(parameters)


cancel.__signature__ = _signature()  # type: ignore[attr-defined]


def add_cancel_command(app: typer.Typer) -> None:
    app.command(
        "cancel", cls=Command, help=HELP, short_help=HELP.split(":")[0], epilog=epilog(EXAMPLES)
    )(cancel)
