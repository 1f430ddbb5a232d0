"""The files a run writes for CI (README: CI recipes) are best effort: GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY, --summary-file and --jobs-out are each written in a guard of their own,
GITHUB_OUTPUT first; one that cannot be written is one warning line naming it and the reason,
never an exit code of its own and never a traceback. The real process, against `jobwatch sim`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Result, Sim, unique

pytestmark = pytest.mark.e2e

KEY = "fc-cifiles0123456789abcdef0123456789ab4c"
ROOT_USER = os.geteuid() == 0


def watch_args(sim: Sim, *jobs: str) -> list[str]:
    refs = [f"firecrawl:{job}" for job in jobs]
    return ["watch", *refs, "--base-url", sim.base_url, "--interval", "0.1", "--progress", "plain"]


def github_env(output: Path | str, summary: Path | str, **more: str) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "FIRECRAWL_API_KEY": KEY,
        **more,
    }


def warnings(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "cannot write" in line]


def assert_clean(result: Result) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr


# -- GITHUB_OUTPUT=/dev/full --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "code", "state"), [("", 0, "succeeded"), ("-fail", 1, "failed")]
)
def test_a_full_github_output_is_one_warning_and_the_jobs_exit_code(
    sim: Sim, run_jobwatch: Any, tmp_path: Path, suffix: str, code: int, state: str
) -> None:
    summary = tmp_path / "summary.md"
    result = run_jobwatch(*watch_args(sim, unique(suffix)), env=github_env("/dev/full", summary))
    assert result.code == code, result.stderr
    assert_clean(result)
    assert warnings(result) == [
        "::warning title=jobwatch::cannot write GITHUB_OUTPUT /dev/full: No space left on device"
    ]
    assert f"### jobwatch: {state} (exit code {code})" in summary.read_text()  # its own guard


@pytest.mark.parametrize(
    "args",
    [["watch", "firecrawl:x", "--timeout", "nope"], ["watch", "--bogus"], ["firecrawl"]],
    ids=["a bad value", "an unknown option", "a missing argument"],
)
def test_a_usage_error_with_a_full_github_output_is_exit_2(
    run_jobwatch: Any, tmp_path: Path, args: list[str]
) -> None:
    summary = tmp_path / "summary.md"
    result = run_jobwatch(*args, env=github_env("/dev/full", summary))
    assert result.code == 2, result.stderr
    assert_clean(result)
    assert "jobwatch: error: " in result.stderr
    assert len(warnings(result)) == 1, result.stderr
    assert "### jobwatch: usage_error (exit code 2)" in summary.read_text()


def test_a_missing_key_with_a_full_github_output_is_exit_4(run_jobwatch: Any, tmp_path: Path):
    env = github_env("/dev/full", tmp_path / "summary.md")
    del env["FIRECRAWL_API_KEY"]
    result = run_jobwatch("firecrawl", "6a1b2c3d", env=env)
    assert result.code == 4, result.stderr
    assert_clean(result)
    assert len(warnings(result)) == 1, result.stderr


# -- GITHUB_STEP_SUMMARY in a folder that does not exist ----------------------------------------


@pytest.mark.parametrize(
    ("suffix", "code", "state"), [("", 0, "succeeded"), ("-fail", 1, "failed")]
)
def test_a_step_summary_in_a_missing_folder_leaves_the_outputs_and_the_exit_code(
    sim: Sim, run_jobwatch: Any, tmp_path: Path, suffix: str, code: int, state: str
) -> None:
    output, summary = tmp_path / "output", tmp_path / "no" / "such" / "summary.md"
    result = run_jobwatch(*watch_args(sim, unique(suffix)), env=github_env(output, summary))
    assert result.code == code, result.stderr
    assert_clean(result)
    assert warnings(result) == [
        f"::warning title=jobwatch::cannot write GITHUB_STEP_SUMMARY {summary}: "
        "No such file or directory"
    ]
    assert output.read_text() == f"state={state}\nexit_code={code}\n"


def test_a_usage_error_with_a_step_summary_in_a_missing_folder(run_jobwatch: Any, tmp_path: Path):
    output, summary = tmp_path / "output", tmp_path / "no" / "summary.md"
    result = run_jobwatch("watch", "nonsense", env=github_env(output, summary))
    assert result.code == 2, result.stderr
    assert_clean(result)
    assert len(warnings(result)) == 1
    assert output.read_text() == "state=usage_error\nexit_code=2\n"


# -- --summary-file and --jobs-out that cannot be written -------------------------------------


def unwritable(kind: str, tmp_path: Path) -> str:
    if kind == "a missing folder":
        return str(tmp_path / "missing" / "file")
    if kind == "a folder":
        (tmp_path / "folder").mkdir()
        return str(tmp_path / "folder")
    if kind == "a read-only file":
        if ROOT_USER:
            pytest.skip("root writes a read-only file anyway")
        path = tmp_path / "read-only"
        path.write_text("keep\n")
        path.chmod(0o444)
        return str(path)
    if kind == "a file that refuses writes":
        return "/proc/version"  # refused even for root
    return "/dev/full"


KINDS = [
    "a missing folder",
    "a folder",
    "a read-only file",
    "a file that refuses writes",
    "/dev/full",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("option", ["--summary-file", "--jobs-out"])
@pytest.mark.parametrize(("suffix", "code"), [("", 0), ("-fail", 1)])
def test_an_output_file_that_cannot_be_written_is_one_warning(
    sim: Sim,
    run_jobwatch: Any,
    tmp_path: Path,
    kind: str,
    option: str,
    suffix: str,
    code: int,
) -> None:
    path = unwritable(kind, tmp_path)
    output = tmp_path / "output"
    env = github_env(output, tmp_path / "summary.md")
    del env["GITHUB_ACTIONS"]  # outside GitHub Actions: a plain warning line
    result = run_jobwatch(*watch_args(sim, unique(suffix)), option, path, env=env)
    assert result.code == code, result.stderr
    assert_clean(result)
    (line,) = warnings(result)
    assert line.startswith(f"jobwatch: warning: cannot write {option} {path}: "), line
    if kind == "a read-only file":
        assert Path(path).read_text() == "keep\n"


def test_each_file_has_its_own_guard(sim: Sim, run_jobwatch: Any, tmp_path: Path) -> None:
    """All four broken at once: four warnings, GITHUB_OUTPUT's first, the exit code the jobs'."""
    missing = tmp_path / "missing"
    env = github_env("/dev/full", missing / "summary.md")
    args = ["--summary-file", str(missing / "s.md"), "--jobs-out", str(missing / "j.json")]
    result = run_jobwatch(*watch_args(sim, unique("-fail")), *args, env=env)
    assert result.code == 1, result.stderr
    assert_clean(result)
    assert [line.split(" ")[3] for line in warnings(result)] == [
        "GITHUB_OUTPUT",
        "GITHUB_STEP_SUMMARY",
        "--summary-file",
        "--jobs-out",
    ]


# -- what they hold when they can be written ---------------------------------------------------


def test_the_summary_file_and_the_jobs_file_of_a_watch(
    sim: Sim, run_jobwatch: Any, tmp_path: Path
) -> None:
    good, bad = unique(), unique("-fail")
    summary, jobs = tmp_path / "summary.md", tmp_path / "jobs.json"
    jobs.write_text("old\n")
    jobs.chmod(0o640)
    before = jobs.stat().st_ino
    env = {"FIRECRAWL_API_KEY": KEY}
    args = ["--summary-file", str(summary), "--jobs-out", str(jobs)]
    result = run_jobwatch(*watch_args(sim, good, bad), *args, env=env)
    assert result.code == 1, result.stderr
    text = summary.read_text()
    assert text.startswith("```mermaid\ngantt\n")
    assert f"    {good} succeeded (completed) :done, j1, " in text
    assert f"    {bad} failed :crit, j2, " in text
    assert "### jobwatch: failed (exit code 1)" in text
    document = json.loads(jobs.read_text())
    assert document["exit_code"] == 1
    assert [(job["id"], job["state"]) for job in document["jobs"]] == [
        (good, "succeeded"),
        (bad, "failed"),
    ]
    # atomically: a new file renamed over the old one (its mode kept), no temp file left
    assert jobs.stat().st_ino != before
    assert stat.S_IMODE(jobs.stat().st_mode) == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["jobs.json", "summary.md"]


def test_a_one_off_check_writes_the_table_and_the_jobs(
    sim: Sim, run_jobwatch: Any, tmp_path: Path
) -> None:
    job = unique()
    summary, jobs = tmp_path / "summary.md", tmp_path / "link.json"
    target = tmp_path / "target.json"
    target.write_text("{}")
    jobs.symlink_to(target)
    args = ["firecrawl", job, "--base-url", sim.base_url, "--json"]
    result = run_jobwatch(*args, "--summary-file", str(summary), "--jobs-out", str(jobs),
                          env={"FIRECRAWL_API_KEY": KEY})  # fmt: skip
    assert result.code == 0, result.stderr
    assert summary.read_text().startswith("### jobwatch: succeeded (exit code 0)")  # no chart
    assert json.loads(target.read_text()) == result.json()  # what --json printed
    assert jobs.is_symlink()  # written through the link


def test_a_usage_error_still_writes_both_files(run_jobwatch: Any, tmp_path: Path) -> None:
    summary, jobs = tmp_path / "summary.md", tmp_path / "jobs.json"
    result = run_jobwatch("watch", "firecrawl:x", "--jobs-out", str(jobs), "--timeout", "soon",
                          f"--summary-file={summary}")  # fmt: skip
    assert result.code == 2, result.stderr
    message = "--timeout 'soon' is not a duration: use e.g. 90, 90s, 15m or 2h"
    assert json.loads(jobs.read_text()) == {"jobs": [], "exit_code": 2, "error": message}
    assert summary.read_text().startswith("### jobwatch: usage_error (exit code 2)\n\n")


def test_an_option_value_is_never_taken_for_a_file(run_jobwatch: Any, tmp_path: Path) -> None:
    """`--on-job-end --jobs-out` gives the hook a command; no file is written then."""
    result = run_jobwatch("watch", "nonsense", "--on-job-end", "--jobs-out", "x.json")
    assert result.code == 2
    assert not (tmp_path / "x.json").exists()
    assert not list(Path.cwd().glob("x.json"))


def test_the_files_are_not_for_the_defaults_table(
    sim: Sim, run_jobwatch: Any, tmp_path: Path
) -> None:
    """A path per run: a [defaults] key for them is unknown (one warning), and nothing is
    written there."""
    (tmp_path / "config.toml").write_text('[defaults]\njobs-out = "jobs.json"\n')
    result = run_jobwatch(*watch_args(sim, unique()), env={"FIRECRAWL_API_KEY": KEY})
    assert result.code == 0, result.stderr
    assert "unknown key 'jobs-out' in [defaults]" in result.stderr
    assert not list(tmp_path.rglob("jobs.json"))
