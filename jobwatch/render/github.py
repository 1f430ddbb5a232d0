"""GitHub Actions: `::error` workflow commands, the step summary (the picture of the run, the
table of jobs) and the step outputs, as text; jobwatch/render/ci.py writes the files."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TextIO

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState, JobStatus, job_name
from jobwatch.render import reasons
from jobwatch.render.text import amount, on_line, percent
from jobwatch.render.timeline import Timeline, chart

_ANNOTATED = (JobState.FAILED, JobState.CANCELLED, JobState.STALLED)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def is_github_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


def error_annotations(jobs: Sequence[JobStatus], commands: TextIO) -> None:
    """An `::error` workflow command for each failed, cancelled or stalled job."""
    for job in jobs:
        if job.state in _ANNOTATED:
            title = _escape_property(f"jobwatch: {job_name(job)} {job.state.value}")
            # The reason, then the provider's first errors or the files' reasons, a line each.
            lines = [on_line(job.message or f"status {job.status}")]
            lines += [line.removeprefix("  ") for line in reasons.detail_lines(job)]
            detail = _escape_data("\n".join(lines))
            commands.write(f"::error title={title}::{detail}\n")
    commands.flush()


def error_annotation(message: str, exit_code: int, commands: TextIO) -> None:
    """The `::error` workflow command for a run that stopped before reading any job."""
    state = exitcodes.name(exit_code)
    commands.write(
        f"::error title={_escape_property(f'jobwatch: {state}')}::{_escape_data(message)}\n"
    )
    commands.flush()


def warning(message: str) -> str:
    """A `::warning` workflow command (one line)."""
    return f"::warning title=jobwatch::{_escape_data(message)}"


def outputs(exit_code: int) -> str:
    """The step outputs `state` and `exit_code`, as GITHUB_OUTPUT lines."""
    return f"state={exitcodes.name(exit_code)}\nexit_code={exit_code}\n"


def stop_summary(message: str, exit_code: int) -> str:
    """The summary of a run that stopped before reading any job (usage error, missing key)."""
    return (
        f"### jobwatch: {exitcodes.name(exit_code)} (exit code {exit_code})\n\n{cell(message)}\n\n"
    )


# Markdown that acts inside a line, and what starts a block at the start of a list item.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
_ORDERED = re.compile(r"^\d+(?=[.)])")


def cell(text: str) -> str:
    """Provider text as Markdown that shows as written and starts nothing (a table cell, a
    list item): one line, HTML characters as entities, Markdown punctuation escaped."""
    line = " ".join(text.split())
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _INLINE.sub(r"\\\1", line)
    if line[:1] in ("#", "+", "=", "-"):  # a heading, a list, a setext underline
        return "\\" + line
    return _ORDERED.sub(r"\g<0>\\", line)  # `1.`: an ordered list


def code(text: str) -> str:
    """Text as a Markdown code span (in a table: pipes escaped), whatever backticks it holds."""
    line = " ".join(text.split()).replace("|", "\\|")
    run = max((len(part) for part in re.findall(r"`+", line)), default=0)
    fence = "`" * (run + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"


def step_summary(
    jobs: Sequence[JobStatus], exit_code: int, timeline: Timeline | None = None
) -> str:
    """The run's Markdown: the picture of a watch (given its `timeline`), then a table of the
    jobs and each job's reasons."""
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
                text
                for text in (
                    cell(job.provider),
                    code(ident),
                    job.state.value,
                    cell(job.status),
                    cell(progress),
                    cell(on_line(job.message or "")),
                )
            )
            + " |"
        )
    for job in jobs:
        details = reasons.detail_lines(job)
        if details:
            lines += ["", f"**{cell(job_name(job))}**", ""]
            lines += [f"- {cell(line.removeprefix('  '))}" for line in details]
    picture = chart(jobs, timeline) if timeline is not None else ""
    return picture + "\n".join(lines) + "\n\n"
