"""Firecrawl: its kinds of job, their endpoints and its simulator stand-in (sim.py)."""

from jobwatch.providers.firecrawl.scrape import Firecrawl

__all__ = ["Firecrawl"]
