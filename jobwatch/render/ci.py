"""What a run leaves for CI at its end (README: CI recipes): in GitHub Actions the `::error`
annotations, the step outputs (GITHUB_OUTPUT) and the step summary (GITHUB_STEP_SUMMARY); anywhere,
the same summary in --summary-file and the final JOB list in --jobs-out.

Every file is best effort: each is written in a guard of its own, GITHUB_OUTPUT first (it is what
later steps read), and a file that cannot be written (a full disk, a missing folder, a folder, a
read-only file) costs one warning line naming it and the reason, never the exit code."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from jobwatch.core.models import JobStatus
from jobwatch.core.sanitize import clean_text
from jobwatch.files import append_text, write_atomically
from jobwatch.render import github
from jobwatch.render.timeline import Timeline


@dataclass(frozen=True)
class Files:
    """Where a run's end is written: the GitHub Actions files (when GITHUB_ACTIONS is true) and
    --summary-file / --jobs-out."""

    github_actions: bool = False
    github_output: str | None = None
    step_summary: str | None = None
    summary_file: str | None = None
    jobs_out: str | None = None

    @classmethod
    def of(cls, env: Mapping[str, str], summary_file: str | None, jobs_out: str | None) -> Files:
        on_github = github.is_github_actions(env)
        return cls(
            github_actions=on_github,
            github_output=env.get("GITHUB_OUTPUT") or None if on_github else None,
            step_summary=env.get("GITHUB_STEP_SUMMARY") or None if on_github else None,
            summary_file=summary_file,
            jobs_out=jobs_out,
        )


def report_run(
    jobs: Sequence[JobStatus],
    exit_code: int,
    files: Files,
    stderr: TextIO,
    timeline: Timeline | None = None,
) -> None:
    """Everything CI gets at the end of a run; `timeline` (a watch's) adds the picture."""
    if files.github_actions:
        github.error_annotations(jobs, stderr)
    summary: list[str] = []

    def markdown() -> str:
        if not summary:
            summary.append(github.step_summary(jobs, exit_code, timeline))
        return summary[0]

    _write_all(files, stderr, exit_code, markdown, lambda: _jobs_document(jobs, exit_code))


def report_stop(message: str, exit_code: int, files: Files, stderr: TextIO) -> None:
    """What CI gets when jobwatch stops before reading any job (a usage error, a missing key):
    an annotation, the outputs, a summary line, and an empty JOB list with the error."""
    if files.github_actions:
        github.error_annotation(message, exit_code, stderr)
    document = {"jobs": [], "exit_code": exit_code, "error": message}
    _write_all(
        files, stderr, exit_code, lambda: github.stop_summary(message, exit_code), lambda: document
    )


def _jobs_document(jobs: Sequence[JobStatus], exit_code: int) -> dict[str, Any]:
    return {"jobs": [job.to_json() for job in jobs], "exit_code": exit_code}


def _write_all(
    files: Files,
    stderr: TextIO,
    exit_code: int,
    markdown: Callable[[], str],
    document: Callable[[], dict[str, Any]],
) -> None:
    """GITHUB_OUTPUT first, then the step summary, --summary-file and --jobs-out."""
    if files.github_output:
        path = Path(files.github_output)
        _guarded(
            "GITHUB_OUTPUT",
            path,
            lambda: append_text(path, github.outputs(exit_code)),
            files,
            stderr,
        )
    if files.step_summary:
        path = Path(files.step_summary)
        _guarded("GITHUB_STEP_SUMMARY", path, lambda: append_text(path, markdown()), files, stderr)
    if files.summary_file:
        path = Path(files.summary_file)
        _guarded(
            "--summary-file",
            path,
            lambda: write_atomically(path, markdown().encode("utf-8")),
            files,
            stderr,
        )
    if files.jobs_out:
        path = Path(files.jobs_out)
        _guarded(
            "--jobs-out", path, lambda: write_atomically(path, _json(document())), files, stderr
        )


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _guarded(
    what: str, path: Path, write: Callable[[], None], files: Files, stderr: TextIO
) -> None:
    """Run `write`; whatever goes wrong is one warning line, never an exception."""
    try:
        write()
    except Exception as exc:  # noqa: BLE001 - best effort: the exit code is the jobs'
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else None
        reason = reason or f"{type(exc).__name__}: {exc}".rstrip(": ")
        line = clean_text(f"cannot write {what} {path}: {reason}", ())
        try:
            stderr.write(
                (github.warning(line) if files.github_actions else f"jobwatch: warning: {line}")
                + "\n"
            )
            stderr.flush()
        except (OSError, ValueError):
            pass
