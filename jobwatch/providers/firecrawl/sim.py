"""Firecrawl v2 batch scrape and crawl status, and their `/errors`
(docs/providers/firecrawl.md#status, #job-errors).

Pages follow the real server's rules: `skip`/`limit` (default 100 documents, `limit` 1-1000),
at most 10 MiB of documents per page, and an absolute `next` built from the request's Host
while the job has more documents than this page reached (so also while it is running).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from datetime import timedelta
from functools import cache

from jobwatch.providers.spec import Endpoint
from jobwatch.sim import faults
from jobwatch.sim.jobs import SimJobs, Snapshot, Visit
from jobwatch.sim.replies import JsonObject, Reply, SimRequest, iso_millis, json_reply
from jobwatch.sim.stories import Phase, phase_words

PROVIDER = "firecrawl"
BATCH_TOTAL = 20
CRAWL_TOTAL = 25
BIG_TOTAL = 100
BIG_FIRST = 10  # a -big job has this many documents done at its first request
PARTIAL_TOTAL = 40  # a -partial job attempts 40 pages ...
PARTIAL_COMPLETED = 12  # ... of which 12 succeed: its /errors lists the other 28
BIG_DOCUMENT_CHARS = 1_000_000  # 10 of these fill a page: about 10 MB per status body
DEFAULT_PAGE = 100
MAX_PAGE = 1000
PAGE_BYTES = 10_485_760  # 10 MiB, the server's per-page cap
KICKOFF_FAILURE = "Failed to start the job: the scrape queue is full, please try again later"

_PATHS = {"batch": "batch/scrape", "crawl": "crawl"}
STATUS_WORDS = phase_words("scraping", "scraping", "completed", "failed", "cancelled")
_DIGITS = re.compile(r"\d+")


def error(message: str, status: int) -> Reply:
    return json_reply({"success": False, "error": message}, status)


def auth_error(request: SimRequest) -> Reply | None:
    if request.bearer_token() is None:
        return error("Unauthorized", 401)
    if not request.authorized():
        return error("Unauthorized: Invalid token", 401)
    return None


_FAULTS = faults.FaultBodies(
    rate_limited=lambda: error(
        "Rate limit exceeded. Consumed (req/min): 501, Remaining (req/min): 0. "
        "Please retry after 1s.",
        429,
    ),
    server_error=lambda: error("An unexpected error occurred on the server.", 500),
)


def visit_job(book: SimJobs, kind: str, job_id: str) -> Visit | Reply:
    """The job's visit, or the answer that stops the request first (a fault, not found)."""
    return faults.visit_job(
        book, PROVIDER, f"{kind}/{job_id}", _FAULTS, error("Job not found", 404)
    )


def _pagination(request: SimRequest) -> tuple[int, int | None] | str:
    """(skip, limit or None), or the server's `Invalid pagination: ...` message."""
    skips = request.query.get("skip", ["0"])
    if len(skips) != 1:
        return "Invalid pagination: skip must be a single value, not an array"
    if not _DIGITS.fullmatch(skips[0]):
        return "Invalid pagination: skip must be a non-negative integer without trailing characters"
    limits = request.query.get("limit")
    if limits is None:
        return int(skips[0]), None
    if len(limits) != 1:
        return "Invalid pagination: limit must be a single value, not an array"
    if not _DIGITS.fullmatch(limits[0]):
        return "Invalid pagination: limit must be a positive integer without trailing characters"
    limit = int(limits[0])
    if not 1 <= limit <= MAX_PAGE:
        return f"Invalid pagination: limit must be an integer between 1 and {MAX_PAGE}"
    return int(skips[0]), limit


def _plan(kind: str, visit: Visit) -> tuple[int, int]:
    """(pages the job will attempt, pages that will succeed) at its end."""
    if visit.story.big:
        return BIG_TOTAL, BIG_TOTAL
    if visit.story.partial:
        return PARTIAL_TOTAL, PARTIAL_COMPLETED
    total = BATCH_TOTAL if kind == "batch" else CRAWL_TOTAL
    return total, total


