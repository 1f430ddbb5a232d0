"""The GitHub Action (action.yml), run step by step as a runner runs it (tests/e2e/actionrunner.py)
against a real `jobwatch sim`: the outputs, the step's exit code (jobwatch's), inputs holding
shell syntax passed as data, and the real install from the checkout."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.actionrunner import ROOT, ActionRun, load_action, run_action
from tests.e2e.conftest import PROCESS_TIMEOUT, Sim, clean_env, unique

pytestmark = pytest.mark.e2e

KEY = "fc-action0123456789abcdef0123456789ab4c1d"


def base_env(sim: Sim, tmp_path: Path, *, install: bool = False) -> dict[str, str]:
    """The job's environment: the key in a secret, jobwatch pointed at the simulator, and (unless
    `install`) the action's install step told to use the jobwatch this test runs with."""
    env = clean_env(
        str(tmp_path / "config"), FIRECRAWL_API_KEY=KEY, JOBWATCH_FIRECRAWL_BASE_URL=sim.base_url
    )
    if not install:
        env["JOBWATCH_ACTION_TEST_PYTHON"] = sys.executable
    return env


def act(sim: Sim, tmp_path: Path, inputs: Mapping[str, str], **more: Any) -> ActionRun:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    env = more.pop("env", None) or base_env(sim, tmp_path)
    return run_action(inputs, base_env=env, work=work, timeout=PROCESS_TIMEOUT, **more)


def test_a_succeeded_run_gives_the_outputs_the_jobs_and_the_picture(
    sim: Sim, tmp_path: Path
) -> None:
    first, second = unique(), unique()
    run = act(sim, tmp_path, {"refs": f"firecrawl:{first}\n  firecrawl:{second}",
                              "args": "--interval 0.2"})  # fmt: skip
    watch = run.steps["watch"]
    assert watch.code == 0, run.log
    assert not run.failed
    assert run.outputs["state"] == "succeeded"
    assert run.outputs["exit_code"] == "0"
    jobs = json.loads(run.outputs["jobs"])
    assert [(job["id"], job["state"]) for job in jobs] == [
        (first, "succeeded"),
        (second, "succeeded"),
    ]
    # the step summary: the picture, then the table
    assert watch.summary.startswith("```mermaid\ngantt\n"), watch.summary
    assert re.search(rf"^    {first} succeeded \(completed\) :done, j1, ", watch.summary, re.M)
    assert f"| firecrawl | `{second}` | succeeded | completed |" in watch.summary
    # plain lines (CI is set), no annotation for a success
    assert "::error" not in run.log and "\r" not in watch.stderr
    assert f"] firecrawl {first} succeeded" in watch.stderr
    # the install step: its own folder under RUNNER_TEMP; the jobs output in heredoc form
    folder = run.steps["install"].outputs["dir"]
    assert folder.startswith(str(tmp_path / "work" / "runner-temp" / "jobwatch."))
    raw = run.steps["jobs"].raw_output
    assert re.fullmatch(r"jobs<<(ghadelimiter_[0-9a-f]{32})\n\[.*\]\n\1\n", raw, re.S), raw
    assert not run.steps["python"].ran  # no python-version: the runner's python3


def test_a_failed_job_fails_the_step_with_jobwatch_exit_code(sim: Sim, tmp_path: Path) -> None:
    job = unique("-fail")
    run = act(sim, tmp_path, {"refs": f"firecrawl:{job}", "args": "--interval 0.2"})
    assert run.steps["watch"].code == 1, run.log
    assert run.failed
    assert (run.outputs["state"], run.outputs["exit_code"]) == ("failed", "1")
    (reported,) = json.loads(run.outputs["jobs"])
    assert (reported["id"], reported["state"]) == (job, "failed")
    assert f"::error title=jobwatch%3A firecrawl {job} failed::" in run.steps["watch"].stderr
    assert re.search(rf"^    {job} failed :crit, j1, ", run.steps["watch"].summary, re.M)
    assert run.steps["jobs"].ran and run.steps["jobs"].code == 0  # reported all the same


