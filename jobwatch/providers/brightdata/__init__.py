"""Bright Data: its kinds of job (snapshots.py), what they share (api.py) and the simulator
stand-in (sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.brightdata.snapshots import Snapshot

PROVIDER = ProviderEntry(
    "brightdata",
    "Bright Data dataset snapshots: GET /datasets/v3/progress/{id}.",
    kinds=(Snapshot,),
)
