"""Issue 22, end to end: nothing around the run changes its answer. The real `jobwatch` process
with hooks that leave children behind, standard streams closed or full at start, provider text
that is clean but enormous, the simulator's own errors, terminals without a TERM, redirects and
bodies jobwatch cannot hold, and the environment a CI runner may give. Each test asserts the
exit code, the time it took and the lines seen; the hostile answers on both HTTP paths."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import PROCESS_TIMEOUT, Sim, clean_env, jobwatch_command, unique
from tests.e2e.hostilekit import (
    COMPLETED,
    JSON,
    KEY,
    PROXY_VARIABLES,
    assert_clean,
    by_job,
    in_turn,
    jobwatch,
    path_env,
)
from tests.hostile import HostileServer, answer, request_line
from tests.httpkit import PATHS, Via

pytestmark = pytest.mark.e2e

SIM_KEY = "fc-e2e0123456789abcdef0123456789ab22aa"
CLOSED = "closed"
FULL = "/dev/full"
# A loaded 2-core machine starts a Python process in up to a second or two: the bounds below
# are what a user would call "at once" and "not the deadline".
AT_ONCE = 8.0


@pytest.fixture(params=PATHS)
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    with Via(request.param) as path:
        yield path


@dataclass
class Ended:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def assert_clean(self) -> None:
        for text in (self.stdout, self.stderr):
            assert "Traceback" not in text and "internal error" not in text, text


def run(
    tmp_path: Path,
    *args: str,
    stdin: str | None = None,
    stdout: str | None = None,
    stderr: str | None = None,
    env: dict[str, str] | None = None,
) -> Ended:
    """The real process with each standard stream a file of `tmp_path`, or closed (CLOSED) or
    another file (FULL) from the start, as `sh` does for `>&-` and `>/dev/full`."""
    redirect = {0: stdin, 1: stdout, 2: stderr}
    shell = ['exec "$@"']
    for fd, how in redirect.items():
        if how == CLOSED:
            shell.append(f"{fd}<&-" if fd == 0 else f"{fd}>&-")
        elif how is not None:
            shell.append(f"{fd}<{how}" if fd == 0 else f"{fd}>{how}")
    (tmp_path / "stdin").write_text("")
    started = time.monotonic()
    with (
        (tmp_path / "stdin").open("rb") as given,
        (tmp_path / "stdout").open("wb") as out,
        (tmp_path / "stderr").open("wb") as err,
    ):
        done = subprocess.run(
            ["sh", "-c", " ".join(shell), "sh", *jobwatch_command(*args)],
            stdin=given,
            stdout=out,
            stderr=err,
            env=clean_env(str(tmp_path / "config"), **(env or {})),
            timeout=PROCESS_TIMEOUT,
        )
    return Ended(
        done.returncode,
        (tmp_path / "stdout").read_text(encoding="utf-8", errors="replace"),
        (tmp_path / "stderr").read_text(encoding="utf-8", errors="replace"),
        time.monotonic() - started,
    )


def sim_args(sim: Sim, *more: str) -> list[str]:
    return ["--base-url", sim.base_url, "--api-key", SIM_KEY, "--interval", "0.1", *more]


def alive(pid: int) -> bool:
    """True while `pid` runs (not a zombie waiting for its parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stop(pid: int, command: str) -> None:
    """End a process a test left running on purpose (a hook's background child), if it is
    still that process (its command line holds `command`: the id is not another's since)."""
    try:
        running = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return
    if alive(pid) and command in running:
        os.kill(pid, signal.SIGKILL)
        assert wait_gone(pid)


# 1. Hooks: a hook has ended when its own process has exited


def test_a_hook_that_starts_a_background_process_ends_with_its_own_process(
    sim: Sim, tmp_path: Path
) -> None:
    job, pidfile = unique(), tmp_path / "child.pid"
    hook = f"echo started; sleep 300 & echo $! > {pidfile}; echo done"
    ended = run(tmp_path, "firecrawl", job, *sim_args(sim), "--watch", "--timeout", "10",
                "--progress", "plain", "--on-job-end", hook)  # fmt: skip
    pid = int(pidfile.read_text())
    try:
        assert alive(pid), "the hook's background child was killed: it is the user's"
        assert ended.code == 0, ended.stderr
        assert ended.seconds < 5.0, ended.seconds  # the job takes ~0.5 s; not the 10 s deadline
        texts = [line.split("] ", 1)[-1] for line in ended.lines]
        assert "started" in texts and "done" in texts
        assert f"firecrawl {job} succeeded (completed) 20/20 pages 100%" in texts
        assert re.fullmatch(r"1 job: 1 succeeded in \ds \(exit code 0\)", texts[-1]), texts[-1]
        assert not any("stopped" in line for line in ended.lines), ended.stderr
        ended.assert_clean()
    finally:
        stop(pid, "sleep")


def test_what_a_left_child_writes_after_the_grace_is_not_waited_for(
    sim: Sim, tmp_path: Path
) -> None:
    job, pidfile = unique(), tmp_path / "child.pid"
    hook = f"echo early; (sleep 3; echo late) & echo $! > {pidfile}"
    ended = run(tmp_path, "firecrawl", job, *sim_args(sim), "--watch", "--progress", "plain",
                "--on-job-end", hook)  # fmt: skip
    pid = int(pidfile.read_text())
    try:
        assert ended.code == 0, ended.stderr
        assert ended.seconds < 3.0 + 1.0, ended.seconds  # the 1 s grace, not the child's 3 s
        assert "early" in ended.lines and "late" not in ended.stderr
        assert ended.lines[-1].endswith("(exit code 0)")
        assert not any("stopped" in line or "exited" in line for line in ended.lines)
    finally:
        stop(pid, "sleep")


def test_a_hook_still_running_at_the_deadline_is_stopped_with_its_children(
    sim: Sim, tmp_path: Path
) -> None:
    job, pidfile = unique(), tmp_path / "child.pid"
    hook = f"sleep 300 & echo $! > {pidfile}; sleep 301"
    ended = run(tmp_path, "firecrawl", job, *sim_args(sim), "--watch", "--timeout", "3",
                "--progress", "plain", "--on-job-end", hook)  # fmt: skip
    pid = int(pidfile.read_text())
    try:
        assert ended.code == 0, ended.stderr  # the job succeeded; a hook never changes that
        assert 3.0 <= ended.seconds < 3.0 + AT_ONCE, ended.seconds
        stopped = f"jobwatch: hook for firecrawl {job} stopped: still running at the end of the run"
        assert stopped in [line.split("] ", 1)[-1] for line in ended.lines], ended.stderr
        assert wait_gone(pid, 5.0), "the hook's process group was not stopped"
        ended.assert_clean()
    finally:
        stop(pid, "sleep")


# 3. Streams closed (or full) at start. The rule (README: Troubleshooting, exit 141): data
# jobwatch cannot write to stdout ends the run with 141 at once, with one line saying why; a
# run that writes nothing to stdout keeps its own code; stderr never changes the code.

NO_STDOUT = {
    CLOSED: "jobwatch: error: cannot write to stdout: it is closed",
    FULL: "jobwatch: error: cannot write to stdout: No space left on device",
}


@pytest.mark.parametrize("how", [CLOSED, FULL])
def test_a_one_off_json_check_that_cannot_write_stdout_exits_141(
    sim: Sim, tmp_path: Path, how: str
) -> None:
    ended = run(tmp_path, "firecrawl", unique(), *sim_args(sim), "--json", stdout=how)
    assert ended.code == 141, ended.stderr
    assert ended.lines == [NO_STDOUT[how]]
    assert ended.seconds < AT_ONCE
    ended.assert_clean()


@pytest.mark.parametrize("how", [CLOSED, FULL])
def test_a_json_watch_that_cannot_write_stdout_stops_at_once_with_141(
    sim: Sim, tmp_path: Path, how: str
) -> None:
    ended = run(tmp_path, "firecrawl", unique("-slow"), *sim_args(sim), "--json", "--watch",
                stdout=how)  # fmt: skip
    assert ended.code == 141, ended.stderr
    assert ended.lines == [NO_STDOUT[how]]
    assert ended.seconds < AT_ONCE  # a 10-minute job: the first status event ends the run
    ended.assert_clean()


@pytest.mark.parametrize("how", [CLOSED, FULL])
@pytest.mark.parametrize(("suffix", "code"), [("", 0), ("-fail", 1)])
def test_a_watch_that_writes_nothing_to_stdout_keeps_its_code(
    sim: Sim, tmp_path: Path, how: str, suffix: str, code: int
) -> None:
    job = unique(suffix)
    ended = run(tmp_path, "firecrawl", job, *sim_args(sim), "--watch", "--progress", "plain",
                stdout=how)  # fmt: skip
    assert ended.code == code, ended.stderr
    word = "succeeded" if code == 0 else "failed"
    outcome = rf"\[ +\ds\] 1 job: 1 {word} in \ds \(exit code {code}\)"
    assert any(re.fullmatch(outcome, line) for line in ended.lines), ended.stderr
    assert not any("stdout" in line for line in ended.lines)
    assert ended.seconds < AT_ONCE
    ended.assert_clean()


@pytest.mark.parametrize("how", [CLOSED, FULL])
def test_a_one_off_check_in_lines_that_cannot_write_stdout_exits_141(
    sim: Sim, tmp_path: Path, how: str
) -> None:
    ended = run(tmp_path, "firecrawl", unique(), *sim_args(sim), stdout=how)
    assert ended.code == 141, ended.stderr  # not Rich's own exit 1 ("a job failed")
    assert ended.lines == [NO_STDOUT[how]]
    assert ended.seconds < AT_ONCE


@pytest.mark.parametrize("how", [CLOSED, FULL])
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["firecrawl", "--help"]])
def test_help_and_version_that_cannot_be_written_exit_141(
    tmp_path: Path, how: str, args: list[str]
) -> None:
    ended = run(tmp_path, *args, stdout=how)
    assert ended.code == 141, ended.stderr
    assert ended.lines == [NO_STDOUT[how]]
    assert ended.seconds < AT_ONCE
    ended.assert_clean()


