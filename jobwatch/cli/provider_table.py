"""`jobwatch providers`: every provider, built in or defined by a table, and where; `jobwatch
providers check [FILE]`: the tables checked, each with what it sends and reads (README: Your
own provider)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobwatch.cli.auth import print_table
from jobwatch.cli.help import Command, Group, carries_errors
from jobwatch.cli.jobs import epilog
from jobwatch.core.errors import UsageError
from jobwatch.core.keys import env_name
from jobwatch.core.sanitize import clean_text
from jobwatch.providers import PROVIDERS

if TYPE_CHECKING:
    from jobwatch.providers.defined import Table

providers_app = typer.Typer(
    cls=Group,
    help="List the providers, built in and defined by [providers.NAME] tables, and check tables.",
    rich_markup_mode=None,
    epilog=epilog(
        (
            "jobwatch providers",
            "jobwatch providers check providers.toml",
            "jobwatch --providers providers.toml providers",
        )
    ),
)


@providers_app.callback(invoke_without_command=True)
@carries_errors
def providers_list(ctx: typer.Context) -> None:
    """List every provider: its name, kinds of job, where it was defined, and what it watches."""
    if ctx.invoked_subcommand is not None:
        return
    rows = [
        (name, ", ".join(entry.kind_names()), entry.origin, entry.summary)
        for name, entry in PROVIDERS.items()
    ]
    print_table([(*(clean_text(cell, ()) for cell in row),) for row in rows])


@providers_app.command(
    "check",
    cls=Command,
    epilog=epilog(("jobwatch providers check", "jobwatch providers check providers.toml")),
)
@carries_errors
def providers_check(
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE",
            help="A file of [providers.NAME] tables (default: the config file's tables, "
            "$JOBWATCH_PROVIDERS_FILE and each --providers FILE).",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Check [providers.NAME] tables: each table's problem (exit 2), or what it sends and reads."""
    from jobwatch import config
    from jobwatch.cli import definitions
    from jobwatch.providers.defined import names_in_use, read_table

    path = config.config_path()
    found: list[tuple[str, Any]] = []
    problems: list[str] = []
    if file is not None and Path(file).resolve() == path.resolve():
        file = None  # the config file itself: its [providers] tables
        names = []
    else:
        names = (
            [file] if file is not None else [*definitions.env_files(), *definitions.given_files()]
        )
    if file is None:
        data = definitions.config_data(path)
        if "providers" in data:
            found.append((str(path), data["providers"]))
    for name in names:
        try:
            found.append((name, definitions.read_providers_file(name)))
        except UsageError as error:
            problems.append(error.message)
    taken = names_in_use(definitions.builtin_entries())
    good = 0
    for where, tables in found:
        if not isinstance(tables, dict):
            problems.append(f"{where}: [providers] should be a table of [providers.NAME] tables")
            continue
        for name, raw in tables.items():
            try:
                table = read_table(name, raw, where=where, taken=taken)
            except UsageError as error:
                problems.append(error.message)
                continue
            taken[name] = f"the provider {name} of {where}"
            good += 1
            print("\n".join(describe(table)), flush=True)
    for problem in problems:
        print(f"jobwatch: error: {problem}", file=sys.stderr)
    if not found and not problems:
        print(
            f"no [providers.NAME] tables in {path} (nor in ${definitions.PROVIDERS_ENV} or a "
            "--providers FILE)",
            file=sys.stderr,
        )
    return 2 if problems else 0


def describe(table: Table) -> list[str]:
    """What a table makes jobwatch send and read, one line each (its own text cleaned)."""

    def clean(text: str) -> str:
        return clean_text(text, ())

    sites = list(table.base_urls.items())
    if len(sites) == 1:
        where = f"base URL:  {sites[0][1]}"
    else:
        listed = ", ".join(f"{site} {url}" for site, url in sites)
        where = f"sites:     {listed} (--region; default {sites[0][0]})"
    variables = [f"${v}" for v in (f"JOBWATCH_{env_name(table.name)}_API_KEY", *table.key_env)]
    lines = [
        f"{clean(table.origin)}: [providers.{table.name}] ok: {table.summary}",
        f"  {where}",
        f"  status:    {table.status}"
        + (f"  body {clean(json.dumps(table.body))}" if table.body is not None else ""),
        f"  cancel:    {table.cancel or 'none (jobwatch cancel: exit 2)'}",
        f"  key:       {table.key_header}, from {', '.join(variables)}, --api-key or "
        f"`jobwatch auth set {table.name}`",
    ]
    if table.headers:
        lines.append(f"  headers:   {', '.join(name for name, _ in table.headers)}")
    read = ", ".join(f"{name} at {clean(pointer.text) or '(the whole answer)'}"
                     for name, pointer in table.read.items())  # fmt: skip
    if table.progress_scale != 1.0:
        read += f" (progress out of {table.progress_scale:g})"
    lines.append(f"  reads:     {read}")
    words = "; ".join(
        f"{state}: {', '.join(clean(word) for word in listed)}"
        for state, listed in table.words.items()
    )
    lines.append(f"  states:    {words}; any other word: running, with a warning")
    not_found = ", ".join(["HTTP 404", *(clean(str(rule)) for rule in table.not_found)])
    lines.append(f"  not found: {not_found}")
    unit = f", counts in {table.unit}" if table.unit else ""
    lines.append(f"  polls:     every {table.interval:g} s{unit}")
    return lines


__all__ = ["describe", "providers_app"]
