"""Helpers for the end-to-end hostile-server tests: the real `jobwatch` process (its exit code,
output, run time and peak memory), Firecrawl answers, and scripts that answer in turn across
connections (a mangled answer closes its connection; the next one comes on a fresh one)."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.conftest import PROCESS_TIMEOUT, clean_env, jobwatch_command
from tests.hostile import Conn, Script, answer, request_line

PEAK = Path(__file__).with_name("peak.py")  # measures the peak memory of jobwatch alone

# A Firecrawl-shaped key, long enough to be hunted for in provider text.
KEY = "fc-h7e2e0123456789abcdef0123456789ab9f3e"
MASKED = "fc-…9f3e"  # how `auth list` shows it
JSON = "Content-Type: application/json"
MIB = 1024 * 1024


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float  # jobwatch's own ru_maxrss, as peak.py measured it

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)

    def ndjson(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def summary_jobs(self) -> dict[str, dict[str, Any]]:
        """The jobs of a watch's NDJSON summary (or a one-off's document), by id."""
        events = self.ndjson()
        last = events[-1] if events else {}
        return {job["id"]: job for job in last.get("jobs", [])}


def start(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, stdin: bytes = b""
) -> subprocess.Popen[bytes]:
    """The real jobwatch process, reading `stdin`, its output going to files in `tmp_path`.

    It runs under `peak.py` (which forwards signals and reports its peak memory) in a session
    of its own, so that a kill after the time limit reaches both."""
    (tmp_path / "stdin").write_bytes(stdin)
    with (
        (tmp_path / "stdin").open("rb") as given,
        (tmp_path / "stdout").open("wb") as out,
        (tmp_path / "stderr").open("wb") as err,
    ):  # the child keeps its own copies
        return subprocess.Popen(
            [sys.executable, str(PEAK), str(tmp_path / "peak-kib"), *jobwatch_command(*args)],
            stdin=given,
            stdout=out,
            stderr=err,
            env=clean_env(str(tmp_path / "config"), **(env or {})),
            start_new_session=True,
        )


def finish(process: subprocess.Popen[bytes], tmp_path: Path, started: float, within: float) -> Ran:
    """Wait for `process` (killed after `within` seconds), and read its output and peak memory."""
    killer = threading.Timer(within, os.killpg, (process.pid, signal.SIGKILL))
    killer.start()
    try:
        code = process.wait()
    finally:
        killer.cancel()
    seconds = time.monotonic() - started
    assert code != -signal.SIGKILL, f"jobwatch still running after {within}s"
    stdout = (tmp_path / "stdout").read_bytes().decode("utf-8", "replace")
    stderr = (tmp_path / "stderr").read_bytes().decode("utf-8", "replace")
    peak_kib = int((tmp_path / "peak-kib").read_text(encoding="ascii"))
    return Ran(code, stdout, stderr, seconds, peak_kib / 1024)


def jobwatch(
    tmp_path: Path,
    *args: str,
    env: dict[str, str] | None = None,
    stdin: bytes = b"",
    within: float = PROCESS_TIMEOUT,
) -> Ran:
    started = time.monotonic()
    return finish(start(tmp_path, *args, env=env, stdin=stdin), tmp_path, started, within)


def status_body(
    status: str = "completed", completed: int = 2, total: int = 2, **more: Any
) -> bytes:
    return json.dumps({"success": True, "status": status, "completed": completed,
                       "total": total, **more}).encode()  # fmt: skip


def status_answer(status: str = "completed", **more: Any) -> bytes:
    return answer(status_body(status, **more), JSON)


COMPLETED = status_answer()
NO_ERRORS = answer(json.dumps({"errors": [], "robotsBlocked": []}).encode(), JSON)
FAILED = status_answer("failed", error="the crawl was blocked")

Reply = bytes | Callable[[], Iterable[bytes]]


def in_turn(*replies: Reply) -> Script:
    """The n-th request the server gets (over all connections) is answered with replies[n]
    (the last repeats); the connection is closed after every reply but the last kind."""
    counter = itertools.count()

    def script(conn: Conn) -> None:
        while conn.read_request() is not None:
            index = min(next(counter), len(replies) - 1)
            reply = replies[index]
            sent = conn.send(reply() if callable(reply) else reply)
            if not sent or index < len(replies) - 1:
                return

    return script


def by_job(routes: dict[str, Reply]) -> Script:
    """Answers by the job id the request names: the last path segment (before `?`)."""

    def script(conn: Conn) -> None:
        while (raw := conn.read_request()) is not None:
            target = request_line(raw).split(b" ")[1].decode()
            path = target.split("?", 1)[0]
            # A job that ended badly has its /errors read once (PRODUCT.md section 8).
            reply = NO_ERRORS if path.endswith("/errors") else routes[path.rsplit("/", 1)[-1]]
            if not conn.send(reply() if callable(reply) else reply):
                return

    return script


def gzip_bomb(size: int = 10 * MIB) -> Callable[[], Iterator[bytes]]:
    """A gzip answer of `size` bytes that expands to about 1000x as much (10 MB: ~10 GB of
    zeros), produced lazily: deflate blocks of 1 MiB of zeros, each flushed whole, are all the
    same bytes. (Its trailer is never reached: a client stops long before.)"""
    zeros = bytes(MIB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    count = (size - len(first)) // len(block)
    head = answer(
        b"", JSON, "Content-Encoding: gzip", f"Content-Length: {len(first) + count * len(block)}"
    )

    def pieces() -> Iterator[bytes]:
        yield head + first
        for _ in range(count):
            yield block

    return pieces


def endless(
    size: int = 300 * 1000 * 1000, *, announced: bool = True
) -> Callable[[], Iterator[bytes]]:
    """An answer with a `size`-byte body (300 MB), produced lazily (never whole in memory):
    with a Content-Length, or chunked (the size known only by reading it all)."""
    piece = b" " * 65536
    framing = f"Content-Length: {size}" if announced else "Transfer-Encoding: chunked"

    def pieces() -> Iterator[bytes]:
        yield answer(b"", JSON, framing)
        for _ in range(size // len(piece)):
            yield piece if announced else b"%x\r\n%s\r\n" % (len(piece), piece)
        if announced:
            yield b" " * (size % len(piece))
        else:
            yield b"0\r\n\r\n"

    return pieces


def assert_clean(ran: Ran) -> None:
    """No traceback, no "internal error", the key never whole."""
    assert "Traceback" not in ran.output, ran.stderr
    assert "internal error" not in ran.output, ran.stderr
    assert KEY not in ran.output, ran.output


def wait_for(condition: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def path_env(via: Any, **extra: str) -> dict[str, str]:
    """The child's environment for one HTTP path (httpkit.Via): no proxy variable at all on
    the direct path, only the test's ForwardProxy on the other (whatever the machine has)."""
    env = {name: "" for upper in PROXY_VARIABLES for name in (upper, upper.lower())}
    env.update(via.env)
    env.update(extra)
    return env


def nothing_sent(server: Any, via: Any) -> bool:
    return server.requests == [] and (via.proxy is None or via.proxy.targets == [])
