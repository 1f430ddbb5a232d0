"""Firecrawl stories -fail/-partial/-stall/-late, /errors, active crawls and cancel
(ENDPOINTS-NEXT.md section 1), on a hand-moved clock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sim._support import Caller

BATCH = "/v2/batch/scrape/"
CRAWL = "/v2/crawl/"


def get(call: Caller, path: str, status: int = 200) -> Any:
    answer = call("GET", path)
    assert answer.status == status, answer.reply.body
    return answer.json()


def test_fail_is_a_failed_status_mid_run_in_a_normal_body(call: Caller) -> None:
    running = get(call, BATCH + "b-fail")
    assert (running["success"], running["status"]) == (True, "scraping")
    call.clock.advance(5)
    failed = get(call, BATCH + "b-fail")
    assert failed["success"] is True and "error" not in failed
    assert (failed["status"], failed["completed"], failed["total"]) == ("failed", 8, 20)
    assert failed["completedAt"] == "2026-03-01T12:00:05.000Z"
    assert len(failed["data"]) == 8 and "next" not in failed  # a finished job's last page
    errors = get(call, BATCH + "b-fail/errors")
    assert [entry["url"] for entry in errors["errors"]] == [
        f"https://example.com/b-fail/page-{index}" for index in (100, 101, 102)
    ]


def test_partial_completes_with_28_of_40_pages_failed_and_listed(call: Caller) -> None:
    for kind in (BATCH, CRAWL):
        assert get(call, kind + "p-partial/errors")["errors"] == []
    call.clock.advance(10)
    for kind in (BATCH, CRAWL):
        body = get(call, kind + "p-partial")
        assert (body["status"], body["completed"], body["total"]) == ("completed", 12, 40)
        assert len(body["data"]) == 12 and "next" not in body
        report = get(call, kind + "p-partial/errors")
        assert set(report) == {"errors", "robotsBlocked"}  # no `success` on this endpoint
        assert len(report["errors"]) == body["total"] - body["completed"] == 28
        assert len({entry["id"] for entry in report["errors"]}) == 28
    first, second, third, fourth, fifth = report["errors"][:5]
    assert first == {
        "id": first["id"],
        "timestamp": "2026-03-01T12:00:10.000Z",
        "url": "https://example.com/docs/page-12",
        "code": "SCRAPE_SITE_ERROR",
        "error": "The connection was reset by the peer.",
    }
    assert "code" not in second and second["error"].startswith("Request timed out")
    assert "timestamp" not in third  # the server omits an unknown timestamp
    assert "code" in fourth and "timestamp" in fifth
    assert report["robotsBlocked"] == ["https://example.com/private/"]
    assert get(call, BATCH + "p-partial/errors")["robotsBlocked"] == []


def test_partial_errors_grow_while_it_runs(call: Caller) -> None:
    call("GET", BATCH + "g-partial")
    call.clock.advance(5.5)
    body = get(call, BATCH + "g-partial")
    assert (body["status"], body["completed"], body["total"]) == ("scraping", 6, 40)
    assert len(get(call, BATCH + "g-partial/errors")["errors"]) == 14


def test_stall_freezes_at_40_percent(call: Caller) -> None:
    call("GET", CRAWL + "s-stall")
    call.clock.advance(5)
    frozen = get(call, CRAWL + "s-stall")
    assert (frozen["status"], frozen["completed"], frozen["total"]) == ("scraping", 10, 17)
    for _ in range(3):
        call.clock.advance(600)
        later = get(call, CRAWL + "s-stall")
        assert {k: later[k] for k in ("status", "completed", "total", "data")} == {
            k: frozen[k] for k in ("status", "completed", "total", "data")
        }


def test_late_is_not_found_for_three_seconds_then_runs_to_success(call: Caller) -> None:
    assert get(call, CRAWL + "l-late", 404) == {"success": False, "error": "Job not found"}
    assert get(call, CRAWL + "l-late/errors", 404)["error"] == "Job not found"
    call.clock.advance(2.9)
    assert call("GET", CRAWL + "l-late").status == 404
    call.clock.advance(0.2)
    assert get(call, CRAWL + "l-late")["status"] == "scraping"
    call.clock.advance(10)
    assert get(call, CRAWL + "l-late")["status"] == "completed"


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_errors_routes_of_both_versions(call: Caller, version: str) -> None:
    call.clock.advance(1)
    for kind in ("crawl", "batch/scrape"):
        call("GET", f"/v2/{kind}/v-partial")
        call.clock.advance(10)
        assert len(get(call, f"/{version}/{kind}/v-partial/errors")["errors"]) == 28
    assert get(call, f"/{version}/crawl/x-gone/errors", 404)["error"] == "Job not found"
    assert call("GET", f"/{version}/crawl/c1/errors", token="bad-key").status == 401


def test_an_old_server_lacks_the_v2_batch_errors_route(call: Caller) -> None:
    call("GET", BATCH + "b-oldserver-partial")
    answer = call("GET", BATCH + "b-oldserver-partial/errors")
    assert answer.status == 404
    assert answer.reply.content_type.startswith("text/html")
    assert b"<pre>Cannot GET /v2/batch/scrape/b-oldserver-partial/errors</pre>" in answer.reply.body
    call.clock.advance(10)
    assert len(get(call, "/v1/batch/scrape/b-oldserver-partial/errors")["errors"]) == 28
    assert get(call, CRAWL + "c-oldserver/errors") == {"errors": [], "robotsBlocked": []}


def test_active_lists_running_crawls_only(call: Caller) -> None:
    assert get(call, CRAWL + "active") == {"success": True, "crawls": []}
    for path in ("c-a", "c-b-slow", "c-done", "c-x-gone", "c-startfail", "c-late"):
        call("GET", CRAWL + path)
    call("GET", BATCH + "b-running")
    call.clock.advance(2)
    call("DELETE", CRAWL + "c-a")
    call.clock.advance(8)  # c-done has completed; c-late now exists and runs
    body = get(call, CRAWL + "active")
    assert body["success"] is True and set(body) == {"success", "crawls"}
    assert [crawl["id"] for crawl in body["crawls"]] == ["c-b-slow", "c-late"]
    crawl = body["crawls"][0]
    assert crawl == {
        "id": "c-b-slow",
        "teamId": "sim-team",
        "url": "https://example.com/docs",
        "created_at": "2026-03-01T12:00:00.000Z",
        "options": crawl["options"],
    }
    assert "status" not in crawl and crawl["options"]["sitemap"] == "include"
    for alias in ("/v2/crawl/ongoing", "/v1/crawl/active", "/v1/crawl/ongoing"):
        assert [c["id"] for c in get(call, alias)["crawls"]] == ["c-b-slow", "c-late"]
    assert "maxDepth" in get(call, "/v1/crawl/active")["crawls"][0]["options"]
    assert call("GET", CRAWL + "active", token=None).status == 401


@pytest.mark.parametrize("kind", [BATCH, CRAWL])
def test_cancel_a_running_job_then_its_status_reads_cancelled(call: Caller, kind: str) -> None:
    call("GET", kind + "k1")
    call.clock.advance(5.5)
    answer = call("DELETE", kind + "k1")
    assert (answer.status, answer.json()) == (200, {"status": "cancelled"})
    call.clock.advance(30)
    body = get(call, kind + "k1")
    assert (body["success"], body["status"]) == (True, "cancelled")
    done = 10 if kind == BATCH else 12  # half of 20 pages, or of 25
    assert body["completed"] == done and len(body["data"]) == done and "next" not in body
    assert body["completedAt"] == "2026-03-01T12:00:05.500Z" and body["duration"] == 5.5
    again = call("DELETE", kind + "k1")  # the success path again
    assert (again.status, again.json()) == (200, {"status": "cancelled"})


@pytest.mark.parametrize("job", ["done", "d-fail", "d-startfail"])
def test_cancel_a_finished_job_is_409(call: Caller, job: str) -> None:
    call("GET", CRAWL + job)
    call.clock.advance(10)
    answer = call("DELETE", CRAWL + job)
    assert (answer.status, answer.json()) == (409, {"error": "Crawl is already completed"})
    assert get(call, CRAWL + job)["status"] == ("completed" if job == "done" else "failed")


def test_cancel_a_pending_job_and_unknown_or_unauthorised_ones(call: Caller) -> None:
    assert call("DELETE", BATCH + "fresh").json() == {"status": "cancelled"}
    assert get(call, BATCH + "fresh")["status"] == "cancelled"
    gone = call("DELETE", CRAWL + "c-gone")
    assert (gone.status, gone.json()) == (404, {"success": False, "error": "Job not found"})
    assert call("DELETE", CRAWL + "c-late").status == 404
    assert call("DELETE", CRAWL + "c2", token="bad-key").status == 401
    assert call("DELETE", CRAWL + "c-stall").json() == {"status": "cancelled"}