@pytest.mark.parametrize("how", [CLOSED, FULL])
@pytest.mark.parametrize(("suffix", "code"), [("", 0), ("-fail", 1), ("-gone", 3)])
def test_a_closed_or_full_stderr_changes_nothing(
    sim: Sim, tmp_path: Path, how: str, suffix: str, code: int
) -> None:
    job = unique(suffix)
    one_off = run(tmp_path, "firecrawl", job, *sim_args(sim), "--json", stderr=how)
    assert one_off.code == (3 if suffix == "-gone" else 0)  # a one-off is content with pending
    assert one_off.seconds < AT_ONCE
    (seen,) = json.loads(one_off.stdout)["jobs"]
    assert seen["id"] == job
    watched = run(tmp_path, "firecrawl", job, *sim_args(sim), "--json", "--watch",
                  "--wait-for-start", "0", stderr=how)  # fmt: skip
    assert watched.code == code
    summary = json.loads(watched.stdout.splitlines()[-1])
    assert summary["event"] == "summary" and summary["exit_code"] == code
    assert watched.seconds < AT_ONCE + 3.0  # a -fail job ends at ~0.25 s, -gone after retries


@pytest.mark.parametrize(
    ("how", "said"),
    [
        (CLOSED, "`-` reads the references from stdin, but stdin is closed"),
        ("/dev/zero", "the references on stdin are more than 1 MiB: use --file jobs.toml"),
        ("/dev/null", "name at least one job (e.g. firecrawl:JOB_ID) or --file jobs.toml"),
    ],
)
def test_stdin_that_gives_no_references_is_a_usage_error_naming_stdin(
    sim: Sim, tmp_path: Path, how: str, said: str
) -> None:
    ended = run(tmp_path, "watch", "-", *sim_args(sim), stdin=how)
    assert ended.code == 2
    assert ended.lines == [f"jobwatch: error: {said}"]
    assert ended.seconds < AT_ONCE


