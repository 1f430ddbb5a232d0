"""How `--help` reads and how usage errors look: help pages in the parameters' own words (no
Python types such as `<list[str]>` or `<int range>`), a command list that wraps instead of
cutting a phrase, and Typer's usage errors in jobwatch's one error style; how the app runs
(`run_app`), its commands' errors carried past Typer to the console entry (cli/main.py)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from jobwatch.core import exitcodes
from jobwatch.core.errors import UsageError

P = ParamSpec("P")
R = TypeVar("R")


def _name(param: Any) -> str:
    """An argument as `JOB_ID...` / `[REF]...`, an option as `-i, --interval SECONDS`."""
    if param.param_type_name == "argument":
        word = param.metavar or param.name.upper()
        many = "..." if param.nargs != 1 else ""
        return f"{word}{many}" if param.required else f"[{word}]{many}"
    spellings = ", ".join(sorted(param.opts, key=len))
    if param.is_flag or not param.metavar:
        return spellings
    return f"{spellings} {param.metavar}"


def _help(param: Any) -> str:
    text: str = getattr(param, "help", None) or ""
    if param.param_type_name == "option" and param.show_default and param.default is not None:
        if not isinstance(param.default, bool):
            text += f"  [default: {param.default}]"
    return text


def _rows(ctx: Any, params: list[Any], kind: str) -> list[tuple[str, str]]:
    return [
        (_name(param), _help(param))
        for param in params
        if param.param_type_name == kind and not getattr(param, "hidden", False)
    ]


class _PlainHelp:
    """The help sections shared by commands and groups."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []  # type: ignore[attr-defined]
        params = self.get_params(ctx)  # type: ignore[attr-defined]
        return pieces + [_name(param) for param in params if param.param_type_name == "argument"]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        params = self.get_params(ctx)  # type: ignore[attr-defined]
        for title, kind in (("Arguments", "argument"), ("Options", "option")):
            rows = _rows(ctx, params, kind)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class Command(_PlainHelp, TyperCommand):
    """A command whose help shows no Python types."""


class Group(_PlainHelp, TyperGroup):
    """A group whose help shows no Python types, and lists its commands without cutting them."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar or "COMMAND [ARGS]..."]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                help_text = command.short_help or (command.help or "").split("\n\n")[0]
                rows.append((name, " ".join(help_text.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class Escaped(Exception):
    """An exception on its way out of a command, past Typer (which would turn Ctrl-C into a bare
    130, SIGTERM too, and a closed stdout into exit 1), to the console entry, which gives it its
    exit code. `run_app` raises the exception it carries."""

    def __init__(self, inner: BaseException) -> None:
        super().__init__(inner)
        self.inner = inner


def carries_errors(command: Callable[P, R]) -> Callable[P, R]:
    """A command whose interrupts and OS errors (a closed stdout) reach the console entry as
    they are; its other errors (JobwatchError, a bug) pass through Typer unchanged anyway."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (KeyboardInterrupt, OSError, EOFError) as exc:
            raise Escaped(exc) from exc

    return wrapper


def run_app(
    app: typer.Typer, prog_name: str, argv: Sequence[str] | None = None, obj: Any = None
) -> int:
    """Run the Typer app on `argv` (default: the process's) and return the command's exit code;
    Typer's usage errors are raised as jobwatch's (UsageError, with a hint). What a command raises
    (jobwatch's errors, interrupts, a closed stdout) is raised to the caller, the console entry
    (cli/main.py). `obj` becomes the commands' ctx.obj (the Streams a test injects)."""
    args = None if argv is None else list(argv)
    try:
        result = app(args=args, prog_name=prog_name, standalone_mode=False, obj=obj)
    except Escaped as carried:
        raise carried.inner from None
    except typer.Abort:
        print("jobwatch: aborted", file=sys.stderr)
        return exitcodes.INTERRUPTED
    except typer.TyperException as exc:  # Typer's (Click's) usage errors
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]
            return exitcodes.USAGE
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else prog_name
        message = exc.format_message().rstrip(".")
        # Raised to the console entry, which prints it and writes what CI reads (exit 2).
        raise UsageError(f"{message} (see `{where} --help`)") from None
    return result if isinstance(result, int) else exitcodes.SUCCESS
