"""The provider adapters. Adding one means a folder and its name on the line below."""

from __future__ import annotations

from jobwatch.providers.base import Provider
from jobwatch.providers.brightdata import BrightData
from jobwatch.providers.coze import Coze
from jobwatch.providers.firecrawl import Firecrawl
from jobwatch.providers.zilliz import Zilliz

# Every command, reference form, jobs-file key and `auth` choice is made from this table.
PROVIDERS: dict[str, type[Provider]] = {
    cls.name: cls for cls in (BrightData, Zilliz, Coze, Firecrawl)
}

__all__ = ["PROVIDERS", "BrightData", "Coze", "Firecrawl", "Provider", "Zilliz"]