def test_stdin_with_bytes_that_are_not_utf8_is_a_usage_error(sim: Sim, tmp_path: Path) -> None:
    (tmp_path / "refs").write_bytes(b"firecrawl:job-\xff\xfe\n")
    ended = run(tmp_path, "watch", "-", *sim_args(sim), stdin=str(tmp_path / "refs"))
    assert ended.code == 2, ended.stderr
    (line,) = ended.lines
    assert line.endswith("the job id 'job-\\xff\\xfe' is not valid UTF-8; pass the id as the "
                         "provider shows it")  # fmt: skip
    ended.assert_clean()


def test_all_three_streams_closed_still_give_the_real_code(sim: Sim, tmp_path: Path) -> None:
    ended = run(tmp_path, "firecrawl", unique("-fail"), *sim_args(sim), "--watch",
                stdin=CLOSED, stdout=CLOSED, stderr=CLOSED)  # fmt: skip
    assert ended.code == 1
    assert ended.stdout == ended.stderr == ""
    assert ended.seconds < AT_ONCE


# 4. Bounded provider text: a 1 MB status word or message never makes a 1 MB line

MB = 1_000_000
WORD = "scraping" + "x" * MB  # an unknown status word, taken as running
REASON = "boom " + "y" * MB
HUGE = "1" + "0" * 400


