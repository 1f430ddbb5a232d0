"""Helpers for driving the real CLI in tests: a clean environment, a fake HTTP endpoint, and
`invoke`, which gathers everything the user would see (exit code, stdout, stderr)."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from jobwatch.cli import main
from jobwatch.streams import Streams
from tests.contract import USER_VARS

FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Keys long enough to be masked to their last four characters.
FC_KEY = "fc-0123456789abcdef0123456789ab9f2a"
BD_KEY = "bd0123456789abcdef0123456789abcd7e11"
ZZ_KEY = "zz0123456789abcdef0123456789abcd5c22"
CZ_KEY = "pat_0123456789abcdef0123456789abcd3d33"
ALL_KEYS = (FC_KEY, BD_KEY, ZZ_KEY, CZ_KEY)


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the developer's machine leaks into a test."""
    for name in list(os.environ):
        if name.startswith(("JOBWATCH_", "GITHUB_")) or name in USER_VARS:
            monkeypatch.delenv(name, raising=False)


def fixture_bytes(provider: str, name: str) -> bytes:
    return (FIXTURES / provider / name).read_bytes()


def reply(
    status: int = 200,
    *,
    fixture: tuple[str, str] | None = None,
    body: Any = None,
    text: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """One canned answer: a fixture file, a JSON-able body, or plain text."""
    if fixture is not None:
        content = fixture_bytes(*fixture)
        kind = "application/json" if fixture[1].endswith(".json") else "text/plain"
    elif text is not None:
        content, kind = text.encode(), "text/plain"
    else:
        content, kind = json.dumps(body).encode(), "application/json"
    return httpx.Response(
        status, content=content, headers={"Content-Type": kind, **(headers or {})}
    )


Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


@dataclass
class Fake:
    """A fake API: answers by a function of the request, or from a list in order, and records
    every request it sees. `Fake()` with no answers fails on any request."""

    answers: Sequence[Answer] | Callable[[httpx.Request], httpx.Response] = ()
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if callable(self.answers):
            return self.answers(request)
        index = len(self.requests) - 1
        assert index < len(self.answers), f"unexpected request {request.method} {request.url}"
        answer = self.answers[index]
        return answer(request) if callable(answer) else answer

    @property
    def auth(self) -> list[str | None]:
        return [request.headers.get("Authorization") for request in self.requests]

    @property
    def urls(self) -> list[str]:
        return [str(request.url) for request in self.requests]


@dataclass
class Outcome:
    """What the user sees: the exit code and both streams (the job commands write to the
    injected Streams, the top-level error handler and the auth commands to the real ones)."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(
    args: Sequence[str],
    config_dir: Path,
    *,
    fake: Fake | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    secrets: Sequence[str] = ALL_KEYS,
    cli: typer.Typer | None = None,
) -> Outcome:
    """Run `jobwatch ARGS` in-process, through the console entry's own boundary
    (jobwatch.cli.main.run: the fast path or the Typer app, and the exit code), in an isolated
    environment, stdin and stdout/stderr. `cli`: a Typer app of the test's own, which then reads
    every command line. Internal errors propagate (JOBWATCH_TRACEBACK), and no output may ever
    contain a whole key."""
    full_env = {
        "JOBWATCH_CONFIG_DIR": str(config_dir),
        "JOBWATCH_TRACEBACK": "1",
        **(env or {}),
    }
    out, err = io.StringIO(), io.StringIO()
    streams = Streams(
        stdout=out,
        stderr=err,
        env=dict(env or {}),
        transport=httpx.MockTransport(fake if fake is not None else Fake()),
    )
    runner = CliRunner()
    with runner.isolation(input=input, env=full_env) as (real_out, real_err, _):
        code = main.run(list(args), streams, app=cli)
        sys.stdout.flush()
        sys.stderr.flush()
        printed = [
            stream.getvalue().decode(runner.charset, "replace") for stream in (real_out, real_err)
        ]
    outcome = Outcome(
        exit_code=code, stdout=out.getvalue() + printed[0], stderr=err.getvalue() + printed[1]
    )
    for secret in secrets:
        assert secret not in outcome.output, "a whole key was printed"
    return outcome
