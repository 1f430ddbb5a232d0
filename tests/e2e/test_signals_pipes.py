"""Signals and pipes (PRODUCT.md section 3): SIGTERM and SIGHUP are handled like Ctrl-C, a closed
stdout ends the run with 141, and a closed stderr only silences the human output."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import PROCESS_TIMEOUT, Sim, clean_env, jobwatch_command, unique

pytestmark = pytest.mark.e2e

KEY = "fc-e2e0123456789abcdef0123456789ab4c1d"


def watch_process(
    sim: Sim, job: str, tmp_path: Path, *, stdout: int = subprocess.PIPE, **env: str
) -> subprocess.Popen[str]:
    """`jobwatch firecrawl JOB --watch` with plain progress, against the simulator."""
    args = ["firecrawl", job, "--base-url", sim.base_url, "--watch", "--interval", "0.1",
            "--wait-for-start", "0"]  # fmt: skip
    return subprocess.Popen(
        jobwatch_command(*args, "--progress", "plain"),
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=clean_env(str(tmp_path), FIRECRAWL_API_KEY=KEY, **env),
    )


def start_watch(sim: Sim, job: str, tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    """A plain-progress watch of one job, started and under way (its first line is printed)."""
    process = watch_process(sim, job, tmp_path, **env)
    assert process.stderr is not None
    for line in process.stderr:
        if job in line and "watching" not in line:
            break
    return process


@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGHUP, 129, "terminated")],
)
def test_sigterm_and_sighup_end_like_ctrl_c(
    sim: Sim, tmp_path: Path, signum: int, code: int, word: str
) -> None:
    outputs = tmp_path / "github_output"
    summary = tmp_path / "step_summary"
    job = unique("-slow")
    process = start_watch(
        sim, job, tmp_path, GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(outputs),
        GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    process.send_signal(signum)
    stdout, rest = process.communicate(timeout=PROCESS_TIMEOUT)
    assert process.returncode == code, rest
    assert f"{word}: the jobs keep running at the provider; re-attach with:\n  jobwatch " in rest
    assert f"jobwatch firecrawl {job} --base-url {sim.base_url} --watch" in rest
    assert outputs.read_text(encoding="utf-8") == f"state=interrupted\nexit_code={code}\n"
    assert f"`{job}`" in summary.read_text(encoding="utf-8")
    assert "Traceback" not in rest and KEY not in rest + stdout


def test_a_closed_stdout_ends_the_run_with_141(sim: Sim, tmp_path: Path) -> None:
    process = subprocess.Popen(
        jobwatch_command(
            "watch",
            f"firecrawl:{unique('-slow')}",
            "--base-url",
            sim.base_url,
            "--json",
            "--interval",
            "0.1",
            "--progress",
            "none",
            "--api-key",
            KEY,
        ),  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=clean_env(str(tmp_path)),
    )
    assert process.stdout is not None
    assert '"event":"status"' in process.stdout.readline()  # like `| head -1`
    process.stdout.close()
    rest = process.stderr.read() if process.stderr else ""
    process.wait(timeout=PROCESS_TIMEOUT)
    if process.stderr:
        process.stderr.close()
    assert process.returncode == 141, rest
    assert "Traceback" not in rest and "internal error" not in rest and "Exception" not in rest


@pytest.mark.parametrize(("suffix", "code"), [("", 0), ("-fail", 1), ("-gone", 3)])
def test_a_closed_stderr_keeps_the_real_exit_code(
    sim: Sim, tmp_path: Path, suffix: str, code: int
) -> None:
    process = watch_process(sim, unique(suffix), tmp_path, stdout=subprocess.DEVNULL)
    assert process.stderr is not None
    process.stderr.close()  # the reader of stderr is gone before the first line
    process.wait(timeout=PROCESS_TIMEOUT)
    assert process.returncode == code
