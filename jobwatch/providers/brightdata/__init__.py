"""BrightData: its kinds of job, their endpoints and its simulator stand-in (sim.py)."""

from jobwatch.providers.brightdata.snapshots import BrightData

__all__ = ["BrightData"]