def firecrawl(raw: str) -> bytes:
    return answer(raw.encode(), JSON)


FLOOD = {
    "W": firecrawl(json.dumps({"success": True, "status": WORD, "completed": 1, "total": 2})),
    "M": firecrawl(
        json.dumps(
            {
                "success": True,
                "status": "failed",
                "error": REASON,
                "warning": REASON,
                "completed": 1,
                "total": 2,
            }
        )
    ),  # fmt: skip
    "H": firecrawl(f'{{"success":true,"status":"scraping","completed":{HUGE},"total":2}}'),
    "T": firecrawl('{"success":true,"status":"scraping","completed":50,"total":2}'),
    "N": firecrawl('{"success":true,"status":"scraping","completed":-5,"total":2}'),
}
# The whole of one line for people: a name and state, at most 300 characters of provider
# text and `… (1,000,008 characters)`, a time stamp.
LINE_MOST = 420


def assert_bounded_lines(text: str, most: int = LINE_MOST) -> None:
    longest = max((len(line) for line in text.splitlines()), default=0)
    assert longest <= most, longest
    assert "x" * 301 not in text and "y" * 301 not in text


def test_one_off_lines_cut_provider_text_and_show_impossible_counts_as_unknown(
    tmp_path: Path, via: Via
) -> None:
    with HostileServer(by_job(FLOOD)) as server:
        ran = jobwatch(tmp_path, "firecrawl", *FLOOD, "--base-url", server.url,
                       env=path_env(via, FIRECRAWL_API_KEY=KEY))  # fmt: skip
    assert ran.code == 1, ran.stderr[:500]
    assert ran.seconds < AT_ONCE
    assert_bounded_lines(ran.stdout)
    assert_bounded_lines(ran.stderr)
    lines = ran.stdout.splitlines()
    assert lines[0] == f"firecrawl W running ({WORD[:300]}… (1,000,008 characters)) 1/2 pages 50%"
    assert lines[1] == f"firecrawl M failed 1/2 pages 50% - {REASON[:300]}… (1,000,005 characters)"
    assert lines[2:] == [f"firecrawl {job} running (scraping) ?/2 pages" for job in "HTN"]
    cut_word = f"{WORD[:300]}… (1,000,008 characters)"
    warning = f"warning: firecrawl: unknown status word '{cut_word}', treated as running"
    assert warning in ran.stderr.splitlines()
    assert_clean(ran)


