"""What every Firecrawl kind of job shares: the cloud host and the self-hosted rule for keys,
the key variables, and how an error answer reads (docs/providers/firecrawl.md)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jobwatch.core.errors import GoneError, JobwatchError, RetryableError, StateUnknownError
from jobwatch.http.responses import error_text, raise_for_status
from jobwatch.providers.base import Provider, host_of_url

if TYPE_CHECKING:
    import httpx

CLOUD_BASE_URL = "https://api.firecrawl.dev"
_CLOUD_HOST = host_of_url(CLOUD_BASE_URL)
# "Rate limit exceeded. … Please retry after 1s." (docs/providers/firecrawl.md#errors)
_RETRY_AFTER_TEXT = re.compile(r"retry after (\d+(?:\.\d+)?)\s*s", re.IGNORECASE)


class Firecrawl(Provider):
    """A Firecrawl kind of job (abstract: the kinds are in scrape.py and agent.py)."""

    name = "firecrawl"
    base_urls = {"global": CLOUD_BASE_URL}
    key_env_vars = ("FIRECRAWL_API_KEY",)
    base_url_env_vars = ("FIRECRAWL_API_URL",)
    default_interval = 2.0
    stand_in = "jobwatch.providers.firecrawl.sim"

    @property
    def needs_key(self) -> bool:
        # Self-hosted Firecrawl runs without authentication by default
        # (docs/providers/firecrawl.md#hosts-and-auth).
        return host_of_url(self.base_url) == _CLOUD_HOST

    def error(self, response: httpx.Response) -> JobwatchError:
        """The error an answer that is not 2xx stands for (docs/providers/firecrawl.md#errors)."""
        text = error_text(response, "error", "message")
        if response.status_code == 402:
            return StateUnknownError(
                f"firecrawl: HTTP 402: payment required ({text}); check the plan and credits "
                "of the team that owns this API key"
            )
        try:
            raise_for_status(response, text, provider=self.name)
        except RetryableError as exc:
            if exc.retry_after is None:
                match = _RETRY_AFTER_TEXT.search(text)
                if match:
                    exc.retry_after = float(match[1])
            return exc
        except JobwatchError as exc:
            if response.status_code == 404 and text == "Job expired":
                # Past its TTL (24 h by default): gone, never "not created yet".
                return GoneError(exc.message)
            return exc
        return StateUnknownError(f"firecrawl: HTTP {response.status_code}: {text}")
