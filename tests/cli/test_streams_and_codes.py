"""The pieces behind signals and pipes, in-process: a stderr that never raises, the one place
errors become exit codes, and `--running` through the CLI with a fake provider."""

from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path

import httpx
import pytest

from jobwatch.cli import main
from jobwatch.core import exitcodes
from jobwatch.core.errors import CredentialsError, UsageError
from jobwatch.streams import ESCAPE_ERRORS, DataOut, SilentOnError, guard_stderr, isatty
from tests.cli_helpers import FC_KEY, Fake, clean_environment, invoke, reply


class Closed(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise OSError(9, "Bad file descriptor")


def test_a_stderr_whose_reader_is_gone_drops_what_it_cannot_write() -> None:
    stream = SilentOnError(Closed())
    assert stream.write("lost\n") == 5
    assert stream.broken
    stream.flush()
    assert stream.write("also lost") == 9
    assert not stream.isatty() and stream.writable()
    assert stream.encoding == "utf-8"


def test_a_missing_stderr_is_a_silent_one() -> None:
    stream = SilentOnError(None)
    assert stream.broken and stream.write("x") == 1
    with pytest.raises(io.UnsupportedOperation):
        stream.fileno()
    assert not isatty(stream)


def test_a_working_stderr_is_passed_through(monkeypatch: pytest.MonkeyPatch) -> None:
    inner = io.StringIO()
    monkeypatch.setattr("sys.stderr", inner)
    guard_stderr()
    import sys

    assert isinstance(sys.stderr, SilentOnError)
    print("seen", file=sys.stderr)
    sys.stderr.flush()
    assert inner.getvalue() == "seen\n"


class Full(io.StringIO):
    def flush(self) -> None:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("inner", "said"),
    [
        (None, "jobwatch: error: cannot write to stdout: it is closed\n"),
        (Full(), "jobwatch: error: cannot write to stdout: No space left on device\n"),
        (Closed(), ""),  # the reader left (`| head -1`): nothing to say
    ],
    ids=["closed", "full", "reader gone"],
)
def test_a_stdout_that_cannot_take_data_raises_broken_pipe_once_having_said_why(
    inner: io.StringIO | None, said: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    # (what is left would go to /dev/null on descriptor 1: here a file's, not the test's)
    saved = os.dup(1)
    try:
        out = DataOut(inner)
        with pytest.raises(BrokenPipeError):
            out.write('{"jobs": []}\n')
        with pytest.raises(BrokenPipeError):
            out.write("more\n")
        out.flush()  # never raises: Python flushes stdout at exit
        assert not out.isatty()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    assert err.getvalue() == said


def test_a_stdout_that_takes_data_gets_each_write_flushed() -> None:
    inner = io.StringIO()
    out = DataOut(inner)
    assert out.write("seen\n") == 5
    assert inner.getvalue() == "seen\n" and out.writable() and out.encoding == "utf-8"


def test_what_an_encoding_cannot_hold_becomes_a_json_escape() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors=ESCAPE_ERRORS)
    stream.write('{"id": "caf\u00e9 \u2026 \U0001f600"}')
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert text == '{"id": "caf\\u00e9 \\u2026 \\ud83d\\ude00"}'
    assert json.loads(text) == {"id": "caf\u00e9 \u2026 \U0001f600"}


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (UsageError("bad --interval"), 2, "jobwatch: error: bad --interval"),
        (CredentialsError("no key"), 4, "jobwatch: error: no key"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (exitcodes.Terminated(signal.SIGTERM), 143, "terminated"),
        (exitcodes.Terminated(signal.SIGHUP), 129, "terminated"),
        (ZeroDivisionError("oops"), 3, "jobwatch: internal error: ZeroDivisionError: oops"),
    ],
)
def test_errors_become_exit_codes_in_one_place(
    error: BaseException, code: int, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail() -> int:
        raise error

    os.environ.pop("JOBWATCH_TRACEBACK", None)
    assert main.exit_code_of(fail) == code
    assert capsys.readouterr().err.startswith(line)


def test_sigterm_and_sighup_are_turned_into_an_interrupt() -> None:
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        main.handle_termination()
        with pytest.raises(exitcodes.Terminated) as caught:
            signal.raise_signal(signal.SIGTERM)
        assert exitcodes.for_interrupt(caught.value) == 143
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


@pytest.fixture
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def active(crawls: list[str]) -> Fake:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/crawl/active":
            return reply(body={"success": True, "crawls": [{"id": c} for c in crawls]})
        return reply(fixture=("firecrawl", "status_completed.json"))

    return Fake(answer)


@pytest.mark.usefixtures("_clean")
def test_running_checks_the_active_crawls(tmp_path: Path) -> None:
    fake = active(["c-1", "c-2"])
    result = invoke(["firecrawl", "--running", "--json", "--api-key", FC_KEY], tmp_path, fake=fake)
    assert result.exit_code == 0, result.output
    assert [job["id"] for job in result.json()["jobs"]] == ["c-1", "c-2"]
    assert [r.url.path for r in fake.requests] == [
        "/v2/crawl/active",
        "/v2/crawl/c-1",
        "/v2/crawl/c-2",
    ]


@pytest.mark.usefixtures("_clean")
def test_running_with_nothing_running_says_so(tmp_path: Path) -> None:
    result = invoke(
        ["firecrawl", "--running", "--json", "--api-key", FC_KEY], tmp_path, fake=active([])
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"jobs": [], "exit_code": 0}
    assert "jobwatch: no active crawls" in result.stderr
