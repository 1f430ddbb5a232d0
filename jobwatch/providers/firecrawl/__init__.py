"""Firecrawl: its kinds of job (scrape.py, agent.py), what they share (api.py) and its
simulator stand-in (sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.firecrawl.agent import Agent, Extract
from jobwatch.providers.firecrawl.scrape import BatchScrape, Crawl

PROVIDER = ProviderEntry(
    "firecrawl",
    "Firecrawl batch scrapes, crawls, agent jobs and extract jobs: GET /v2/batch/scrape/{id}, "
    "or with --crawl /v2/crawl/{id}, --kind agent /v2/agent/{id}, --kind extract "
    "/v2/extract/{id}.",
    kinds=(
        BatchScrape,
        Crawl,
        Agent,
        Extract,
    ),
)
