"""`run()` end to end over a MockTransport: plain progress on stderr, NDJSON on stdout, exit
codes, GitHub Actions. Real clock with a tiny interval: every scripted answer comes at once."""

from __future__ import annotations

import io
import json
import re

import httpx
import pytest

from jobwatch.cli.options import ColorMode, ProgressMode, RunOptions
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.firecrawl import BatchScrape
from jobwatch.session.run import Streams, run
from tests.watchkit import FakeClock, Reply, Script, firecrawl_body, settings

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    # The client trusts the environment: a proxy there would bypass the mock transport.
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def scripted():
    return {
        "a": [
            firecrawl_body("scraping", 10, 100),
            firecrawl_body("scraping", 50, 100),
            firecrawl_body("completed", 100, 100),
        ],
        "b": [
            Reply(503, {"error": "busy"}, {"Retry-After": "0"}),
            firecrawl_body("scraping", 1, 4),
            Reply(200, {"success": True, "status": "failed", "error": "blocked by robots.txt"}),
        ],
        # Read once when b ends failed (PRODUCT.md section 8).
        "b/errors": [Reply(200, {"errors": [], "robotsBlocked": ["https://b.example/"]})],
    }


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def watch_run(replies, env=None, stderr=None, watch=True, **options):
    script = Script(FakeClock(), replies)
    streams = Streams(
        stdout=io.StringIO(),
        stderr=stderr if stderr is not None else io.StringIO(),
        env=env or {},
        transport=httpx.MockTransport(script),
    )
    group = JobGroup(BatchScrape(settings()), [key for key in replies if "/" not in key])
    options.setdefault("progress", ProgressMode.PLAIN)
    options.setdefault("wait_for_start", 0.0)  # a 404 is not "not created yet" here
    run_options = RunOptions(watch=watch, interval=0.01, **options)
    code = run([group], run_options, streams)
    return code, streams.stdout.getvalue(), streams.stderr.getvalue(), script


def stamped(text: str) -> list[str]:
    """The lines without their `[   12s] ` stamps."""
    lines = text.splitlines()
    assert all(line.startswith("[") and line[7:9] == "] " for line in lines), lines
    return [line[9:] for line in lines]


def test_plain_watch_ends_with_a_summary_per_job_and_the_exit_code():
    code, stdout, stderr, script = watch_run(scripted())
    assert code == 1
    assert stdout == ""
    assert "\r" not in stderr and "\x1b" not in stderr
    lines = stamped("\n".join(stderr.splitlines()[:-2]))
    assert lines[0] == "watching 2 jobs: firecrawl a, firecrawl b"
    assert "retrying firecrawl b in 0ms (attempt 1): firecrawl: HTTP 503: busy" in lines
    assert "firecrawl b failed - blocked by robots.txt" in lines
    # After the summary, b's reason: its message, then what its /errors said.
    *stamped_lines, reason, detail = stderr.splitlines()
    assert reason == "firecrawl b failed: blocked by robots.txt"
    assert detail == "  blocked by robots.txt: https://b.example/"
    lines = stamped("\n".join(stamped_lines))
    # Each job's end was its last line: the summary block does not repeat it (issue 23).
    assert "firecrawl a succeeded (completed) 100/100 pages 100%" in lines
    assert lines.count("firecrawl b failed - blocked by robots.txt") == 1
    assert not any(line.startswith("summary:") for line in lines)
    assert lines[-1].startswith("2 jobs: 1 succeeded, 1 failed")
    assert lines[-1].endswith("(exit code 1)")
    assert stderr.count("blocked by robots.txt") == 3  # the end line, its reason, /errors
    assert len(script.calls) == 7
    paths = [call.request.url.path for call in script.calls]
    assert paths.count("/v2/batch/scrape/b/errors") == 1


