"""Firecrawl's `/errors` of a crawl or batch scrape (specs/ENDPOINTS-NEXT.md section 1.1): when
to fall back to v1 (servers without the v2 batch route), and the body read into the JOB's
`extra`.

The body: `{"errors": [{"id", "timestamp"?, "url", "code"?, "error"}], "robotsBlocked":
["url", ...]}`, no `success` field, no paging; the SDKs also accept it wrapped in `data`.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, field_validator

from jobwatch.errors import StateUnknownError
from jobwatch.http import expect_json_object, json_body
from jobwatch.providers.base import read_body

# The JOB keeps this many errors and robots.txt-blocked URLs; the totals say how many in all.
KEPT = 20


class ErrorEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    url: str = ""
    error: str = ""
    code: str | None = None

    @field_validator("url", "error", "code", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # A number or null where text belongs is read as text, not refused.
        return None if value is None else str(value) if isinstance(value, int | float) else value


class ErrorsBody(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    errors: list[ErrorEntry] = []
    robotsBlocked: list[str] = []  # noqa: N815 - the provider's name


def wants_v1(response: httpx.Response) -> bool:
    """True for the answer of a server without the v2 batch route: a 404 that is not JSON
    (Express's `Cannot GET` page). A JSON 404 (`Job not found`) is the job's own answer."""
    return (
        response.status_code == 404
        and "/v2/batch/scrape/" in response.request.url.path
        and json_body(response) is None
    )


def read_errors(response: httpx.Response) -> dict[str, Any]:
    """A 2xx errors body as the JOB's `extra` fields: `errors` (the first 20, each `{"url",
    "error", "code"}`), `errors_total`, `robots_blocked` (the first 20 URLs that robots.txt
    kept out, as the provider lists them) and `robots_blocked_total`."""
    raw = expect_json_object(response, provider="firecrawl")
    inner = raw.get("data")
    if isinstance(inner, dict) and "errors" not in raw:
        raw = inner  # the SDKs' `body.get("data", body)`
    if "errors" not in raw:
        raise StateUnknownError("firecrawl: the errors answer has no `errors` list")
    body = read_body(ErrorsBody, raw, "firecrawl: unexpected errors body")
    return {
        "errors": [entry.model_dump() for entry in body.errors[:KEPT]],
        "errors_total": len(body.errors),
        "robots_blocked": body.robotsBlocked[:KEPT],
        "robots_blocked_total": len(body.robotsBlocked),
    }
