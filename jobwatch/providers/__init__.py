"""The provider table: every provider jobwatch offers, each with its kinds of job. Every
command, `--kind` choice, reference form, jobs-file key and `auth` choice is made from it.
Adding a provider is a folder (its kinds, its endpoints, its simulator stand-in) and one line in
BUILT_IN below.

A built-in provider's folder is imported the first time its entry is read: a command that
names one provider (`jobwatch firecrawl ID`) loads that provider alone."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

from jobwatch.providers.base import Provider, ProviderEntry

# The built-in providers, in the order commands and help list them: name -> its folder.
BUILT_IN = {
    "brightdata": "jobwatch.providers.brightdata",
    "zilliz": "jobwatch.providers.zilliz",
    "coze": "jobwatch.providers.coze",
    "firecrawl": "jobwatch.providers.firecrawl",
}


class ProviderTable(MutableMapping[str, ProviderEntry]):
    """The providers by name; a built-in one is loaded from its folder's `PROVIDER` when first
    read, and more are registered (a test's, or a user's `[providers.NAME]` table)."""

    def __init__(self, folders: dict[str, str]) -> None:
        self._folders = dict(folders)
        self._entries: dict[str, ProviderEntry] = {}
        self._order = list(folders)

    def __getitem__(self, name: str) -> ProviderEntry:
        entry = self._entries.get(name)
        if entry is None:
            if name not in self._folders:
                raise KeyError(name)
            entry = self._entries[name] = importlib.import_module(self._folders[name]).PROVIDER
        return entry

    def __setitem__(self, name: str, entry: ProviderEntry) -> None:
        if name not in self._order:
            self._order.append(name)
        self._folders.pop(name, None)
        self._entries[name] = entry

    def __delitem__(self, name: str) -> None:
        if name not in self._order:
            raise KeyError(name)
        self._order.remove(name)
        self._folders.pop(name, None)
        self._entries.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._order


PROVIDERS = ProviderTable(BUILT_IN)

__all__ = ["BUILT_IN", "PROVIDERS", "Provider", "ProviderEntry", "ProviderTable"]
