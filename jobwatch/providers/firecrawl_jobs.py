"""Firecrawl's active-crawl list and cancel (specs/ENDPOINTS-NEXT.md sections 1.2 and 1.3),
beside firecrawl.py so that the status adapter stays small.

- `GET /v2/crawl/active`: `{"success": true, "crawls": [{"id", "teamId", "url", ...}]}`, no
  `status` field (everything listed is running), no paging, crawls only.
- `DELETE /v2/crawl/{id}` or `/v2/batch/scrape/{id}`: 200 `{"status": "cancelled"}`; a
  finished job answers 409 `{"error": "Crawl is already completed"}` on newer builds (the
  Aug-2025 build answers 200 and then reports the finished job as cancelled); 404 unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from pydantic import BaseModel, ConfigDict

from jobwatch.errors import StateUnknownError
from jobwatch.http import Client, error_text
from jobwatch.providers.base import read_json_body

if TYPE_CHECKING:
    from jobwatch.providers.firecrawl import Firecrawl


class ActiveCrawl(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    id: str


class ActiveCrawlsBody(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    success: bool | None = None
    error: str | None = None
    crawls: list[ActiveCrawl] = []


def running_request(provider: Firecrawl, client: Client) -> httpx.Request:
    return provider.request(client, "running")


def parse_running(provider: Firecrawl, response: httpx.Response) -> list[str]:
    if response.status_code >= 300:
        raise provider._error(response)
    body = read_json_body(
        ActiveCrawlsBody, response, provider=provider.name, what="firecrawl: unexpected active list"
    )
    if body.success is False:
        raise StateUnknownError(f"firecrawl: listing active crawls failed: {body.error or '?'}")
    return [crawl.id for crawl in body.crawls]


def cancel_request(provider: Firecrawl, client: Client, job_id: str) -> httpx.Request:
    return provider.request(client, "cancel", kind=provider.kind, job_id=job_id)


def parse_cancel(provider: Firecrawl, response: httpx.Response) -> bool:
    if response.status_code == 409:
        return False  # "Crawl is already completed" (batch scrapes say the same)
    if response.status_code >= 300:
        raise provider._error(response)
    text = error_text(response, "status", "error", "message")
    if text != "cancelled":
        raise StateUnknownError(f"firecrawl: unexpected cancel answer: {text}")
    return True
