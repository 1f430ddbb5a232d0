"""Zilliz: its kinds of job, their endpoints and its simulator stand-in (sim.py)."""

from jobwatch.providers.zilliz.imports import Zilliz

__all__ = ["Zilliz"]