def test_json_keeps_more_of_the_text_but_never_all(tmp_path: Path, via: Via) -> None:
    with HostileServer(by_job(FLOOD)) as server:
        ran = jobwatch(tmp_path, "firecrawl", *FLOOD, "--base-url", server.url, "--json",
                       env=path_env(via, FIRECRAWL_API_KEY=KEY))  # fmt: skip
    assert ran.code == 1
    assert ran.seconds < AT_ONCE
    assert len(ran.stdout) < 20_000  # 5 MB of text came in
    jobs = {job["id"]: job for job in ran.json()["jobs"]}
    assert jobs["W"]["status"] == WORD[:300] + "… (1,000,008 characters)"
    assert jobs["M"]["message"] == REASON[:2000] + "… (1,000,005 characters)"
    assert jobs["M"]["extra"]["warning"] == REASON[:2000] + "… (1,000,005 characters)"
    for job in "HTN":
        assert (jobs[job]["completed"], jobs[job]["total"], jobs[job]["progress"]) == (
            None,
            2,
            None,
        )
    assert_clean(ran)


@pytest.mark.parametrize("progress", ["plain", "live"])
def test_a_watch_cuts_the_warning_change_and_summary_lines(
    tmp_path: Path, via: Via, progress: str
) -> None:
    with HostileServer(by_job(FLOOD)) as server:
        ran = jobwatch(tmp_path, "watch", "firecrawl:W", "firecrawl:M", "--base-url", server.url,
                       "--interval", "0.2", "--timeout", "2", "--progress", progress,
                       env=path_env(via, FIRECRAWL_API_KEY=KEY, COLUMNS="120"))  # fmt: skip
    assert ran.code == 1, ran.stderr[:500]  # M failed; W still running at the deadline
    assert 2.0 <= ran.seconds < 2.0 + AT_ONCE
    assert_bounded_lines(ran.stderr)
    if progress == "plain":
        texts = [line.split("] ", 1)[-1] for line in ran.stderr.splitlines()]
        cut_word = f"{WORD[:300]}… (1,000,008 characters)"
        assert f"warning: firecrawl: unknown status word '{cut_word}', treated as running" in texts
        assert f"firecrawl W running ({cut_word}) 1/2 pages 50%" in texts
        # Its last line already says how it stands: the summary block does not repeat it.
        assert not any(text.startswith("summary: firecrawl W") for text in texts)
    assert f"firecrawl M failed: {REASON[:300]}… (1,000,005 characters)" in ran.stderr.splitlines()
    assert_clean(ran)


def test_github_annotations_and_summary_cut_provider_text(tmp_path: Path, via: Via) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    with HostileServer(by_job(FLOOD)) as server:
        ran = jobwatch(tmp_path, "firecrawl", "W", "M", "--base-url", server.url,
                       env=path_env(via, FIRECRAWL_API_KEY=KEY, GITHUB_ACTIONS="true",
                                    GITHUB_STEP_SUMMARY=str(summary),
                                    GITHUB_OUTPUT=str(outputs)))  # fmt: skip
    assert ran.code == 1
    assert ran.seconds < AT_ONCE
    (annotation,) = [line for line in ran.stderr.splitlines() if line.startswith("::error")]
    assert annotation == (
        f"::error title=jobwatch%3A firecrawl M failed::{REASON[:300]}… (1,000,005 characters)"
    )
    table = summary.read_text(encoding="utf-8")
    assert_bounded_lines(table, most=800)
    assert (
        f"| firecrawl | `W` | running | {WORD[:300]}… (1,000,008 characters) | 1/2 pages 50% |"
        in table
    )
    assert "exit_code=1" in outputs.read_text(encoding="utf-8").splitlines()
    assert_clean(ran)