def test_ndjson_watch_status_retry_then_summary_last():
    code, stdout, stderr, _ = watch_run(scripted(), json=True)
    assert code == 1
    events = [json.loads(line) for line in stdout.splitlines()]
    kinds = [event["event"] for event in events]
    assert kinds[-1] == "summary"
    assert kinds.count("summary") == 1
    assert set(kinds[:-1]) == {"status", "retry"}
    assert kinds.index("status") == 0
    (retry,) = [event for event in events if event["event"] == "retry"]
    assert retry == {
        "event": "retry",
        "provider": "firecrawl",
        "job_id": "b",
        "attempt": 1,
        "delay": 0.0,
        "reason": "firecrawl: HTTP 503: busy",
    }
    a_states = [
        e["job"]["completed"] for e in events if e["event"] == "status" and e["job"]["id"] == "a"
    ]
    assert a_states == [10, 50, 100]
    summary = events[-1]
    assert summary["exit_code"] == 1
    assert [(job["id"], job["state"]) for job in summary["jobs"]] == [
        ("a", "succeeded"),
        ("b", "failed"),
    ]
    assert summary["jobs"][1]["message"] == "blocked by robots.txt"
    # Progress for humans still goes to stderr.
    assert "] firecrawl a succeeded (completed)" in stderr


def test_rejected_key_exits_4_with_the_reason_on_stderr():
    code, stdout, stderr, script = watch_run(
        {"a": [Reply(401, {"success": False, "error": "Unauthorized: Invalid token"})]},
        json=True,
    )
    assert code == 4
    assert len(script.calls) == 1
    summary = json.loads(stdout.splitlines()[-1])
    assert summary["exit_code"] == 4
    assert summary["jobs"][0]["state"] == "unknown"
    # One error line for the unknown job (not two), and a summary that does not repeat it.
    assert [line for line in stderr.splitlines() if line.startswith("jobwatch: error:")] == [
        "jobwatch: error: firecrawl a: HTTP 401: Unauthorized: Invalid token"
        " (the key was sent to http://sim.test: if it wants its own key, pass --api-key or set"
        " $JOBWATCH_FIRECRAWL_API_KEY)"
    ]
    assert stderr.count("] firecrawl a unknown") == 1


def test_giving_up_after_max_retries_exits_3():
    code, _, stderr, script = watch_run(
        {"a": [Reply(502, "bad gateway", {"Retry-After": "0"})]}, max_retries=2
    )
    assert code == 3
    assert len(script.calls) == 3
    assert "gave up after 3 failed polls in a row" in stderr


def test_timeout_exits_124_and_says_so():
    code, _, stderr, _ = watch_run({"a": [firecrawl_body()]}, timeout=0.2)
    assert code == 124
    # The summary line says the deadline passed, then what became of the job.
    summary, became = stderr.splitlines()[-2:]
    assert summary.endswith("; the --timeout 0s deadline passed after 0s (exit code 124)")
    assert became == "jobwatch: the jobs keep running at the provider"


def test_github_actions_at_the_end_of_a_watch(tmp_path):
    summary, outputs = tmp_path / "summary.md", tmp_path / "output"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
    }
    code, _, stderr, _ = watch_run(scripted(), env=env)
    assert code == 1
    # The reason, then what b's /errors said, one line each (%0A).
    assert stderr.splitlines()[-1] == (
        "::error title=jobwatch%3A firecrawl b failed::blocked by robots.txt"
        "%0Ablocked by robots.txt: https://b.example/"
    )
    text = summary.read_text(encoding="utf-8")
    assert "| firecrawl | `b` | failed | failed |  | blocked by robots.txt |" in text
    assert "**firecrawl b**\n\n- blocked by robots.txt: https://b.example/\n" in text
    assert outputs.read_text(encoding="utf-8") == "state=failed\nexit_code=1\n"


def test_one_off_json_document():
    script = Script(FakeClock(), {"a": [firecrawl_body()], "b": [firecrawl_body("completed")]})
    streams = Streams(io.StringIO(), io.StringIO(), {}, httpx.MockTransport(script))
    group = JobGroup(BatchScrape(settings()), ["a", "b"])
    code = run([group], RunOptions(json=True), streams)
    assert code == 0
    document = json.loads(streams.stdout.getvalue())
    assert document["exit_code"] == 0
    assert [job["state"] for job in document["jobs"]] == ["running", "succeeded"]
    assert len(script.calls) == 2


