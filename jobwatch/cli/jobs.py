"""The job commands of the Typer app (one per provider, and `watch`), made from the option and
provider tables through commands.py: a function per command whose signature Typer reads. Each
returns its exit code, or raises, to the console entry (cli/main.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobwatch.cli.command import WATCH, read_command, run_command
from jobwatch.cli.commands import (
    WATCH_HELP,
    Positional,
    job_commands,
    options_of,
    positionals_of,
    short_help,
)
from jobwatch.cli.help import Command, carries_errors
from jobwatch.cli.options import Option
from jobwatch.core.errors import JobwatchError

if TYPE_CHECKING:
    from jobwatch.streams import Streams

WATCH_EXAMPLES = (
    "jobwatch watch firecrawl:6a1b2c3d-0000-4000-8000-00000000abcd coze:7441/7442 -t 1h",
    "jobwatch watch --file jobs.toml --json > events.ndjson",
)


def epilog(examples: tuple[str, ...]) -> str:
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in examples)


def add_job_commands(app: typer.Typer) -> None:
    """A command per provider, and `watch`."""
    from jobwatch.providers import PROVIDERS

    for command in job_commands():
        entry = PROVIDERS.get(command)
        summary = entry.summary if entry else WATCH_HELP
        app.command(
            command,
            cls=Command,
            help=summary,
            short_help=short_help(summary),
            epilog=epilog(entry.examples if entry else WATCH_EXAMPLES),
        )(_function(command))


def streams_of(ctx: typer.Context) -> Streams | None:
    """The output streams the console entry (or a test) hands the app as ctx.obj."""
    from jobwatch.streams import Streams

    return ctx.obj if isinstance(ctx.obj, Streams) else None


def _function(command: str) -> Callable[..., int]:
    @carries_errors
    def run(ctx: typer.Context, **given: Any) -> int:
        return run_command(read_command(command, given), streams_of(ctx))

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
    ]
    parameters += [argument_parameter(positional) for positional in positionals_of(command)]
    parameters += [option_parameter(option) for option in options_of(command)]
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__name__ = command
    return run


def argument_parameter(positional: Positional) -> inspect.Parameter:
    words = positional.completions
    info = typer.Argument(
        metavar=positional.metavar,
        help=positional.help,
        show_default=False,
        autocompletion=(lambda incomplete: [w for w in words if w.startswith(incomplete)])
        if words
        else None,
    )
    if positional.many:
        kind: Any = list[str] if positional.required else list[str] | None
    else:
        kind = str
    return inspect.Parameter(
        positional.name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[kind, info],
        default=inspect.Parameter.empty if positional.required else None,
    )


def option_parameter(option: Option) -> inspect.Parameter:
    if option.is_flag:
        info = typer.Option(*option.flags, help=option.help)
        return inspect.Parameter(
            option.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[bool, info],
            default=False,
        )
    default = f"  [default: {option.default}]" if option.default is not None else ""
    info = typer.Option(
        *option.flags,
        help=option.help + default,
        metavar=option.metavar,
        show_default=False,
        autocompletion=_completer(option),
    )
    return inspect.Parameter(
        option.name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[str | None, info],
        default=None,
    )


def _completer(option: Option) -> Callable[[str], list[str]] | None:
    if option.choices:
        choices = option.choices
        return lambda incomplete: [word for word in choices if word.startswith(incomplete)]
    if option.name == "profile":
        return complete_profiles
    return None


def complete_profiles(incomplete: str) -> list[str]:
    """Profile names from the config file, for shell completion."""
    from jobwatch import config

    try:
        profiles = config.load(config.config_path()).get("profiles", {})
    except JobwatchError:
        return []
    return [name for name in sorted(profiles) if name.startswith(incomplete)]


__all__ = [
    "WATCH",
    "add_job_commands",
    "argument_parameter",
    "complete_profiles",
    "epilog",
    "option_parameter",
    "streams_of",
]
