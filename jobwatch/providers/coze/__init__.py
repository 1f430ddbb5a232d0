"""Coze: its kinds of job, their endpoints and its simulator stand-in (sim.py)."""

from jobwatch.providers.coze.documents import Coze

__all__ = ["Coze"]