LONG = (
    "failed to parse file: row 1842: the field 'vector' has 767 dimensions, the collection "
    "expects 768"
)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_live_watch_ends_with_the_last_frame_then_each_whole_reason(width):
    replies = {
        "a": [firecrawl_body("completed", 100, 100)],
        "b": [Reply(200, {"success": True, "status": "failed", "error": LONG})],
        "b/errors": [Reply(200, {"errors": [], "robotsBlocked": []})],
        "c": [Reply(404, {"success": False, "error": "Job not found"})],
    }
    stderr = FakeTerminal()
    code, stdout, text, _ = watch_run(
        replies,
        env={"COLUMNS": str(width), "LINES": "30"},
        stderr=stderr,
        progress=ProgressMode.LIVE,
    )
    assert code == 1
    assert stdout == ""
    last = text.rsplit("\x1b[J", 1)[-1]  # after the last erase: the final frame
    plain = re.sub("\x1b\\[[0-9;?]*[a-zA-Z]", "", last)
    lines = [line.rstrip() for line in plain.splitlines()]
    assert all(len(line) <= width for line in lines)
    (at,) = [n for n, line in enumerate(lines) if line.startswith("3 jobs: ")]
    # The frame: the count line, each job once; the summary line, then the whole reasons,
    # wrapped at words on the terminal (lines after the first indented).
    assert lines[0] == "[+] 3/3 done: 1 succeeded, 1 failed, 1 unknown"
    assert [line.split()[1] for line in lines[1:at]] == ["a", "b", "c"]
    after = " ".join(line.strip() for line in lines[at:])
    assert after.startswith("3 jobs: 1 succeeded, 1 failed, 1 unknown in ")
    assert after.endswith(
        f"(exit code 1) firecrawl b failed: {LONG} "
        "jobwatch: error: firecrawl c: HTTP 404: Job not found"
    )
    assert text.count("jobwatch: error:") == 1


def test_watch_json_on_a_terminal_draws_nothing():
    stderr = FakeTerminal()
    code, stdout, text, _ = watch_run(
        scripted(), stderr=stderr, json=True, progress=ProgressMode.AUTO
    )
    assert code == 1
    assert json.loads(stdout.splitlines()[-1])["event"] == "summary"
    # No frame, no cursor codes, no colour: the retry and the reason, as lines.
    assert text.splitlines() == [
        "retrying firecrawl b in 0ms (attempt 1): firecrawl: HTTP 503: busy",
        "firecrawl b failed: blocked by robots.txt",
        "  blocked by robots.txt: https://b.example/",
    ]


@pytest.mark.parametrize(
    ("env", "color", "coloured"),
    [
        ({}, ColorMode.AUTO, False),
        ({"FORCE_COLOR": "1"}, ColorMode.AUTO, True),
        ({}, ColorMode.ALWAYS, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, ColorMode.AUTO, False),
    ],
    ids=["terminal", "FORCE_COLOR", "--color-always", "NO_COLOR"],
)
def test_plain_progress_on_a_terminal_is_coloured_only_when_forced(env, color, coloured):
    _, _, text, _ = watch_run(scripted(), env=env, stderr=FakeTerminal(), color=color)
    assert ("\x1b[" in text) is coloured
    assert "\r" not in text


def test_one_off_checks_and_watches_word_retries_alike():
    replies = {
        "b": [Reply(503, {"error": "busy"}, {"Retry-After": "0"}), firecrawl_body("completed")]
    }
    _, _, once, _ = watch_run(replies, watch=False)
    _, _, watching, _ = watch_run(replies)
    line = "retrying firecrawl b in 0ms (attempt 1): firecrawl: HTTP 503: busy"
    assert once.splitlines() == [line]
    assert f"] {line}" in watching
