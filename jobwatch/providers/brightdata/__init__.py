"""Bright Data: its kinds of job (snapshots.py, deliveries.py, marketplace.py), what they share
(api.py) and the simulator stand-in (sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.brightdata.deliveries import Delivery
from jobwatch.providers.brightdata.marketplace import MarketplaceSnapshot
from jobwatch.providers.brightdata.snapshots import Snapshot

PROVIDER = ProviderEntry(
    "brightdata",
    "Bright Data dataset snapshots, deliveries and Marketplace snapshots: GET "
    "/datasets/v3/progress/{id}, or with --kind delivery /datasets/v3/delivery/{id}, --kind "
    "marketplace /datasets/snapshots/{id}.",
    kinds=(
        Snapshot,
        Delivery,
        MarketplaceSnapshot,
    ),
)