# 5. The simulator's errors, and terminals without a TERM


def test_the_simulator_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        ended = run(tmp_path, "sim", "--port", str(port))
    assert ended.code == 2
    assert ended.lines == [
        f"jobwatch: error: port {port} is in use: choose another with --port, or --port 0"
    ]
    assert ended.stdout == ""
    assert ended.seconds < AT_ONCE


def test_the_simulator_on_an_address_not_of_this_machine_says_so(tmp_path: Path) -> None:
    ended = run(tmp_path, "sim", "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1
    assert ended.code == 2
    assert ended.lines == [
        "jobwatch: error: cannot listen on 192.0.2.1: not an address of this machine "
        "(try --host 127.0.0.1)"
    ]
    assert ended.seconds < AT_ONCE


def test_the_simulator_with_a_closed_stdout_exits_141(tmp_path: Path) -> None:
    ended = run(tmp_path, "sim", "--port", "0", stdout=CLOSED)
    assert ended.code == 141
    assert ended.lines == [NO_STDOUT[CLOSED]]
    assert ended.seconds < AT_ONCE


def on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    """The process with stderr on a pseudo-terminal: its exit code, what the terminal got."""
    controller, terminal = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=terminal, env=env)  # fmt: skip
    os.close(terminal)
    got = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], PROCESS_TIMEOUT)
            if not ready:
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every writer of the terminal has closed it
                break
            if not chunk:
                break
            got += chunk
        code = process.wait(timeout=PROCESS_TIMEOUT)
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
            process.wait()
    return code, got.decode("utf-8", "replace"), time.monotonic() - started


