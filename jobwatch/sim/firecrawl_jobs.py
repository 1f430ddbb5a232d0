"""Firecrawl's job endpoints beside status (specs/ENDPOINTS-NEXT.md section 1):

- `GET /v{1,2}/{crawl,batch/scrape}/{id}/errors`: `{"errors": [...], "robotsBlocked": [...]}`
  with no `success` field, the whole list in one body. A `-partial` job lists exactly its
  `total - completed` failed pages (28 at its end), a `-fail` job 3 once it has failed. An id
  containing `-oldserver` gets the Aug-2025 server's answer on the v2 batch route, which it
  lacks: Express's HTML 404 (`Cannot GET ...`); the v1 route answers.
- `GET /v{1,2}/crawl/active` (alias `/ongoing`): `{"success": true, "crawls": [...]}` of the
  seen crawls that are not finished; no `status` field, no paging, no batch scrapes.
- `DELETE /v2/crawl/{id}`, `DELETE /v2/batch/scrape/{id}` (newer builds): a running job ->
  200 `{"status": "cancelled"}` (again for a cancelled one); a completed or failed one ->
  409 `{"error": "Crawl is already completed"}`; unknown -> 404 as the status route.
"""

from __future__ import annotations

import uuid

from jobwatch.sim.firecrawl import (
    PARTIAL_COMPLETED,
    PARTIAL_TOTAL,
    PROVIDER,
    auth_error,
    visit_job,
)
from jobwatch.sim.jobbook import JobBook, Visit
from jobwatch.sim.replies import JsonObject, Reply, SimRequest, iso_millis, json_reply
from jobwatch.sim.stories import Phase

TEAM_ID = "sim-team"
CRAWL_URL = "https://example.com/docs"
FAIL_ERRORS = 3
ROBOTS_BLOCKED = "https://example.com/private/"
_FAILURES = (
    ("SCRAPE_SITE_ERROR", "The connection was reset by the peer."),
    (None, "Request timed out after 30000ms"),
    ("SCRAPE_SITE_ERROR", "Specified URL is failing to load in the browser. Error code: 503"),
)

_EXPRESS_404 = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Error</title>
</head>
<body>
<pre>Cannot GET {path}</pre>
</body>
</html>
"""


def _failed_pages(visit: Visit) -> list[int]:
    """Indexes of the pages that have failed so far."""
    snapshot = visit.snapshot
    if visit.story.partial:
        failing = PARTIAL_TOTAL - PARTIAL_COMPLETED
        done = snapshot.phase is Phase.SUCCEEDED
        count = failing if done else int(snapshot.fraction * failing)
        return list(range(PARTIAL_COMPLETED, PARTIAL_COMPLETED + count))
    if snapshot.phase is Phase.FAILED and not visit.story.startfail:
        return list(range(100, 100 + FAIL_ERRORS))  # pages no status body lists
    return []


def _entry(kind: str, job_id: str, visit: Visit, index: int) -> JsonObject:
    code, message = _FAILURES[index % len(_FAILURES)]
    url = (
        f"https://example.com/{job_id}/page-{index}"
        if kind == "batch"
        else f"https://example.com/docs/page-{index}"
    )
    entry: JsonObject = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{job_id}/e{index}"))}
    if index % 5 != 4:  # the server omits the timestamp when it does not know it
        snapshot = visit.snapshot
        entry["timestamp"] = iso_millis(snapshot.finished_at or snapshot.started_at)
    entry["url"] = url
    if code is not None:
        entry["code"] = code
    entry["error"] = message
    return entry


def errors(request: SimRequest, book: JobBook, kind: str, job_id: str, version: str) -> Reply:
    """`GET /{version}/batch/scrape/{id}/errors` or `GET /{version}/crawl/{id}/errors`."""
    if version == "v2" and kind == "batch" and "-oldserver" in job_id:
        page = _EXPRESS_404.format(path=request.path)
        return Reply(404, page.encode(), content_type="text/html; charset=utf-8")
    visit = auth_error(request) or visit_job(book, kind, job_id)
    if isinstance(visit, Reply):
        return visit
    failed = [_entry(kind, job_id, visit, index) for index in _failed_pages(visit)]
    blocked = [ROBOTS_BLOCKED] if visit.story.partial and kind == "crawl" else []
    return json_reply({"errors": failed, "robotsBlocked": blocked})


def _options(version: str) -> JsonObject:
    scrape = {"formats": ["markdown"], "onlyMainContent": True}
    if version == "v1":
        return {
            "includePaths": [],
            "excludePaths": [],
            "maxDepth": 10,
            "limit": 10000,
            "allowBackwardLinks": False,
            "allowExternalLinks": False,
            "ignoreSitemap": False,
            "scrapeOptions": scrape,
        }
    return {
        "includePaths": [],
        "excludePaths": [],
        "limit": 10000,
        "crawlEntireDomain": False,
        "allowExternalLinks": False,
        "allowSubdomains": False,
        "ignoreRobotsTxt": False,
        "sitemap": "include",
        "deduplicateSimilarURLs": True,
        "ignoreQueryParameters": False,
        "regexOnFullURL": False,
        "scrapeOptions": scrape,
    }


def running(request: SimRequest, book: JobBook, version: str = "v2") -> Reply:
    """`GET /{version}/crawl/active` (and `/ongoing`): the crawls still running."""
    denied = auth_error(request)
    if denied is not None:
        return denied
    crawls = [
        {
            "id": key.removeprefix("crawl/"),
            "teamId": TEAM_ID,
            "url": CRAWL_URL,
            "created_at": iso_millis(visit.snapshot.started_at),
            "options": _options(version),
        }
        for key, visit in book.seen(PROVIDER)
        if key.startswith("crawl/") and is_running(visit)
    ]
    return json_reply({"success": True, "crawls": crawls})


def is_running(visit: Visit) -> bool:
    """Whether the provider would call this job running (not finished, known, started)."""
    return not (visit.snapshot.terminal or visit.not_found or visit.story.startfail)


def cancel(request: SimRequest, book: JobBook, kind: str, job_id: str) -> Reply:
    """`DELETE /v2/crawl/{id}` or `DELETE /v2/batch/scrape/{id}`."""
    visit = auth_error(request) or visit_job(book, kind, job_id)
    if isinstance(visit, Reply):
        return visit
    if visit.snapshot.phase is Phase.CANCELLED:
        return json_reply({"status": "cancelled"})  # the success path again
    if visit.story.startfail or not book.cancel(PROVIDER, f"{kind}/{job_id}"):
        return json_reply({"error": "Crawl is already completed"}, 409)
    return json_reply({"status": "cancelled"})
