"""Providers defined by data, with no code: the `[providers.NAME]` tables of the config file
and of `--providers FILE` (README: Your own provider).

`tables.py` reads one table strictly, `pointer.py` is its JSON pointers (RFC 6901), `kind.py`
turns a table into a provider entry of one kind whose class is made from the table's data, and
`sim.py` is that kind's stand-in in `jobwatch sim`. An entry is registered in the provider
table like any built-in one (jobwatch/providers/__init__.py), before the command line is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobwatch.core.errors import UsageError
from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.defined.kind import Defined, define
from jobwatch.providers.defined.tables import RESERVED_NAMES, Table, read_table, shown


def names_in_use(entries: Mapping[str, ProviderEntry]) -> dict[str, str]:
    """Each name a table may not take, with what holds it: the providers, and every `watch`
    reference prefix of their kinds (`firecrawl-crawl`)."""
    taken = {}
    for name, entry in entries.items():
        where = "the built-in provider" if entry.origin == "built in" else "the provider"
        held = f"{where} {name}" + ("" if entry.origin == "built in" else f" of {entry.origin}")
        taken[name] = held
        for cls in entry.kinds:
            for form in cls.reference_forms():
                taken.setdefault(form.prefix, f"the reference prefix {form.prefix}: of {name}")
    return taken


def read_tables(providers: Any, *, where: str, taken: Mapping[str, str]) -> list[Table]:
    """Every table of a file's `[providers]` table, checked (`where` names the file)."""
    if not isinstance(providers, dict):
        raise UsageError(f"{where}: [providers] should be a table of [providers.NAME] tables")
    tables = []
    held = dict(taken)
    for name, raw in providers.items():
        table = read_table(name, raw, where=where, taken=held)
        held[name] = f"the provider {name} of {where}"
        tables.append(table)
    return tables


def define_all(providers: Any, *, where: str, taken: Mapping[str, str]) -> list[ProviderEntry]:
    """The providers a file's `[providers]` table defines, checked."""
    return [define(table) for table in read_tables(providers, where=where, taken=taken)]


__all__ = [
    "RESERVED_NAMES",
    "Defined",
    "Table",
    "define",
    "define_all",
    "names_in_use",
    "read_table",
    "read_tables",
    "shown",
]
