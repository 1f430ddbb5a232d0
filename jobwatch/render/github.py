"""GitHub Actions: `::error` workflow commands, the step summary table, and step outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState, JobStatus, job_name
from jobwatch.render import reasons
from jobwatch.render.text import amount, on_line, percent

_ANNOTATED = (JobState.FAILED, JobState.CANCELLED, JobState.STALLED)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def is_github_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


def report(
    jobs: Sequence[JobStatus], exit_code: int, env: Mapping[str, str], commands: TextIO
) -> None:
    """Everything GitHub Actions gets at the end of a run."""
    for job in jobs:
        if job.state in _ANNOTATED:
            title = _escape_property(f"jobwatch: {job_name(job)} {job.state.value}")
            # The reason, then the provider's first errors or the files' reasons, a line each.
            lines = [on_line(job.message or f"status {job.status}")]
            lines += [line.removeprefix("  ") for line in reasons.detail_lines(job)]
            detail = _escape_data("\n".join(lines))
            commands.write(f"::error title={title}::{detail}\n")
    commands.flush()
    _append(env, "GITHUB_STEP_SUMMARY", step_summary(jobs, exit_code))
    _append(env, "GITHUB_OUTPUT", _outputs(exit_code))


def report_error(message: str, exit_code: int, env: Mapping[str, str], commands: TextIO) -> None:
    """What GitHub Actions gets when jobwatch stops before reading any job (usage error,
    missing key): an annotation, a summary line and the step outputs."""
    state = exitcodes.name(exit_code)
    commands.write(
        f"::error title={_escape_property(f'jobwatch: {state}')}::{_escape_data(message)}\n"
    )
    commands.flush()
    _append(
        env,
        "GITHUB_STEP_SUMMARY",
        f"### jobwatch: {state} (exit code {exit_code})\n\n{message}\n\n",
    )
    _append(env, "GITHUB_OUTPUT", _outputs(exit_code))


def _outputs(exit_code: int) -> str:
    return f"state={exitcodes.name(exit_code)}\nexit_code={exit_code}\n"


def _append(env: Mapping[str, str], variable: str, text: str) -> None:
    path = env.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)


def step_summary(jobs: Sequence[JobStatus], exit_code: int) -> str:
    """A Markdown table of the jobs."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        f"### jobwatch: {exitcodes.name(exit_code)} (exit code {exit_code})",
        "",
        "| provider | job | state | status | progress | message |",
        "|---|---|---|---|---|---|",
    ]
    for job in jobs:
        ident = job.ident
        progress = " ".join(p for p in (amount(job), percent(job.progress)) if p and p != "-")
        lines.append(
            "| "
            + " | ".join(
                cell(text)
                for text in (
                    job.provider,
                    f"`{ident}`",
                    job.state.value,
                    job.status,
                    progress,
                    on_line(job.message or ""),
                )
            )
            + " |"
        )
    for job in jobs:
        details = reasons.detail_lines(job)
        if details:
            lines += ["", f"**{cell(job_name(job))}**", ""]
            lines += [f"- {cell(line.removeprefix('  '))}" for line in details]
    return "\n".join(lines) + "\n\n"
