"""Issue 10, end to end, what jobwatch is answered: the real process against hostile loopback
servers on both HTTP paths (direct: the h11 pool; proxy: httpx's own transport through a
loopback forward proxy). Bombs and huge bodies, answers it cannot digest, impossible
Retry-After values, mangled framing, and SIGTERM while the server stalls (classes 3, 4, 5,
7 and 8)."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.hostilekit import (
    COMPLETED,
    FAILED,
    JSON,
    KEY,
    MIB,
    Reply,
    assert_clean,
    by_job,
    endless,
    finish,
    gzip_bomb,
    in_turn,
    jobwatch,
    path_env,
    start,
    status_body,
    wait_for,
)
from tests.hostile import Conn, HostileServer, answer, chunked, serving
from tests.httpkit import PATHS, Via

pytestmark = pytest.mark.e2e

PEAK_MIB = 150  # the jobwatch process's peak memory, a 32 MiB answer buffer included
BODY = status_body()
BIG = {
    "gzip-bomb": (gzip_bomb(10 * MIB), "larger than 32 MiB once decompressed (gzip)"),
    "300MB": (endless(), "larger than 32 MiB"),
    "300MB-chunked": (endless(announced=False), "larger than 32 MiB"),
}


@pytest.fixture(params=PATHS)
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    with Via(request.param) as path:
        yield path


def watch(url: str, *refs: str, retries: int = 1) -> list[str]:
    """A watch of `refs` at `url`: NDJSON on stdout, plain lines on stderr."""
    return [
        "watch", *refs, "--base-url", url, "--max-retries", str(retries), "--interval", "0.1",
        "--json", "--progress", "plain",
    ]  # fmt: skip


# 3. Bounded answers


@pytest.mark.parametrize("name", BIG)
def test_a_bomb_or_huge_body_ends_the_job_unknown_in_little_memory(
    tmp_path: Path, via: Via, name: str
) -> None:
    reply, reason = BIG[name]
    with HostileServer(serving(reply)) as server:
        ran = jobwatch(
            tmp_path, *watch(server.url, "firecrawl:job-1", retries=0),
            env=path_env(via, FIRECRAWL_API_KEY=KEY), within=30,
        )  # fmt: skip
    assert ran.code == 3, ran.stderr
    job = ran.summary_jobs()["job-1"]
    assert job["state"] == "unknown"
    assert reason in job["message"] and "not read" in job["message"]
    assert ran.peak_mib < PEAK_MIB, f"peak {ran.peak_mib:.0f} MiB"
    assert f"firecrawl job-1: answer {reason}" in ran.stderr
    assert len(server.requests) == 1
    assert_clean(ran)


# 7. Framing a proxy or server mangles, and the big answers again: retryable, then the real answer

MANGLED: dict[str, tuple[Reply, str]] = {
    "duplicate-content-length": (
        answer(BODY, JSON, f"Content-Length: {len(BODY)}", f"Content-Length: {len(BODY) + 5}"),
        "conflicting Content-Length",
    ),
    "chunked-identity": (
        answer(b"", JSON, "Transfer-Encoding: chunked, identity") + chunked(BODY),
        "Transfer-Encoding",
    ),
    "chunk-size-+0x4_4": (
        answer(b"", JSON, "Transfer-Encoding: chunked")
        + b"+0x4_4\r\n"
        + BODY[:0x44].ljust(0x44)
        + b"\r\n0\r\n\r\n",
        "chunk",
    ),  # fmt: skip
    "cut-short": (
        answer(b"", JSON, f"Content-Length: {len(BODY) + 100}") + BODY,
        "without sending complete message body",
    ),
    "html-502": (
        answer(
            b"<html><h1>502 Bad Gateway</h1>\n</html>",
            "Content-Type: text/html",
            status="502 Bad Gateway",
        ),
        "HTTP 502: an HTML page",
    ),  # fmt: skip
    **BIG,
}


@pytest.mark.parametrize("name", MANGLED)
def test_a_mangled_answer_is_retried_and_the_next_one_counts(
    tmp_path: Path, via: Via, name: str
) -> None:
    reply, reason = MANGLED[name]
    with HostileServer(in_turn(reply, COMPLETED)) as server:
        ran = jobwatch(
            tmp_path, *watch(server.url, "firecrawl:job-1", retries=1),
            env=path_env(via, FIRECRAWL_API_KEY=KEY), within=30,
        )  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert ran.summary_jobs()["job-1"]["state"] == "succeeded"
    (retry,) = [line for line in ran.stderr.splitlines() if "retrying firecrawl job-1" in line]
    assert "attempt 1" in retry and reason in retry
    assert len(server.requests) == 2
    assert len(server.conns) == 2  # the mangled connection was never used again
    assert ran.peak_mib < PEAK_MIB
    assert_clean(ran)


# 4. Containment: one answer jobwatch cannot digest never hides another job's failure

INDIGESTIBLE: dict[str, tuple[bytes, str]] = {
    "nested-brackets": (
        answer(b"[" * 100_000 + b"]" * 100_000, JSON),
        "not valid JSON (application/json): it is nested too deeply to read",
    ),
    "corrupt-gzip": (
        answer(
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not deflate at all",
            JSON,
            "Content-Encoding: gzip",
        ),
        "corrupt gzip answer",
    ),  # fmt: skip
    "count-1e400": (
        answer(b'{"success":true,"status":"scraping","completed":1e400,"total":1e400}', JSON),
        "firecrawl: HTTP 200",
    ),
}


@pytest.mark.parametrize("name", INDIGESTIBLE)
def test_an_indigestible_answer_never_hides_another_jobs_failure(
    tmp_path: Path, via: Via, name: str
) -> None:
    reply, reason = INDIGESTIBLE[name]
    with HostileServer(by_job({"A": reply, "B": FAILED})) as server:
        ran = jobwatch(
            tmp_path, *watch(server.url, "firecrawl:A", "firecrawl:B"),
            env=path_env(via, FIRECRAWL_API_KEY=KEY), within=30,
        )  # fmt: skip
    assert ran.code == 1, ran.stderr
    jobs = ran.summary_jobs()
    assert jobs["B"]["state"] == "failed" and jobs["B"]["message"] == "the crawl was blocked"
    assert jobs["A"]["state"] == "unknown"
    assert reason in jobs["A"]["message"] and "gave up after 2 failed polls" in jobs["A"]["message"]
    assert len(jobs["A"]["message"]) < 400  # a reason, not the body
    assert ran.ndjson()[-1]["exit_code"] == 1
    assert_clean(ran)


def test_a_count_of_ten_to_the_400_gives_no_progress(tmp_path: Path, via: Via) -> None:
    huge = "1" + "0" * 400
    body = f'{{"success":true,"status":"completed","completed":{huge},"total":{huge}0}}'
    with HostileServer(serving(answer(body.encode(), JSON))) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", "job-1", "--base-url", server.url, "--json",
            env=path_env(via, FIRECRAWL_API_KEY=KEY),
        )  # fmt: skip
    assert ran.code == 0, ran.stderr
    (job,) = ran.json()["jobs"]
    assert job["state"] == "succeeded" and job["progress"] is None
    assert_clean(ran)


# 5. Retry-After: only finite, non-negative values count; a wait past the deadline ends the job

RATE_LIMITED = b'{"success":false,"error":"Rate limit exceeded, slow down"}'


def rate_limited(retry_after: str) -> bytes:
    return answer(RATE_LIMITED, JSON, f"Retry-After: {retry_after}", status="429 Too Many Requests")


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "1e9"])
def test_an_impossible_retry_after_is_ignored_for_backoff(
    tmp_path: Path, via: Via, value: str
) -> None:
    with HostileServer(serving(rate_limited(value))) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", "job-1", "--base-url", server.url, "--timeout", "5",
            "--max-retries", "1", "--json",
            env=path_env(via, FIRECRAWL_API_KEY=KEY), within=30,
        )  # fmt: skip
    assert ran.seconds < 10
    assert ran.code == 3, ran.stderr
    assert len(server.requests) == 2  # a backoff between: neither forever nor hammering
    (job,) = ran.json()["jobs"]
    assert job["state"] == "unknown"
    assert "HTTP 429: Rate limit exceeded, slow down" in job["message"]
    retries = [line for line in ran.stderr.splitlines() if line.startswith("retrying")]
    assert len(retries) == 1
    waited = re.search(r" in ([0-9.]+)(ms|s) \(attempt 1\)", retries[0])
    assert waited is not None
    seconds = float(waited[1]) / (1000 if waited[2] == "ms" else 1)
    assert seconds <= 1.0  # the first backoff step, at most
    assert_clean(ran)


@pytest.mark.parametrize("timeout", [["--timeout", "5"], []])
def test_a_retry_after_past_the_deadline_ends_at_once_with_124(
    tmp_path: Path, via: Via, timeout: list[str]
) -> None:
    with HostileServer(serving(rate_limited("99999999999999999999"))) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", "job-1", "--base-url", server.url, *timeout, "--json",
            env=path_env(via, FIRECRAWL_API_KEY=KEY), within=40,
        )  # fmt: skip
    assert ran.seconds < 10
    assert ran.code == 124, ran.stderr
    assert len(server.requests) == 1
    (job,) = ran.json()["jobs"]
    assert "HTTP 429: Rate limit exceeded, slow down" in job["message"]
    assert "past the deadline" in job["message"]
    assert_clean(ran)


# 8. SIGTERM while the server never answers


def stall(conn: Conn) -> None:
    if conn.read_request() is not None:
        conn.stall(10)


def test_sigterm_while_the_server_stalls_exits_143_with_the_summary(
    tmp_path: Path, via: Via
) -> None:
    with HostileServer(stall) as server:
        started = time.monotonic()
        process = start(
            tmp_path, *watch(server.url, "firecrawl:job-1"),
            env=path_env(via, FIRECRAWL_API_KEY=KEY),
        )  # fmt: skip
        wait_for(lambda: len(server.requests) == 1)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        ran = finish(process, tmp_path, started, within=30)
        assert time.monotonic() - signalled < 3
        wait_for(lambda: all(conn.client_closed.is_set() for conn in server.conns))
    assert ran.code == 143, ran.stderr
    assert (
        "terminated: the jobs keep running at the provider; re-attach with:\n  jobwatch "
        in ran.stderr
    )
    assert "summary: firecrawl job-1" in ran.stderr
    summary = ran.ndjson()[-1]
    assert summary["event"] == "summary" and summary["exit_code"] == 143
    assert_clean(ran)
