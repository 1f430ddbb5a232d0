"""jobwatch/render/ci.py: each file in a guard of its own, GITHUB_OUTPUT first, and a file that
cannot be written is one warning line (a `::warning` in GitHub Actions)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from jobwatch.core.models import JobState
from jobwatch.render import ci
from tests.render._support import firecrawl


def test_the_github_files_only_in_github_actions() -> None:
    env = {"GITHUB_OUTPUT": "o", "GITHUB_STEP_SUMMARY": "s"}
    assert ci.Files.of(env, None, "j") == ci.Files(jobs_out="j")
    on = ci.Files.of({**env, "GITHUB_ACTIONS": "true"}, "m", None)
    assert on == ci.Files(True, "o", "s", "m", None)
    assert ci.Files.of({"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": ""}, None, None) == ci.Files(
        True
    )


def test_every_file_fails_on_its_own_in_order(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    files = ci.Files(True, "/dev/full", str(missing / "a"), str(tmp_path), str(missing / "b"))
    stderr = io.StringIO()
    job = firecrawl(1, 10, "failed", JobState.FAILED)
    ci.report_run([job], 1, files, stderr)
    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("::error title=jobwatch%3A firecrawl ")
    assert lines[1:] == [
        "::warning title=jobwatch::cannot write GITHUB_OUTPUT /dev/full: No space left on device",
        f"::warning title=jobwatch::cannot write GITHUB_STEP_SUMMARY {missing}/a: "
        "No such file or directory",
        f"::warning title=jobwatch::cannot write --summary-file {tmp_path}: Is a directory",
        f"::warning title=jobwatch::cannot write --jobs-out {missing}/b: No such file or "
        f"directory (making a temporary file in {missing})",
    ]


def test_outside_github_a_plain_warning_and_no_control_character(tmp_path: Path) -> None:
    stderr = io.StringIO()
    ci.report_run([], 0, ci.Files(jobs_out=str(tmp_path / "no\x1b[31m" / "x")), stderr)
    (line,) = stderr.getvalue().splitlines()
    assert line.startswith("jobwatch: warning: cannot write --jobs-out ")
    assert "\x1b" not in line


def test_the_summary_file_and_the_jobs_file(tmp_path: Path) -> None:
    summary, jobs = tmp_path / "s.md", tmp_path / "j.json"
    job = firecrawl(10, 10, "completed", JobState.SUCCEEDED, job_id="ok")
    ci.report_run([job], 0, ci.Files(summary_file=str(summary), jobs_out=str(jobs)), io.StringIO())
    assert summary.read_text().startswith("### jobwatch: succeeded (exit code 0)\n")
    assert json.loads(jobs.read_text()) == {"jobs": [job.to_json()], "exit_code": 0}