def test_the_timeout_input(sim: Sim, tmp_path: Path) -> None:
    run = act(sim, tmp_path, {"refs": f"firecrawl:{unique('-slow')}", "timeout": "1",
                              "args": "--interval 0.2"})  # fmt: skip
    assert run.steps["watch"].code == 124, run.log
    assert (run.outputs["state"], run.outputs["exit_code"]) == ("timed_out", "124")
    assert re.search(r"still running \(scraping\) :active, j1, ", run.steps["watch"].summary)


def test_no_jobs_named_is_a_usage_error_with_outputs(sim: Sim, tmp_path: Path) -> None:
    run = act(sim, tmp_path, {})
    assert run.steps["watch"].code == 2, run.log
    assert (run.outputs["state"], run.outputs["exit_code"]) == ("usage_error", "2")
    assert run.outputs["jobs"] == "[]"
    assert "jobwatch: error: name at least one job" in run.steps["watch"].stderr


def test_args_are_split_as_a_shell_splits_words(sim: Sim, tmp_path: Path) -> None:
    job = unique()
    hook = 'printf "%s %s\\n" "$JOBWATCH_JOB_ID" "$JOBWATCH_STATE" >> ended.txt'
    run = act(sim, tmp_path, {"refs": f"firecrawl:{job}",
                              "args": f"--interval 0.2 --on-job-end '{hook}'"})  # fmt: skip
    assert run.steps["watch"].code == 0, run.log
    assert (tmp_path / "work" / "ended.txt").read_text() == f"{job} succeeded\n"


# Each input with shell syntax in it: what jobwatch must then say, quoting it as data.
HOSTILE = [
    ({"refs": "firecrawl:$(touch pwned) `touch pwned2`; touch pwned3"}, 2, "'pwned)'"),
    ({"refs": "--on-job-end=touch${IFS}pwned firecrawl:x"}, 2, "--on-job-end=touch${IFS}pwned"),
    ({"refs": "firecrawl:x", "args": "--interval 0.2 ; touch pwned"}, 2, "';'"),
    ({"refs": "firecrawl:x", "args": "--on-job-end 'touch hook' $(touch pwned)"}, 2, "$(touch"),
    ({"refs": "firecrawl:x", "file": "jobs.toml; touch pwned"}, 2, "jobs.toml; touch pwned"),
    ({"refs": "firecrawl:x", "timeout": "1m $(touch pwned)"}, 2, "'1m $(touch pwned)'"),
    ({"refs": "firecrawl:x", "cancel-on-interrupt": "`touch pwned`"}, 2, "'`touch pwned`'"),
    ({"refs": "firecrawl:x", "args": "--interval 'unclosed"}, 2, "No closing quotation"),
]


@pytest.mark.parametrize(("inputs", "code", "quoted"), HOSTILE, ids=[str(h[0]) for h in HOSTILE])
def test_an_input_with_shell_syntax_is_passed_as_data(
    sim: Sim, tmp_path: Path, inputs: dict[str, str], code: int, quoted: str
) -> None:
    run = act(sim, tmp_path, inputs)
    assert run.steps["watch"].code == code, run.log
    assert quoted in run.steps["watch"].stderr, run.log
    assert (run.outputs["state"], run.outputs["exit_code"]) == ("usage_error", "2")
    assert not [path.name for path in tmp_path.rglob("*pwned*")]
    assert not (tmp_path / "work" / "hook").exists()


def test_the_version_input_is_a_requirement_and_stays_data(sim: Sim, tmp_path: Path) -> None:
    for given, requirement in (("0.9.1", "jobwatch==0.9.1"), ("$(touch pwned)", "$(touch pwned)"),
                               ("jobwatch>=0.1", "jobwatch>=0.1")):  # fmt: skip
        run = act(sim, tmp_path, {"refs": f"firecrawl:{unique()}", "version": given,
                                  "args": "--interval 0.2"})  # fmt: skip
        assert f"instead of installing {requirement}\n" in run.steps["install"].stdout, run.log
        assert run.steps["watch"].code == 0, run.log
    assert not list(tmp_path.rglob("pwned"))


