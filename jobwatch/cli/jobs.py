"""The job commands of the Typer app (one per provider, and `watch`), made from the option and
provider tables through commandline.py: a function per command whose signature Typer reads."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobwatch.cli.command import WATCH, read_command, run_command
from jobwatch.cli.commands import Positional, job_commands, options_of, positionals_of
from jobwatch.cli.help import Command
from jobwatch.cli.options import Option
from jobwatch.cli.stopped import report_stop
from jobwatch.core.errors import JobwatchError
from jobwatch.core.exitcodes import exit_code_of

if TYPE_CHECKING:
    from jobwatch.streams import Streams

WATCH_HELP = "Watch jobs at several providers in one view, with one exit code."
WATCH_EXAMPLES = (
    "jobwatch watch firecrawl:6a1b2c3d-0000-4000-8000-00000000abcd coze:7441/7442 -t 1h",
    "jobwatch watch --file jobs.toml --json > events.ndjson",
)
# Typer's own exits and usage errors pass through exit_code_of to Typer.
TYPER_EXITS = (typer.Exit, typer.Abort, typer.BadParameter)


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
            short_help=summary.split(":")[0].rstrip("."),
            epilog=epilog(entry.examples if entry else WATCH_EXAMPLES),
        )(_function(command))


def run_reporting(ctx: typer.Context, action: Callable[[Streams | None], int | None]) -> None:
    """Run a command with the output streams a test injects as ctx.obj; its errors become exit
    codes in the one place (exitcodes.exit_code_of), Typer's own exits pass through."""
    from jobwatch.streams import Streams

    streams = ctx.obj if isinstance(ctx.obj, Streams) else None
    code = exit_code_of(lambda: action(streams), passthrough=TYPER_EXITS, on_error=report_stop)
    if code:
        raise typer.Exit(code)


def _function(command: str) -> Callable[..., None]:
    def run(ctx: typer.Context, **given: Any) -> None:
        run_reporting(ctx, lambda streams: run_command(read_command(command, given), streams))

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
    "run_reporting",
]
