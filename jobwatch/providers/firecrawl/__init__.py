"""Firecrawl: its kinds of job (scrape.py), what they share (api.py) and its simulator
stand-in (sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.firecrawl.scrape import BatchScrape, Crawl

PROVIDER = ProviderEntry(
    "firecrawl",
    "Firecrawl batch scrapes and crawls: GET /v2/batch/scrape/{id}, or with --crawl "
    "/v2/crawl/{id}.",
    kinds=(
        BatchScrape,
        Crawl,
    ),
)
