"""`--on-job-end` hooks (jobwatch/hooks.py) and `--notify` (jobwatch/notify.py), in-process."""

from __future__ import annotations

import asyncio
import io
import json
import os
import time
from pathlib import Path

import pytest

from jobwatch.core import exitcodes
from jobwatch.core.events import StatusEvent
from jobwatch.core.models import JobState, JobStatus
from jobwatch.session import notify
from jobwatch.session.hooks import HookReporter, ends


def job(job_id: str, state: JobState, status: str = "completed", **more: object) -> JobStatus:
    return JobStatus(provider="firecrawl", id=job_id, state=state, status=status, **more)  # type: ignore[arg-type]


def run_hooks(command: str, jobs: list[JobStatus], *, stop_now: bool = False) -> str:
    err = io.StringIO()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}

    async def main() -> None:
        reporter = HookReporter(command, err, env)
        for item in jobs:
            reporter.on_event(StatusEvent(item))
        await asyncio.sleep(0.2)
        await reporter.settle(stop_now=stop_now)

    asyncio.run(main())
    return err.getvalue()


def test_a_hook_runs_once_per_ended_job_with_its_environment(tmp_path: Path) -> None:
    command = (
        f'cd {tmp_path} && printf "%s" "$JOBWATCH_JOB" > "$JOBWATCH_JOB_ID.json" && '
        'echo "$JOBWATCH_PROVIDER $JOBWATCH_JOB_ID $JOBWATCH_STATE $JOBWATCH_STATUS"'
    )
    jobs = [
        job("a", JobState.RUNNING, "scraping"),
        job("a", JobState.SUCCEEDED),
        job("a", JobState.SUCCEEDED),  # said twice: one hook
        job("b", JobState.FAILED, "failed"),
        job("c", JobState.UNKNOWN, "not read yet", error_exit_code=exitcodes.TIMEOUT),
    ]
    err = run_hooks(command, jobs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
    assert json.loads((tmp_path / "a.json").read_text())["state"] == "succeeded"
    assert sorted(err.splitlines()) == [
        "firecrawl a succeeded completed",
        "firecrawl b failed failed",
    ]


def test_a_failing_hook_is_reported() -> None:
    err = run_hooks("echo out; echo err >&2; exit 3", [job("j1", JobState.SUCCEEDED)])
    assert err.splitlines() == ["out", "err", "jobwatch: hook for firecrawl j1 exited 3"]


def test_a_hook_still_running_at_the_end_is_stopped_and_reported() -> None:
    started = time.monotonic()
    err = run_hooks("sleep 60 & sleep 60", [job("j1", JobState.SUCCEEDED)], stop_now=True)
    assert time.monotonic() - started < 10
    assert "jobwatch: hook for firecrawl j1 stopped: still running at the end of the run" in err


def test_a_hook_has_ended_when_its_process_exits_though_a_child_holds_its_output(
    tmp_path: Path,
) -> None:
    pidfile = tmp_path / "pid"
    started = time.monotonic()
    err = run_hooks(f"echo before; sleep 60 & echo $! > {pidfile}", [job("j1", JobState.SUCCEEDED)])
    took = time.monotonic() - started
    pid = int(pidfile.read_text())
    try:
        os.kill(pid, 0)  # the child is the user's: still running
        assert err.splitlines() == ["before"]  # no "stopped", no "exited"
        assert took < 0.2 + 1.0 + 2.0  # the sleep in run_hooks, the 1 s grace, slack
    finally:
        os.kill(pid, 9)


def test_what_ends_a_job_for_a_hook() -> None:
    assert ends(job("x", JobState.CANCELLED, "cancelled"))
    assert ends(job("x", JobState.UNKNOWN, "?", error_exit_code=3))
    assert not ends(job("x", JobState.UNKNOWN, "?", error_exit_code=124))
    assert not ends(job("x", JobState.PENDING, "?"))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def fake_notifier(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_notify_rings_and_sends_the_summary(tmp_path: Path) -> None:
    log = tmp_path / "sent"
    fake_notifier(tmp_path / "bin", "notify-send", f'printf "%s\\n" "$@" > {log}')
    err = Terminal()
    notify.notify(
        "1 job: 1 succeeded in 12s (exit code 0)", 12.0, err, {"PATH": str(tmp_path / "bin")}
    )
    assert err.getvalue() == "\a"
    assert log.read_text().splitlines()[-2:] == [
        "jobwatch",
        "1 job: 1 succeeded in 12s (exit code 0)",
    ]


def test_notify_is_silent_without_a_notifier_or_for_a_short_run(tmp_path: Path) -> None:
    err = io.StringIO()
    notify.notify("summary", 30.0, err, {"PATH": str(tmp_path)})
    assert err.getvalue() == ""
    log = tmp_path / "sent"
    fake_notifier(tmp_path / "bin", "terminal-notifier", f"echo sent > {log}")
    notify.notify("summary", 9.9, Terminal(), {"PATH": str(tmp_path / "bin")})
    assert not log.exists()


def test_a_hanging_notifier_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notify, "NOTIFIER_TIMEOUT", 0.5)
    fake_notifier(tmp_path / "bin", "osascript", "exec sleep 30")
    started = time.monotonic()
    notify.notify("summary", 30.0, io.StringIO(), {"PATH": str(tmp_path / "bin")})
    assert time.monotonic() - started < 5


def test_osascript_gets_the_text_as_an_argument_not_as_script(tmp_path: Path) -> None:
    log = tmp_path / "sent"
    fake_notifier(tmp_path / "bin", "osascript", f'printf "%s\\n" "$@" > {log}')
    notify.notify('say "hi" & quit', 30.0, io.StringIO(), {"PATH": str(tmp_path / "bin")})
    words = log.read_text().splitlines()
    assert words[-1] == 'say "hi" & quit'
    assert all("hi" not in word for word in words[:-1])