def counts(kind: str, visit: Visit) -> tuple[int, int]:
    """(completed, total): a batch's total is fixed; a crawl's grows as it finds pages."""
    snapshot = visit.snapshot
    done = snapshot.phase is Phase.SUCCEEDED
    total, good = _plan(kind, visit)
    if visit.story.big:
        return (total if done else BIG_FIRST + int(snapshot.fraction * (total - BIG_FIRST))), total
    completed = good if done else int(snapshot.fraction * good)
    if kind == "batch" or done:
        return completed, total
    found = 1 + math.ceil(total * min(1.0, 1.5 * snapshot.fraction))
    return completed, min(total, found)


@cache
def _big_markdown() -> bytes:
    """About 1 MB of markdown as a JSON string, encoded once and shared by every -big page."""
    line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n"
    text = "# A big page\n\n" + line * (BIG_DOCUMENT_CHARS // len(line))
    return json.dumps(text).encode()


def _document(kind: str, job_id: str, index: int, big: bool) -> bytes:
    if kind == "batch":
        url = f"https://example.com/{job_id}/page-{index}"
    else:
        url = f"https://example.com/docs/page-{index}"
    markdown = (
        _big_markdown()
        if big
        else json.dumps(f"# Page {index}\n\nSimulated content of {url}.\n").encode()
    )
    metadata = {
        "title": f"Page {index}",
        "description": f"Simulated page {index}",
        "language": "en",
        "sourceURL": url,
        "url": url,
        "statusCode": 200,
        "contentType": "text/html; charset=utf-8",
        "scrapeId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{job_id}/{index}")),
        "proxyUsed": "basic",
        "creditsUsed": 1,
    }
    return b'{"markdown":' + markdown + b',"metadata":' + json.dumps(metadata).encode() + b"}"


def _page(kind: str, job_id: str, big: bool, skip: int, limit: int, completed: int) -> list[bytes]:
    """Completed documents from `skip`, at most `limit` of them and 10 MiB (keeping one)."""
    page: list[bytes] = []
    size = 0
    for index in range(skip, min(skip + limit, completed)):
        document = _document(kind, job_id, index, big)
        if page and size + len(document) > PAGE_BYTES:
            break
        page.append(document)
        size += len(document)
    return page


def status(request: SimRequest, book: SimJobs, kind: str, job_id: str) -> Reply:
    """`GET /v2/batch/scrape/{id}` (kind "batch") or `GET /v2/crawl/{id}` (kind "crawl")."""
    denied = auth_error(request)
    if denied is not None:
        return denied
    pagination = _pagination(request)
    if isinstance(pagination, str):
        return error(pagination, 400)
    visit = visit_job(book, kind, job_id)
    if isinstance(visit, Reply):
        return visit
    if visit.story.startfail:
        # The kick-off failure shape: HTTP 200, success false
        # (docs/providers/firecrawl.md#start-failure).
        return json_reply(
            {
                "success": False,
                "status": "failed",
                "error": KICKOFF_FAILURE,
                "completed": 0,
                "total": 0,
                "data": [],
            }
        )
    skip, limit = pagination
    snapshot = visit.snapshot
    completed, total = counts(kind, visit)
    page = _page(kind, job_id, visit.story.big, skip, limit or DEFAULT_PAGE, completed)
    head: JsonObject = {
        "success": True,
        "status": STATUS_WORDS[snapshot.phase],
        "completed": completed,
        "total": total,
        "creditsUsed": completed,
        "expiresAt": iso_millis((snapshot.finished_at or snapshot.started_at) + timedelta(days=1)),
        "createdAt": iso_millis(snapshot.started_at),
    }
    if snapshot.finished_at is not None:
        head["completedAt"] = iso_millis(snapshot.finished_at)
    head["duration"] = round(_seconds(snapshot), 3)
    # A running job may find more pages; a finished one only has the documents it completed.
    if (completed if snapshot.terminal else total) > skip + len(page):
        more = f"&limit={limit}" if limit is not None else ""
        head["next"] = (
            f"http://{request.host}/v2/{_PATHS[kind]}/{job_id}?skip={skip + len(page)}{more}"
        )
    head_bytes = json.dumps(head, separators=(",", ":")).encode()
    body = head_bytes[:-1] + b',"data":[' + b",".join(page) + b"]}"
    return Reply(body=body)


