"""End-to-end: the real `jobwatch` process against `jobwatch sim` on a loopback port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.contract import USER_VARS

SPEED = 20  # every story 20x faster: the default story takes 0.5 s
# Generous: a loaded 2-core machine may be slow to start processes; the stories themselves
# end in well under a second at this speed.
PROCESS_TIMEOUT = 120


def jobwatch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jobwatch", *args]


def clean_env(tmp_config: str, **extra: str) -> dict[str, str]:
    """The environment of a user with no keys and no CI, so the tests decide everything."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JOBWATCH_", "GITHUB_")) and key not in USER_VARS
    }
    env["JOBWATCH_CONFIG_DIR"] = tmp_config
    env.update(extra)
    return env


@dataclass
class Sim:
    base_url: str
    process: subprocess.Popen[str]


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    """One real `jobwatch sim --port 0` process for the whole session."""
    config = str(tmp_path_factory.mktemp("config"))
    process = subprocess.Popen(
        jobwatch_command("sim", "--port", "0", "--speed", str(SPEED)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(config),
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first.startswith("listening on http://127.0.0.1:"), first
    try:
        yield Sim(first.removeprefix("listening on "), process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def ndjson(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


@pytest.fixture
def run_jobwatch(tmp_path: Any) -> Any:
    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        done = subprocess.run(
            jobwatch_command(*args),
            capture_output=True,
            text=True,
            env=clean_env(str(tmp_path), **(env or {})),
            timeout=PROCESS_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


def unique(suffix: str = "") -> str:
    """A fresh job id (the simulator keeps a clock per id), ending in a story suffix."""
    return f"e2e{uuid.uuid4().hex[:12]}{suffix}"