def test_the_python_version_input_sets_up_that_python(sim: Sim, tmp_path: Path) -> None:
    asked: list[Mapping[str, str]] = []

    def setup_python(given: Mapping[str, str]) -> dict[str, str]:
        asked.append(given)
        return {"python-path": sys.executable, "python-version": "3.12.4"}

    run = act(sim, tmp_path, {"refs": f"firecrawl:{unique()}", "python-version": "3.12",
                              "args": "--interval 0.2"},
              uses={"actions/setup-python@v5": setup_python})  # fmt: skip
    assert asked == [{"python-version": "3.12", "update-environment": "false"}]
    assert run.steps["install"].env["JOBWATCH_ACTION_PYTHON"] == sys.executable
    assert run.steps["watch"].code == 0, run.log


def _read_until(process: subprocess.Popen[str], marker: str) -> str:
    """What the process wrote on stderr until a line holding `marker` (read from the pipe
    itself, so the runner reads the rest)."""
    assert process.stderr is not None
    descriptor, seen = process.stderr.fileno(), b""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while marker.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([descriptor], [], [], 1)
        if ready:
            chunk = os.read(descriptor, 65536)
            if not chunk:
                break
            seen += chunk
    return seen.decode()


@pytest.mark.parametrize(("given", "asked_to_stop"), [(None, True), ("false", False)])
def test_a_cancelled_workflow_cancels_the_jobs_unless_the_input_says_not(
    sim: Sim, tmp_path: Path, given: str | None, asked_to_stop: bool
) -> None:
    """The runner signals the step's process on cancel: that process is jobwatch (exec)."""
    job = unique("-slow")

    def interrupt(step: str, process: subprocess.Popen[str]) -> str:
        if step != "watch":
            return ""
        early = _read_until(process, f"firecrawl {job} running")
        process.send_signal(signal.SIGINT)
        return early

    inputs = {"refs": f"firecrawl:{job}", "args": "--interval 0.2"}
    if given is not None:
        inputs["cancel-on-interrupt"] = given
    run = act(sim, tmp_path, inputs, started=interrupt)
    watch = run.steps["watch"]
    assert watch.code == 130, run.log
    assert (run.outputs["state"], run.outputs["exit_code"]) == ("interrupted", "130")
    if asked_to_stop:
        assert "interrupted: the unfinished jobs were asked to stop" in watch.stderr, run.log
    else:
        assert "interrupted: the jobs keep running at the provider" in watch.stderr, run.log


def test_no_input_is_pasted_into_a_script() -> None:
    """GitHub pastes `${{ }}` into `run:` before the shell reads it: no step may have one."""
    action = load_action()
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used == set(action["inputs"])  # every input is used, each in env:, with: or if:
    assert action["inputs"]["cancel-on-interrupt"]["default"] == "true"
    assert set(action["outputs"]) == {"state", "exit_code", "jobs"}


def test_the_real_install_from_the_checkout(sim: Sim, tmp_path: Path) -> None:
    """Once, the install step as it runs for a user: a virtual environment in RUNNER_TEMP and
    jobwatch installed into it by pip from the action's own checkout."""
    started = time.monotonic()
    run = act(sim, tmp_path, {"refs": f"firecrawl:{unique()}", "args": "--interval 0.2"},
              env=base_env(sim, tmp_path, install=True))  # fmt: skip
    install = run.steps["install"]
    assert install.code == 0, run.log
    python = Path(install.outputs["python"])
    assert python.parent.parent.parent == Path(install.outputs["dir"])  # DIR/venv/bin/python
    assert Path(install.outputs["dir"]).parent == tmp_path / "work" / "runner-temp"
    assert f"installing {ROOT} into " in install.stdout
    assert re.search(r"^jobwatch \d+\.\d+", install.stdout, re.M)
    assert run.steps["watch"].code == 0, run.log
    assert run.outputs["state"] == "succeeded"
    print(f"the real install and run took {time.monotonic() - started:.1f}s")