def _seconds(snapshot: Snapshot) -> float:
    """Real seconds from creation to now, or to completion once terminal."""
    story_seconds = (
        snapshot.end_seconds if snapshot.end_seconds is not None else snapshot.story_seconds
    )
    return story_seconds / snapshot.speed


# -- Firecrawl's job endpoints beside status (docs/providers/firecrawl.md#running-jobs, #cancel):
#
# - `GET /v{1,2}/{crawl,batch/scrape}/{id}/errors`: `{"errors": [...], "robotsBlocked": [...]}`
# with no `success` field, the whole list in one body. A `-partial` job lists exactly its
# `total - completed` failed pages (28 at its end), a `-fail` job 3 once it has failed. An id
# containing `-oldserver` gets the Aug-2025 server's answer on the v2 batch route, which it
# lacks: Express's HTML 404 (`Cannot GET ...`); the v1 route answers.
# - `GET /v{1,2}/crawl/active` (alias `/ongoing`): `{"success": true, "crawls": [...]}` of the
# seen crawls that are not finished; no `status` field, no paging, no batch scrapes.
# - `DELETE /v2/crawl/{id}`, `DELETE /v2/batch/scrape/{id}` (newer builds): a running job ->
# 200 `{"status": "cancelled"}` (again for a cancelled one); a completed or failed one ->
# 409 `{"error": "Crawl is already completed"}`; unknown -> 404 as the status route.

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


def errors(request: SimRequest, book: SimJobs, kind: str, job_id: str, version: str) -> Reply:
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


def running(request: SimRequest, book: SimJobs, version: str = "v2") -> Reply:
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


def cancel(request: SimRequest, book: SimJobs, kind: str, job_id: str) -> Reply:
    """`DELETE /v2/crawl/{id}` or `DELETE /v2/batch/scrape/{id}`."""
    visit = auth_error(request) or visit_job(book, kind, job_id)
    if isinstance(visit, Reply):
        return visit
    if visit.snapshot.phase is Phase.CANCELLED:
        return json_reply({"status": "cancelled"})  # the success path again
    if visit.story.startfail or not book.cancel(PROVIDER, f"{kind}/{job_id}"):
        return json_reply({"error": "Crawl is already completed"}, 409)
    return json_reply({"status": "cancelled"})


# The handlers of each kind's endpoints (routes.py looks up `KIND_WHAT`, then `WHAT`).


