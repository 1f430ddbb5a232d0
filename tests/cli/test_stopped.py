"""What a command that stops before reading any job still writes (jobwatch/cli/stopped.py): the
files the command line names, found with the command's own option table."""

from __future__ import annotations

import io
import json
from pathlib import Path

from jobwatch.cli.stopped import output_paths, report_stop


def test_the_files_named_on_a_job_command_line() -> None:
    assert output_paths(["watch", "--summary-file", "s.md", "--jobs-out=j.json"]) == (
        "s.md",
        "j.json",
    )
    assert output_paths(["firecrawl", "x", "--jobs-out", "a", "--jobs-out", "b"]) == (None, "b")
    # another option's value is never taken for one, nor anything after `--`
    assert output_paths(["watch", "--on-job-end", "--jobs-out", "x"]) == (None, None)
    assert output_paths(["watch", "--", "--jobs-out", "x"]) == (None, None)
    # a missing or unusable value, and commands that take no such option
    assert output_paths(["watch", "--jobs-out"]) == (None, None)
    assert output_paths(["watch", "--jobs-out", "bad\nname"]) == (None, None)
    assert output_paths(["auth", "set", "--jobs-out", "x"]) == (None, None)
    assert output_paths([]) == (None, None)


def test_a_stop_writes_the_named_files_and_the_github_ones(tmp_path: Path) -> None:
    summary, jobs, output = tmp_path / "s.md", tmp_path / "j.json", tmp_path / "output"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)}
    stderr = io.StringIO()
    argv = ["watch", "--summary-file", str(summary), "--jobs-out", str(jobs)]
    report_stop("a bad value", 2, argv, env, stderr)
    assert output.read_text() == "state=usage_error\nexit_code=2\n"
    assert summary.read_text() == "### jobwatch: usage_error (exit code 2)\n\na bad value\n\n"
    assert json.loads(jobs.read_text()) == {"jobs": [], "exit_code": 2, "error": "a bad value"}
    assert stderr.getvalue() == "::error title=jobwatch%3A usage_error::a bad value\n"


def test_outside_github_and_without_files_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    stderr = io.StringIO()
    report_stop("a bad value", 2, ["watch", "x"], {"GITHUB_OUTPUT": "out"}, stderr)
    assert list(tmp_path.iterdir()) == [] and stderr.getvalue() == ""
