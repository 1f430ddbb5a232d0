"""The whole suite leaves no process behind: every process a test started (a `jobwatch sim`, a
real `jobwatch` run, a hook and its children) has ended when the session does."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PROC = Path("/proc")
GRACE = 5.0  # seconds a process that is on its way out may take
WORKERS_PER_CORE = 2  # the tests mostly wait (simulated stories, sleeps, child processes)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): two workers per core.

    Measured on 2 cores: one worker per core kept the CPUs a third busy (6 min 17 s of wall
    clock for 4 min 10 s of CPU); two per core take about 3 min 10 s."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def descendants(pid: int) -> dict[int, str]:
    """The processes below `pid` (children, their children, …): pid → command line."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        # `pid (name) state ppid …`: the name may hold spaces and parentheses.
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        names[int(entry.name)] = command.strip() or stat.split(" ", 2)[1]
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found[child] = names.get(child, "?")
        todo += children.get(child, [])
    return found


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind() -> Iterator[None]:
    if not PROC.is_dir():  # pragma: no cover - not Linux: nothing to look at
        yield
        return
    before = set(descendants(os.getpid()))  # e.g. a coverage helper started before us
    yield
    deadline = time.monotonic() + GRACE
    while True:
        left = {
            pid: command for pid, command in descendants(os.getpid()).items() if pid not in before
        }
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left, f"the tests left processes behind: {left}"
