"""The provider table: every provider jobwatch offers, each with its kinds of job. Every
command, `--kind` choice, reference form, jobs-file key and `auth` choice is made from it.
Adding a provider is a folder (its kinds, its endpoints, its simulator stand-in) and one line
below."""

from __future__ import annotations

from jobwatch.providers import brightdata, coze, firecrawl, zilliz
from jobwatch.providers.base import Provider, ProviderEntry

PROVIDERS: dict[str, ProviderEntry] = {
    module.PROVIDER.name: module.PROVIDER for module in (brightdata, zilliz, coze, firecrawl)
}

__all__ = ["PROVIDERS", "Provider", "ProviderEntry"]