@pytest.mark.parametrize(
    "term", [None, "", "dumb", "xterm"], ids=["unset", "empty", "dumb", "xterm"]
)
def test_a_terminal_without_a_term_gets_plain_lines(
    sim: Sim, tmp_path: Path, term: str | None
) -> None:
    job = unique()
    env = clean_env(str(tmp_path))
    for name in ("TERM", "CI", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES"):
        env.pop(name, None)
    if term is not None:
        env["TERM"] = term
    code, shown, seconds = on_a_terminal(
        jobwatch_command("firecrawl", job, *sim_args(sim), "--watch"), env
    )
    assert code == 0, shown
    assert seconds < AT_ONCE
    lines = [line.rstrip("\r") for line in shown.splitlines() if line.strip()]
    if term == "xterm":
        assert "\x1b[" in shown  # the live view: cursor moves and colour
        return
    assert "\x1b" not in shown and "\r\x1b" not in shown, repr(shown[:300])
    assert lines[0] == f"[    0s] watching 1 job: firecrawl {job}"
    assert re.fullmatch(r"\[ +\ds\] 1 job: 1 succeeded in \ds \(exit code 0\)", lines[-1])


# 6. Clearer refusals: a redirect names where it points (never with a key); NaN says so


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_names_its_target_without_the_key_and_is_not_followed(
    tmp_path: Path, via: Via, status: int
) -> None:
    location = f"https://user:{KEY}@api.example.com:8443/v2/batch/scrape/job-1?key={KEY}#top"
    reply = answer(b"<html><title>Moved</title></html>", "Content-Type: text/html",
                   f"Location: {location}", status=f"{status} Moved")  # fmt: skip
    with HostileServer(in_turn(reply)) as server:
        ran = jobwatch(tmp_path, "firecrawl", "job-1", "--base-url", server.url,
                       env=path_env(via, FIRECRAWL_API_KEY=KEY))  # fmt: skip
    assert ran.code == 3, ran.stderr
    assert ran.seconds < AT_ONCE
    said = (
        f"firecrawl: HTTP {status} redirect to https://api.example.com:8443/v2/batch/scrape/"
        "job-1?… (jobwatch does not follow redirects: use that base URL)"
    )
    assert ran.stdout.splitlines() == [f"firecrawl job-1 unknown - {said}"]
    # The error line names the job, then the reason without its provider again (issue 23).
    assert ran.stderr.splitlines() == [
        f"jobwatch: error: firecrawl job-1: {said.removeprefix('firecrawl: ')}"
    ]
    (only,) = server.requests  # neither followed nor retried
    assert request_line(only) == b"GET /v2/batch/scrape/job-1?limit=1 HTTP/1.1"
    if via.proxy is not None:
        assert len(via.proxy.targets) == 1
    assert_clean(ran)


def test_a_relative_redirect_is_named_at_the_server_and_the_key_masked(
    tmp_path: Path, via: Via
) -> None:
    reply = answer(b"", f"Location: /v3/{KEY}/job-1", status="308 Permanent Redirect")
    with HostileServer(in_turn(reply)) as server:
        ran = jobwatch(tmp_path, "firecrawl", "job-1", "--base-url", server.url, "--json",
                       env=path_env(via, FIRECRAWL_API_KEY=KEY))  # fmt: skip
    assert ran.code == 3
    assert ran.seconds < AT_ONCE
    (job,) = ran.json()["jobs"]
    assert job["message"] == (
        f"firecrawl: HTTP 308 redirect to {server.url}/v3/fc-…9f3e/job-1 "
        "(jobwatch does not follow redirects: use that base URL)"
    )
    assert_clean(ran)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_body_with_nan_says_so_and_the_next_answer_counts(
    tmp_path: Path, via: Via, constant: str
) -> None:
    bad = answer(
        f'{{"success":true,"status":"scraping","completed":{constant},"total":2}}'.encode(), JSON
    )
    with HostileServer(in_turn(bad, COMPLETED)) as server:
        ran = jobwatch(tmp_path, "watch", "firecrawl:job-1", "--base-url", server.url,
                       "--interval", "0.1", "--progress", "plain",
                       env=path_env(via, FIRECRAWL_API_KEY=KEY))  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert ran.seconds < AT_ONCE
    (retry,) = [line for line in ran.stderr.splitlines() if "retrying" in line]
    assert retry.endswith(
        "(attempt 1): firecrawl: HTTP 200 answer is not valid JSON (application/json): "
        f"it holds {constant}, which is not a JSON number"
    )
    assert "not a JSON object" not in ran.stderr
    assert re.search(r"\] 1 job: 1 succeeded in \ds \(exit code 0\)$", ran.stderr), ran.stderr
    assert_clean(ran)


# 7. The environment a CI runner may give: never an internal error or a traceback

ENVIRONMENTS: dict[str, dict[str, str | None]] = {
    "HOME unset": {"HOME": None, "XDG_CONFIG_HOME": None, "JOBWATCH_CONFIG_DIR": None},
    "HOME a file": {"HOME": "{file}", "XDG_CONFIG_HOME": None, "JOBWATCH_CONFIG_DIR": None},
    "config dir unreadable": {"JOBWATCH_CONFIG_DIR": "{unreadable}"},
    "config dir a file": {"JOBWATCH_CONFIG_DIR": "{file}"},
    "config dir empty": {"JOBWATCH_CONFIG_DIR": ""},
    "TERM garbage": {"TERM": "\x1b[31mvt-nowhere"},
    "COLUMNS 0, LINES garbage": {"COLUMNS": "0", "LINES": "many"},
    "COLUMNS -5": {"COLUMNS": "-5", "LINES": "-5"},
    "COLUMNS huge, LINES ²": {"COLUMNS": "9" * 30, "LINES": "²"},
    "NO_COLOR and FORCE_COLOR odd": {"NO_COLOR": "0", "FORCE_COLOR": "garbage"},
    "FORCE_COLOR negative": {"FORCE_COLOR": "-1"},
    "locale C": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"},
    "ASCII streams": {"PYTHONIOENCODING": "ascii"},
    "Latin-1 streams, strict": {"PYTHONIOENCODING": "latin-1:strict"},
}


def environment(tmp_path: Path, changes: dict[str, str | None]) -> dict[str, str]:
    env = clean_env(str(tmp_path / "config"))
    unreadable = tmp_path / "unreadable"
    unreadable.mkdir(mode=0o000, exist_ok=True)
    (tmp_path / "a-file").write_text("not a folder")
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value.format(file=tmp_path / "a-file", unreadable=unreadable)
    return env


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_no_environment_a_ci_runner_gives_breaks_a_run(sim: Sim, tmp_path: Path, name: str) -> None:
    env = environment(tmp_path, ENVIRONMENTS[name])
    job = unique("é…")  # not ASCII: an encoding that cannot hold it must not fail
    for args, code in (  # the watch first: the one-off checks then see the job succeeded
        (["watch", f"firecrawl:{job}", *sim_args(sim), "--progress", "plain"], 0),
        (["firecrawl", job, *sim_args(sim)], 0),
        (["firecrawl", job, *sim_args(sim), "--json"], 0),
        (["firecrawl", unique("-fail"), *sim_args(sim), "--watch", "--progress", "live"], 1),
    ):
        started = time.monotonic()
        done = subprocess.run(jobwatch_command(*args), capture_output=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=PROCESS_TIMEOUT)  # fmt: skip
        seconds = time.monotonic() - started
        out = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
        assert done.returncode == code, (args, out[-800:])
        assert "Traceback" not in out and "internal error" not in out, out[-800:]
        assert seconds < AT_ONCE + 2.0, (args, seconds)
        # (FORCE_COLOR with any value forces colour, as Rich reads it; a stdout that is not
        # UTF-8 gets ASCII, the rest as `\u00e9` escapes)
        shown = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout.decode()).strip()
        if args[0] == "watch":
            last = re.sub(r"\x1b\[[0-9;]*m", "", done.stderr.decode("latin-1")).splitlines()[-1]
            assert re.fullmatch(r"\[ +\ds\] 1 job: 1 succeeded in \ds \(exit code 0\)", last)
        elif "--watch" not in args and "--json" not in args:
            line = json.loads(f'"{shown}"')
            assert line == f"firecrawl {job} succeeded (completed) 20/20 pages 100%", shown
        if "--json" in args:
            assert json.loads(done.stdout)["jobs"][0]["id"] == job


