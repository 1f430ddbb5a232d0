"""What every Bright Data kind of job shares: the host, the key variables and the request rate
that keeps an IP clear of Bright Data's block (docs/providers/brightdata.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobwatch.http.responses import error_text, raise_for_status
from jobwatch.providers.base import Provider

if TYPE_CHECKING:
    import httpx

# The status jobwatch shows for a body without a `status` field (a delivery under way, a
# Marketplace snapshot the SDK would call `scheduled`): there is no provider word to keep.
NO_STATUS = "no status"


class BrightData(Provider):
    """A Bright Data kind of job (abstract: the kinds are in snapshots.py, deliveries.py and
    marketplace.py)."""

    name = "brightdata"
    base_urls = {"global": "https://api.brightdata.com"}
    key_env_vars = ("BRIGHTDATA_API_TOKEN", "BRIGHTDATA_API_KEY")
    default_interval = 10.0
    # The official SDK limits itself to 10 requests/s; an IP with 25 429s in 5 minutes is
    # blocked, so we stay well clear (docs/providers/brightdata.md#rate-limits).
    max_requests_per_second = 10.0
    stand_in = "jobwatch.providers.brightdata.sim"

    def check_status(self, response: httpx.Response) -> None:
        """Raise the error of an answer that is not 2xx: error bodies are JSON (`{"error": …}`)
        or plain text (docs/providers/brightdata.md#errors)."""
        raise_for_status(response, error_text(response, "error", "message"), provider=self.name)
