"""How `--help` reads and how usage errors look: help pages in the parameters' own words (no
Python types such as `<list[str]>` or `<int range>`), a command list that wraps instead of
cutting a phrase, and Typer's usage errors in jobwatch's one error style."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


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


def run_app(app: typer.Typer, prog_name: str) -> int:
    """Run the Typer app; its usage errors read `jobwatch: error: …` with a hint, exit 2."""
    try:
        result = app(prog_name=prog_name, standalone_mode=False)
    except typer.Abort:
        print("jobwatch: aborted", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # Typer's (Click's) usage errors
        from jobwatch.cli.stopped import report_stop

        code = int(getattr(exc, "exit_code", 2))
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]
            report_stop("no command given (see `jobwatch --help`)", 2)
            return 2
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else prog_name
        message = f"{exc.format_message().rstrip('.')} (see `{where} --help`)"
        print(f"jobwatch: error: {message}", file=sys.stderr)
        report_stop(message, code)
        return code
    return result if isinstance(result, int) else 0