def batch_status(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    return status(request, book, "batch", job_id)


def crawl_status(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    return status(request, book, "crawl", job_id)


def batch_errors(request: SimRequest, book: SimJobs, job_id: str, version: str) -> Reply:
    return errors(request, book, "batch", job_id, version)


def crawl_errors(request: SimRequest, book: SimJobs, job_id: str, version: str) -> Reply:
    return errors(request, book, "crawl", job_id, version)


def batch_cancel(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    return cancel(request, book, "batch", job_id)


def crawl_cancel(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    return cancel(request, book, "crawl", job_id)


# -- agent and extract jobs (docs/providers/firecrawl.md#agent, #extract) ------------------------
#
# - `GET /v2/agent/{id}`: `{"success": true, "status": "processing", "model", "expiresAt"}`
# while running (no `creditsUsed` yet, as some builds; a `partial` result once it has some);
# completed adds `data` and `creditsUsed`. A `-fail` agent stops at its credit limit the 2026
# way: `success: true`, `status: "failed"`, `stopReason`, `error`, its `partial` kept.
# - `DELETE /v2/agent/{id}`: a running job -> 200 `{"success": true}` and it reads `cancelled`;
# a finished one -> 409 `{"success": false, "error": "Agent already finished"}` (`Agent is
# already cancelled` for a cancelled one); unknown -> 404 as the status route.
# - `GET /v2/extract/{id}`: the newer controller's `success: status === "completed"` (so a
# running extract says `success: false`), the deprecation headers and `warnings`; `-fail` ends
# `failed` with its `error`. No cancel route.

AGENT_MODEL = "spark-1-pro"
AGENT_CREDITS = 15  # what a finished agent has used (the docs' example)
AGENT_STOP = "credit_limit_reached"
AGENT_STOP_ERROR = "Agent reached max credits"
EXTRACT_FAILURE = "All provided URLs failed to load: no content could be extracted"
EXTRACT_TOKENS = 1234
EXTRACT_DEPRECATION = (
    "/v2/extract/:jobId is deprecated and will be removed in a future version. "
    "Use /v2/scrape instead."
)
_AGENT_WORDS = phase_words("processing", "processing", "completed", "failed", "cancelled")


def _found(kind: str, what: str, job_id: str, request: SimRequest, book: SimJobs) -> Visit | Reply:
    """The job's visit, or the answer that stops the request first (auth, a fault, not found)."""
    denied = auth_error(request)
    if denied is not None:
        return denied
    return faults.visit_job(
        book, PROVIDER, f"{kind}/{job_id}", _FAULTS, error(f"{what} job not found", 404)
    )


def _result(job_id: str, big: bool) -> JsonObject:
    """What a finished agent or extract found (a `-big` one: about 1 MB of markdown)."""
    text = json.loads(_big_markdown()) if big else f"Simulated result of job {job_id}."
    return {"title": "Example Domain", "summary": text}


def agent_status(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    """`GET /v2/agent/{id}`."""
    visit = _found("agent", "Agent", job_id, request, book)
    if isinstance(visit, Reply):
        return visit
    snapshot = visit.snapshot
    body: JsonObject = {"success": True, "status": _AGENT_WORDS[snapshot.phase]}
    if snapshot.phase is Phase.SUCCEEDED:
        body["data"] = _result(job_id, visit.story.big)
    elif snapshot.fraction > 0:
        body["partial"] = {"title": "Example Domain"}  # a partial result, never printed
        body["partialSchemaValid"] = False
    if snapshot.phase is Phase.FAILED:
        body["stopReason"] = AGENT_STOP
        body["error"] = AGENT_STOP_ERROR
    body["model"] = AGENT_MODEL
    if snapshot.terminal:
        body["creditsUsed"] = round(AGENT_CREDITS * snapshot.fraction)
    body["expiresAt"] = iso_millis(
        (snapshot.finished_at or snapshot.started_at) + timedelta(days=1)
    )
    return json_reply(body)


def agent_cancel(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    """`DELETE /v2/agent/{id}`."""
    visit = _found("agent", "Agent", job_id, request, book)
    if isinstance(visit, Reply):
        return visit
    if visit.snapshot.phase is Phase.CANCELLED:
        return json_reply({"success": False, "error": "Agent is already cancelled"}, 409)
    if not book.cancel(PROVIDER, f"agent/{job_id}"):
        return json_reply({"success": False, "error": "Agent already finished"}, 409)
    return json_reply({"success": True})


def extract_status(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    """`GET /v2/extract/{id}`."""
    visit = _found("extract", "Extract", job_id, request, book)
    if isinstance(visit, Reply):
        return visit
    snapshot = visit.snapshot
    status = _AGENT_WORDS[snapshot.phase]
    body: JsonObject = {"success": status == "completed", "status": status}
    if snapshot.phase is Phase.SUCCEEDED:
        body["data"] = _result(job_id, visit.story.big)
        body["tokensUsed"] = EXTRACT_TOKENS
        body["creditsUsed"] = math.ceil(EXTRACT_TOKENS / 15)
    if snapshot.phase is Phase.FAILED:
        body["error"] = EXTRACT_FAILURE
    body["expiresAt"] = iso_millis(
        (snapshot.finished_at or snapshot.started_at) + timedelta(hours=6)
    )
    body["warnings"] = [EXTRACT_DEPRECATION]
    body["replacement"] = "/v2/scrape"
    return (
        json_reply(body)
        .with_header("Deprecation", "@1778025600")
        .with_header("Link", '</v2/scrape>; rel="successor-version"')
        .with_header("Warning", f'299 - "{EXTRACT_DEPRECATION}"')
    )


# Paths the real servers answer as well, though jobwatch never calls them (docs/providers/
# firecrawl.md#running-jobs: the v1 list and the `ongoing` alias).
_VERSIONS = {"version": ("v1", "v2")}
ALIASES = (
    (Endpoint("GET", "/{version}/crawl/active", _VERSIONS), running),
    (Endpoint("GET", "/{version}/crawl/ongoing", _VERSIONS), running),
)
