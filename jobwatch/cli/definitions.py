"""Finding the `[providers.NAME]` tables before the command line is read (README: Your own
provider): in the config file, in `$JOBWATCH_PROVIDERS_FILE`, and in each `--providers FILE`
of the command line. Each table becomes an entry of the provider table, so the fast path and
the Typer app both see its command.

The config file is read here once; `read_command` takes that reading (`config_data`) instead
of reading the file again. Light to import: tomllib and the config module only; the tables are
read by jobwatch.providers.defined, imported only when there is a table.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobwatch import config
from jobwatch.core.errors import UsageError
from jobwatch.files import read_small_text
from jobwatch.providers import PROVIDERS

if TYPE_CHECKING:
    from jobwatch.providers.base import ProviderEntry
    from jobwatch.providers.defined import Table

PROVIDERS_ENV = "JOBWATCH_PROVIDERS_FILE"
OPTION = "--providers"
# The commands that do not need the provider table: they run with a bad table too (`providers
# check` is the one that explains it).
_UNCHECKED = (("providers", "check"), ("auth", "path"))
# Commands that are not a provider's: a broken config file is theirs to report, if they read it.
_OWN_COMMANDS = ("watch", "cancel", "auth", "sim", "demo", "providers")


@dataclass
class Prepared:
    """What the console entry found before dispatching the command line."""

    config_path: Path
    config: dict[str, Any] | None  # None: not readable (then `error`)
    error: UsageError | None = None
    files: list[str] = field(default_factory=list)  # given with --providers, in order
    used: bool = False  # the reading was handed to the command


_prepared: Prepared | None = None


def take_option(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The command line without its `--providers FILE` options (anywhere before `--`), and the
    files they name."""
    rest: list[str] = []
    files: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--":
            rest += [word, *words]
            break
        if word == OPTION or word.startswith(f"{OPTION}="):
            value = word.partition("=")[2] if "=" in word else next(words, "")
            if not value:
                raise UsageError("--providers needs a FILE of [providers.NAME] tables")
            files.append(value)
        else:
            rest.append(word)
    return rest, files


def without_option(argv: Sequence[str]) -> list[str]:
    """The command line without its `--providers FILE` options, as far as it can be read."""
    try:
        return take_option(argv)[0]
    except UsageError:
        return [word for word in argv if word != OPTION]


def prepare(argv: Sequence[str], env: Mapping[str, str] = os.environ) -> list[str]:
    """Register the defined providers, and return the command line left to parse. A table
    that is wrong is a usage error (exit 2) naming its file, table and key, before anything is
    sent, unless the command is one that needs no provider (`auth path`, `providers check`,
    shell completion)."""
    global _prepared
    argv, files = take_option(argv)
    path = config.config_path(env)
    try:
        data: dict[str, Any] | None = config.load(path)
        error = None
    except UsageError as exc:  # reported by the command that reads the config, if it does
        data, error = None, exc
    _prepared = Prepared(path, data, error, files)
    words = [word for word in argv if not word.startswith("-")]
    try:
        register(entries(data, path, [*env_files(env), *files]))
    except UsageError:
        if tuple(words[:2]) not in _UNCHECKED and "_JOBWATCH_COMPLETE" not in env:
            raise
    if error is not None and words and words[0] not in (*PROVIDERS, *_OWN_COMMANDS):
        raise error  # `jobwatch my-provider ID` with a config file that cannot be read
    return argv


def env_files(env: Mapping[str, str] = os.environ) -> list[str]:
    value = env.get(PROVIDERS_ENV, "")
    return [value] if value else []


def given_files() -> list[str]:
    """The `--providers` files of this run's command line (the re-attach hint repeats them)."""
    return list(_prepared.files) if _prepared else []


def config_data(path: Path) -> dict[str, Any]:
    """The config file, as the console entry read it (once: a second call reads it again), or
    as read now when it did not."""
    prepared = _prepared
    if prepared is not None and prepared.config_path == path and not prepared.used:
        prepared.used = True
        if prepared.error is not None:
            raise prepared.error
        if prepared.config is not None:
            return prepared.config
    return config.load(path)


def forget() -> None:
    """Drop what `prepare` found (tests that prepare more than once)."""
    global _prepared
    _prepared = None


# -- the tables -------------------------------------------------------------------------------


def read_providers_file(name: str) -> Any:
    """The `[providers]` table of a providers file: such tables and nothing else."""
    path = Path(name)
    text = read_small_text(path, "providers file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = config.toml_problem(exc)
        raise UsageError(f"providers file {name} is not valid TOML: {problem}") from None
    for key in data:
        if key != "providers":
            raise UsageError(
                f"{name}: unknown key {key!r}: a providers file holds [providers.NAME] tables only"
            )
    if not data.get("providers"):
        raise UsageError(f"{name}: no [providers.NAME] table in it")
    return data["providers"]


def sources(
    data: Mapping[str, Any] | None, path: Path, files: Sequence[str]
) -> list[tuple[str, Any]]:
    """(where, its `[providers]` table) for the config file (when it has one) and each file."""
    found: list[tuple[str, Any]] = []
    if data and "providers" in data:
        found.append((str(path), data["providers"]))
    found += [(name, read_providers_file(name)) for name in files]
    return found


def builtin_entries() -> dict[str, ProviderEntry]:
    """The provider table without the providers `register` added (loading every folder)."""
    return {name: PROVIDERS[name] for name in PROVIDERS if name not in _registered}


def entries(
    data: Mapping[str, Any] | None, path: Path, files: Sequence[str]
) -> list[ProviderEntry]:
    """The providers the config file's tables and the files' tables define, checked; a name
    taken twice is an error naming both places."""
    found = sources(data, path, files)
    if not found:
        return []
    from jobwatch.providers.defined import define, names_in_use, read_tables

    taken = names_in_use(builtin_entries())
    made: list[ProviderEntry] = []
    for where, tables in found:
        batch: list[Table] = read_tables(tables, where=where, taken=taken)
        for table in batch:
            taken[table.name] = f"the provider {table.name} of {where}"
            made.append(define(table))
    return made


_registered: list[str] = []  # the names `register` added to the provider table


def register(defined: Sequence[ProviderEntry]) -> None:
    """Make these the defined providers of the provider table (after the built-in ones, which
    stay unloaded until read)."""
    for name in _registered:
        PROVIDERS.pop(name, None)
    _registered[:] = [entry.name for entry in defined]
    for entry in defined:
        PROVIDERS[entry.name] = entry
