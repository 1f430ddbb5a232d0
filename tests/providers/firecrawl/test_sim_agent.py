"""The simulator's Firecrawl agent and extract jobs (docs/providers/firecrawl.md#agent,
#extract): their bodies through each story, cancel, and the error shapes, on a hand-moved
clock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sim._support import Caller

AGENT = "/v2/agent/"
EXTRACT = "/v2/extract/"


def get(call: Caller, path: str, status: int = 200) -> Any:
    answer = call("GET", path)
    assert answer.status == status, answer.reply.body
    return answer.json()


def test_an_agent_processes_then_completes_with_data_and_credits(call: Caller) -> None:
    first = get(call, AGENT + "a1")
    assert first == {
        "success": True,
        "status": "processing",
        "model": "spark-1-pro",
        "expiresAt": "2026-03-02T12:00:00.000Z",
    }  # no creditsUsed while processing, as some builds
    call.clock.advance(5)
    running = get(call, AGENT + "a1")
    assert running["status"] == "processing" and "partial" in running
    call.clock.advance(5)
    done = get(call, AGENT + "a1")
    assert (done["success"], done["status"], done["creditsUsed"]) == (True, "completed", 15)
    assert "data" in done and "partial" not in done
    assert done["expiresAt"] == "2026-03-02T12:00:10.000Z"  # a day after the end


def test_a_failing_agent_is_the_2026_credit_stop(call: Caller) -> None:
    get(call, AGENT + "a-fail")
    call.clock.advance(5)
    failed = get(call, AGENT + "a-fail")
    assert (failed["success"], failed["status"]) == (True, "failed")
    assert failed["stopReason"] == "credit_limit_reached"
    assert failed["error"] == "Agent reached max credits"
    assert "partial" in failed and "data" not in failed and "errorCode" not in failed


def test_a_stalled_agent_never_changes(call: Caller) -> None:
    get(call, AGENT + "a-stall")
    call.clock.advance(5)
    stalled = get(call, AGENT + "a-stall")
    call.clock.advance(600)
    assert get(call, AGENT + "a-stall") == stalled
    assert stalled["status"] == "processing"


@pytest.mark.parametrize(("path", "what"), [(AGENT, "Agent"), (EXTRACT, "Extract")])
def test_gone_late_and_keys(call: Caller, path: str, what: str) -> None:
    assert get(call, path + "x-gone", 404) == {"success": False, "error": f"{what} job not found"}
    assert get(call, path + "x-late", 404)["error"] == f"{what} job not found"
    call.clock.advance(3)
    assert get(call, path + "x-late")["status"] == "processing"
    for token, text in ((None, "Unauthorized"), ("bad-key", "Unauthorized: Invalid token")):
        answer = call("GET", path + "x1", token=token)
        assert (answer.status, answer.json()["error"]) == (401, text)


@pytest.mark.parametrize("path", [AGENT, EXTRACT])
def test_fault_stories(call: Caller, path: str) -> None:
    limited = call("GET", path + "x-429")
    assert (limited.status, limited.headers["retry-after"]) == (429, "1")
    assert [call("GET", path + "x-500").status for _ in range(4)] == [500, 502, 503, 200]
    flaky = [call("GET", path + "x-flaky") for _ in range(3)]
    assert flaky[0].status == 502 and flaky[1].reply.drop and flaky[2].status == 200


def test_cancel_a_running_agent_then_a_finished_one(call: Caller) -> None:
    get(call, AGENT + "a-slow")
    assert call("DELETE", AGENT + "a-slow").json() == {"success": True}
    assert get(call, AGENT + "a-slow")["status"] == "cancelled"
    again = call("DELETE", AGENT + "a-slow")
    assert (again.status, again.json()["error"]) == (409, "Agent is already cancelled")
    get(call, AGENT + "a2")
    call.clock.advance(10)
    finished = call("DELETE", AGENT + "a2")
    assert (finished.status, finished.json()) == (
        409,
        {"success": False, "error": "Agent already finished"},
    )
    assert call("DELETE", AGENT + "a-gone").status == 404


def test_an_extract_says_success_false_until_completed_and_is_deprecated(call: Caller) -> None:
    answer = call("GET", EXTRACT + "e1")
    body = answer.json()
    assert (body["success"], body["status"]) == (False, "processing")
    assert body["replacement"] == "/v2/scrape" and body["warnings"]
    assert answer.headers["deprecation"] == "@1778025600"
    assert answer.headers["link"] == '</v2/scrape>; rel="successor-version"'
    assert answer.headers["warning"].startswith('299 - "/v2/extract/:jobId is deprecated')
    call.clock.advance(10)
    done = get(call, EXTRACT + "e1")
    assert (done["success"], done["status"], done["tokensUsed"]) == (True, "completed", 1234)
    assert "data" in done


def test_a_failing_extract_fails_with_its_error(call: Caller) -> None:
    get(call, EXTRACT + "e-fail")
    call.clock.advance(5)
    failed = get(call, EXTRACT + "e-fail")
    assert (failed["success"], failed["status"]) == (False, "failed")
    assert failed["error"].startswith("All provided URLs failed to load")


def test_an_extract_has_no_cancel_route(call: Caller) -> None:
    assert call("DELETE", EXTRACT + "e1").status == 405


def test_agents_are_not_active_crawls(call: Caller) -> None:
    get(call, AGENT + "a-slow")
    assert call("GET", "/v2/crawl/active").json() == {"success": True, "crawls": []}
