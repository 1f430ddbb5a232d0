"""Shared plumbing for the hand-run benchmarks (bench_*.py; pytest never collects them).

- `Sim` starts `jobwatch sim --port 0 --speed S` as a subprocess and reads its `listening on URL`
  line. It runs the real CLI through a small shim that counts the requests the simulator
  answers and serves that count at `GET /__bench__/requests`, so "requests made" is counted on
  the server side: exact, the same for jobwatch and for the SDK scripts, and free for the
  process being measured (no `--debug` logging, no instrumentation in the client).
- `measure` runs one command and reports its wall time, CPU time (user + system) and peak RSS
  from `os.wait4`, i.e. the rusage of that one child process, not of all children so far
  (`RUSAGE_CHILDREN`'s ru_maxrss is a maximum over every child ever waited for).
"""

from __future__ import annotations

import json
import os
import platform
import selectors
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

PYTHON = sys.executable
BIN = Path(sys.executable).parent
JOBWATCH = str(BIN / "jobwatch")
HERE = Path(__file__).resolve().parent

# The shim: count every request the simulator routes, answer /__bench__/requests itself, then
# run `jobwatch sim ...` exactly as the console script does.
_SIM_SHIM = """
import itertools, json, sys
import jobwatch.sim.server as server
from jobwatch.sim.replies import Reply
counter = itertools.count()
served = [0]
class CountingRouter(server.Router):
    def __call__(self, request, book):
        if request.path == "/__bench__/requests":
            return Reply(body=json.dumps({"requests": served[0]}).encode())
        served[0] = next(counter) + 1
        return super().__call__(request, book)
server.Router = CountingRouter
from jobwatch.cli.main import main
sys.argv[0] = "jobwatch"
main()
"""


class Sim:
    """`jobwatch sim --port 0 --speed S` in a subprocess, with a server-side request counter."""

    def __init__(self, speed: float = 1.0) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-c", _SIM_SHIM, "sim", "--port", "0", "--speed", str(speed)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        prefix = "listening on "
        if not line.startswith(prefix):
            self.process.kill()
            raise RuntimeError(f"jobwatch sim did not start: {line!r}")
        self.url = line[len(prefix) :]

    def requests(self) -> int:
        """How many requests the simulator has answered so far."""
        with urllib.request.urlopen(f"{self.url}/__bench__/requests", timeout=10) as answer:
            return int(json.load(answer)["requests"])

    def cpu_seconds(self) -> float:
        """The simulator's own CPU time so far (it shares the machine with what is measured)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def __enter__(self) -> Sim:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    exit_code: int
    wall: float  # seconds
    cpu: float  # user + system seconds
    max_rss_mb: float  # peak resident set size, MiB
    stdout: bytes
    stderr: bytes


def measure(command: Sequence[str], *, env: dict[str, str] | None = None) -> Run:
    """Run `command` to completion; its wall time, CPU time and peak RSS (os.wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    # Read both pipes to EOF first, then reap the child with wait4 to get its own rusage.
    out, err = _drain(process)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        exit_code=process.returncode,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
        stdout=out,
        stderr=err,
    )


def _drain(process: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """Read stdout and stderr to EOF without reaping the child (so wait4 can)."""
    assert process.stdout is not None and process.stderr is not None
    out_fd, err_fd = process.stdout.fileno(), process.stderr.fileno()
    chunks: dict[int, list[bytes]] = {out_fd: [], err_fd: []}
    with selectors.DefaultSelector() as selector:
        for stream in (process.stdout, process.stderr):
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            for key, _ in selector.select():
                data = os.read(key.fd, 65536)
                if data:
                    chunks[key.fd].append(data)
                else:
                    selector.unregister(key.fileobj)
    process.stdout.close()
    process.stderr.close()
    return b"".join(chunks[out_fd]), b"".join(chunks[err_fd])


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    """nproc, CPU model and Python version, for the figures table."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {sys.platform}"


def verdict(value: float, target: float, *, below: bool = True) -> str:
    """`met` when value <= target (or >= with below=False), else `MISSED`."""
    ok = value <= target if below else value >= target
    return "met" if ok else "MISSED"


def sdk_script(name: str) -> list[str]:
    """The command that runs one of the SDK comparison scripts next to this file."""
    return [PYTHON, str(HERE / "sdk" / name)]