NO_PORT = "it names no host, or a port that does not exist"
NOT_HTTP = "jobwatch uses http:// and https:// proxies (not SOCKS or others)"


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("HTTP_PROXY", "http://[::1", "it is not a URL (http://HOST:PORT)"),
        ("HTTPS_PROXY", "http://127.0.0.1:99999", NO_PORT),
        ("ALL_PROXY", "socks5://127.0.0.1:1080", NOT_HTTP),
        ("HTTP_PROXY", "http://127.0.0.1:1/\x1b[31m", "it is not a URL (http://HOST:PORT)"),
    ],
)  # fmt: skip
def test_a_proxy_variable_jobwatch_cannot_use_is_a_usage_error(
    tmp_path: Path, variable: str, value: str, why: str
) -> None:
    env = {name: "" for upper in PROXY_VARIABLES for name in (upper, upper.lower())}
    env[variable] = value
    with HostileServer(in_turn(COMPLETED)) as server:
        ended = run(tmp_path, "firecrawl", "job-1", "--base-url", server.url, "--api-key", KEY,
                    env=env)  # fmt: skip
    assert ended.code == 2
    assert ended.lines == [
        f"jobwatch: error: the proxy in {variable} (or {variable.lower()}) cannot be used: {why}"
    ]
    assert server.requests == []
    assert ended.seconds < AT_ONCE
    assert "\x1b" not in ended.stderr
