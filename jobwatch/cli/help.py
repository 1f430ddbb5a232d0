"""How `--help` reads and how usage errors look: help pages in the parameters' own words (no
Python types such as `<list[str]>` or `<int range>`), a command list that wraps instead of
cutting a phrase, and Typer's usage errors in jobwatch's one error style; how the app runs
(`run_app`), its commands' errors carried past Typer to the console entry (cli/main.py)."""

from __future__ import annotations

import functools
import re
import shlex
import sys
import textwrap
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


# Kept on one line when help text wraps: `[default: 5]`, `10 s`.
_UNBROKEN = re.compile(r"\[default: [^\]]*\]|\d (?:s|ms|m|h|MiB)\b")
_KEEP = "\x00"  # stands for a space that must not break while the text is wrapped


def write_dl(formatter: Any, rows: Sequence[tuple[str, str]]) -> None:
    """A definition list (options, commands) that wraps its text at words without breaking
    `[default: 5]` or `10 s`; the first column narrows on a narrow terminal, and an entry
    wider than it gets a line of its own."""
    width = formatter.width
    indent = formatter.current_indent
    first = min(max((len(name) for name, _ in rows), default=0), 30, max(12, (width - indent) // 3))
    column = indent + first + 2
    for name, text in rows:
        line = " " * indent + name
        protected = _UNBROKEN.sub(lambda found: found.group(0).replace(" ", _KEEP), text)
        words = textwrap.wrap(
            protected, max(width - column, 20), break_long_words=False, break_on_hyphens=False
        )
        if not words:
            formatter.write(line + "\n")
            continue
        if len(name) <= first:
            formatter.write(line.ljust(column) + words[0].replace(_KEEP, " ") + "\n")
            rest = words[1:]
        else:
            formatter.write(line + "\n")
            rest = words
        for part in rest:
            formatter.write(" " * column + part.replace(_KEEP, " ") + "\n")


def shell_lines(command: str, width: int) -> list[str]:
    """An example command in lines of at most `width` cells, broken between shell words with
    a ` \\` continuation (the next lines indented 4), so it still runs when pasted; a word
    longer than a line stays whole."""
    if len(command) <= width:
        return [command]
    try:
        words = shlex.split(command, posix=False)
    except ValueError:
        return [command]
    lines: list[str] = []
    current = ""
    for word in words:
        lead = "    " if lines else ""
        candidate = f"{current} {word}" if current else lead + word
        if current and len(candidate) + 2 > width:
            lines.append(current + " \\")
            current = "    " + word
        else:
            current = candidate
    lines.append(current)
    return lines


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
                    write_dl(formatter, rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """The examples: each command whole, or broken between words with ` \\`."""
        epilog = getattr(self, "epilog", None)
        if not epilog:
            return
        formatter.write_paragraph()
        with formatter.indentation():
            room = formatter.width - formatter.current_indent
            for line in epilog.replace("\b\n", "").splitlines():
                if not line.strip():
                    formatter.write("\n")
                    continue
                lead = line[: len(line) - len(line.lstrip())]
                for part in shell_lines(line.strip(), room - len(lead)):
                    formatter.write(" " * formatter.current_indent + lead + part + "\n")


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
                write_dl(formatter, rows)


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
