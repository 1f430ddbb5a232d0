"""GitHub Actions output (jobwatch/render/github.py): ::error commands, the step summary table,
and step outputs."""

from __future__ import annotations

import io

from jobwatch.core.models import JobState
from jobwatch.render import ci, github
from tests.render._support import FC_ID, brightdata, coze, firecrawl


def report(jobs, exit_code, env, commands):
    """The end of a run in GitHub Actions, as session/run.py reports it."""
    files = ci.Files.of({"GITHUB_ACTIONS": "true", **env}, None, None)
    ci.report_run(jobs, exit_code, files, commands)


def test_is_github_actions():
    assert github.is_github_actions({"GITHUB_ACTIONS": "true"})
    assert not github.is_github_actions({})
    assert not github.is_github_actions({"GITHUB_ACTIONS": "false"})


def test_an_error_command_per_failed_or_cancelled_job_only():
    commands = io.StringIO()
    failed = brightdata("failed", JobState.FAILED).replace(message="site blocked")
    cancelled = firecrawl(3, 10, "cancelled", JobState.CANCELLED)
    fine = firecrawl(10, 10, "completed", JobState.SUCCEEDED, job_id="ok")
    report([fine, failed, cancelled], 1, {}, commands)
    assert commands.getvalue().splitlines() == [
        "::error title=jobwatch%3A brightdata s_m4x7enmven8djfqak failed::site blocked",
        f"::error title=jobwatch%3A firecrawl {FC_ID} cancelled::status cancelled",
    ]


def test_error_command_escaping():
    commands = io.StringIO()
    job = firecrawl(1, 10, "failed", JobState.FAILED, job_id="a,b:c").replace(
        message="100% broken\nsecond line\r"
    )
    report([job], 1, {}, commands)
    assert commands.getvalue() == (
        "::error title=jobwatch%3A firecrawl a%2Cb%3Ac failed::100%25 broken%0Asecond line%0D\n"
    )


def test_step_summary_table_is_appended(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    failed = brightdata("failed", JobState.FAILED).replace(message="a | b")
    done = firecrawl(100, 100, "completed", JobState.SUCCEEDED)
    report([done, coze(), failed], 1, {"GITHUB_STEP_SUMMARY": str(summary)}, io.StringIO())
    assert summary.read_text(encoding="utf-8") == (
        "# earlier step\n"
        "### jobwatch: failed (exit code 1)\n"
        "\n"
        "| provider | job | state | status | progress | message |\n"
        "|---|---|---|---|---|---|\n"
        f"| firecrawl | `{FC_ID}` | succeeded | completed | 100/100 pages 100% |  |\n"
        "| coze | `7442585813587689999/7442585813587689472` | running | processing | 40% |  |\n"
        "| brightdata | `s_m4x7enmven8djfqak` | failed | failed |  | a \\| b |\n"
        "\n"
    )


def test_outputs_are_appended(tmp_path):
    outputs = tmp_path / "output"
    outputs.write_text("earlier=1\n", encoding="utf-8")
    env = {"GITHUB_OUTPUT": str(outputs)}
    report([firecrawl()], 124, env, io.StringIO())
    report([firecrawl()], 0, env, io.StringIO())
    assert outputs.read_text(encoding="utf-8") == (
        "earlier=1\nstate=timed_out\nexit_code=124\nstate=succeeded\nexit_code=0\n"
    )


def test_every_exit_code_has_a_state_word(tmp_path):
    outputs = tmp_path / "out"
    codes = (0, 1, 2, 3, 4, 5, 124, 129, 130, 141, 143)
    for code in codes:
        report([], code, {"GITHUB_OUTPUT": str(outputs)}, io.StringIO())
    states = [line for line in outputs.read_text(encoding="utf-8").splitlines() if "state=" in line]
    assert states == [
        "state=succeeded",
        "state=failed",
        "state=usage_error",
        "state=unknown",
        "state=credentials_error",
        "state=stalled",
        "state=timed_out",
        "state=interrupted",
        "state=interrupted",
        "state=interrupted",
        "state=interrupted",
    ]


def test_no_files_without_the_variables(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report([firecrawl()], 0, {}, io.StringIO())
    assert list(tmp_path.iterdir()) == []
