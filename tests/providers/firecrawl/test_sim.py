"""Firecrawl batch scrape and crawl status, pages and errors (PROVIDERS.md section 4)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sim._support import Caller

BATCH = "/v2/batch/scrape/"
CRAWL = "/v2/crawl/"
HOST = "http://sim.test:8787"


def status(call: Caller, path: str, **query: str) -> Any:
    answer = call("GET", path, query={name: [value] for name, value in query.items()})
    assert answer.status == 200
    return answer.json()


def test_batch_runs_scraping_to_completed_with_fixed_total(call: Caller) -> None:
    first = status(call, BATCH + "b1")
    assert first == {
        "success": True,
        "status": "scraping",
        "completed": 0,
        "total": 20,
        "creditsUsed": 0,
        "expiresAt": "2026-03-02T12:00:00.000Z",
        "createdAt": "2026-03-01T12:00:00.000Z",
        "duration": 0.0,
        "next": f"{HOST}/v2/batch/scrape/b1?skip=0",
        "data": [],
    }
    call.clock.advance(5.5)
    running = status(call, BATCH + "b1")
    assert (running["status"], running["completed"], running["total"]) == ("scraping", 10, 20)
    assert running["duration"] == 5.5
    assert len(running["data"]) == 10
    assert running["next"] == f"{HOST}/v2/batch/scrape/b1?skip=10"
    document = running["data"][0]
    assert document["markdown"].startswith("# Page 0")
    assert {"title", "sourceURL", "url", "statusCode"} <= set(document["metadata"])
    assert document["metadata"]["statusCode"] == 200

    call.clock.advance(4.5)
    done = status(call, BATCH + "b1")
    assert (done["status"], done["completed"], done["total"], done["creditsUsed"]) == (
        "completed",
        20,
        20,
        20,
    )
    assert done["completedAt"] == "2026-03-01T12:00:10.000Z"
    assert done["expiresAt"] == "2026-03-02T12:00:10.000Z"
    assert done["duration"] == 10.0
    assert "next" not in done  # the last page of a finished job has no cursor
    assert len(done["data"]) == 20


def test_crawl_total_grows_while_it_runs(call: Caller) -> None:
    totals = []
    for _ in range(11):
        body = status(call, CRAWL + "c1")
        assert body["completed"] <= body["total"]
        totals.append(body["total"])
        call.clock.advance(1)
    assert totals[0] == 1
    assert totals == sorted(totals) and totals[-1] == 25
    assert body["status"] == "completed"


def test_pages_follow_next_consistently(call: Caller) -> None:
    status(call, CRAWL + "c2")
    call.clock.advance(10)
    seen: list[str] = []
    body = status(call, CRAWL + "c2", limit="7")
    pages = 1
    seen += [d["metadata"]["url"] for d in body["data"]]
    while "next" in body:
        assert body["next"].startswith(f"{HOST}/v2/crawl/c2?skip=")
        assert body["next"].endswith("&limit=7")  # the page size is carried along
        query = dict(part.split("=") for part in body["next"].split("?")[1].split("&"))
        body = status(call, CRAWL + "c2", **query)
        seen += [d["metadata"]["url"] for d in body["data"]]
        pages += 1
    assert pages == 4
    assert seen == [f"https://example.com/docs/page-{i}" for i in range(25)]


def test_a_running_job_repeats_its_cursor_on_an_empty_page(call: Caller) -> None:
    status(call, BATCH + "b2")
    call.clock.advance(5.5)
    first = status(call, BATCH + "b2")
    after = status(call, BATCH + "b2", skip="10")
    assert after["data"] == []
    assert after["next"] == first["next"] == f"{HOST}/v2/batch/scrape/b2?skip=10"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": ["0"]}, "Invalid pagination: limit must be an integer between 1 and 1000"),
        ({"limit": ["1001"]}, "Invalid pagination: limit must be an integer between 1 and 1000"),
        ({"skip": ["-1"]}, "Invalid pagination: skip must be a non-negative integer"),
        ({"skip": ["1", "2"]}, "Invalid pagination: skip must be a single value"),
    ],
)
def test_bad_pagination_is_400(call: Caller, query: dict[str, list[str]], message: str) -> None:
    answer = call("GET", BATCH + "b3", query=query)
    assert answer.status == 400
    assert answer.json()["success"] is False
    assert answer.json()["error"].startswith(message)


def test_startfail_is_the_kickoff_failure_shape_at_once(call: Caller) -> None:
    for path in (BATCH + "b-startfail", CRAWL + "c-startfail"):
        answer = call("GET", path)
        assert answer.status == 200
        body = answer.json()
        assert body.pop("error") == (
            "Failed to start the job: the scrape queue is full, please try again later"
        )
        assert body == {
            "success": False,
            "status": "failed",
            "completed": 0,
            "total": 0,
            "data": [],
        }


def test_errors_endpoint_of_a_job_without_failures(call: Caller) -> None:
    answer = call("GET", CRAWL + "c3/errors")
    assert answer.status == 200
    assert answer.json() == {"errors": [], "robotsBlocked": []}  # no `success` field
    # A kick-off failure is not a page failure: newer builds do not list it.
    assert call("GET", BATCH + "b-startfail/errors").json()["errors"] == []


@pytest.mark.parametrize("path", [BATCH + "x-gone", CRAWL + "x-gone", CRAWL + "x-gone/errors"])
def test_gone_is_404_job_not_found(call: Caller, path: str) -> None:
    answer = call("GET", path)
    assert (answer.status, answer.json()) == (404, {"success": False, "error": "Job not found"})


@pytest.mark.parametrize("token", [None, "bad-key"])
def test_missing_or_rejected_key_is_401(call: Caller, token: str | None) -> None:
    answer = call("GET", BATCH + "b4", token=token)
    assert answer.status == 401
    assert answer.json()["success"] is False and answer.json()["error"].startswith("Unauthorized")


def test_rate_limited_once(call: Caller) -> None:
    first = call("GET", BATCH + "b-429")
    assert first.status == 429 and first.headers["retry-after"] == "1"
    assert first.json()["success"] is False
    assert first.json()["error"].startswith("Rate limit exceeded")
    assert call("GET", BATCH + "b-429").status == 200


def test_big_job_carries_about_ten_megabytes_in_every_status_body(call: Caller) -> None:
    for _ in range(3):
        answer = call("GET", BATCH + "b-big")
        assert 9_500_000 < len(answer.reply.body) < 10_485_760 + 100_000
        body = answer.json()
        assert len(body["data"]) == 10
        call.clock.advance(5)
    assert body["status"] == "completed" and body["total"] == 100
    assert body["next"] == f"{HOST}/v2/batch/scrape/b-big?skip=10"
