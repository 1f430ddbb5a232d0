"""The action's watch and report steps (action.yml), on the standard library alone: it runs with
the Python that has jobwatch installed, whichever version of jobwatch that is.

`run.py watch` turns the inputs (environment variables, never script text) into jobwatch's
command line and becomes that jobwatch process (exec), so the step's exit code and signals are
jobwatch's own. The references go to `jobwatch watch -` on stdin: whatever they hold, they are
references, never options. `args` is split as a shell splits words (shlex), never evaluated.

`run.py jobs` turns the JOB list jobwatch wrote (--jobs-out) into the `jobs` step output, in
GITHUB_OUTPUT's heredoc form with a random delimiter."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import sys
from pathlib import Path

USAGE = 2
JOBS_FILE = "jobs.json"


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _usage_error(message: str) -> int:
    """An input jobwatch never sees is wrong: what jobwatch does for a usage error (the line,
    the annotation, the outputs, a summary line, an empty JOB list), then exit 2."""
    print(f"jobwatch: error: {message}", file=sys.stderr)
    print(f"::error title=jobwatch%3A usage_error::{_escape(message)}", file=sys.stderr)
    env = os.environ
    for variable, text in (
        ("GITHUB_OUTPUT", f"state=usage_error\nexit_code={USAGE}\n"),
        ("GITHUB_STEP_SUMMARY", f"### jobwatch: usage_error (exit code {USAGE})\n\n{message}\n\n"),
    ):
        if env.get(variable):
            _append(variable, Path(env[variable]), text)
    document = {"jobs": [], "exit_code": USAGE, "error": message}
    _append("the JOB list", Path(env["JOBWATCH_ACTION_DIR"]) / JOBS_FILE, json.dumps(document))
    return USAGE


def _append(what: str, path: Path, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        print(
            f"::warning title=jobwatch::cannot write {what} {path}: {exc.strerror}", file=sys.stderr
        )


def _switch(name: str, default: bool) -> bool | None:
    """A true/false input; None when it is neither."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return {"true": True, "false": False}.get(value)


def watch() -> int:
    env = os.environ
    python = env.get("JOBWATCH_ACTION_PYTHON") or sys.executable
    folder = Path(env["JOBWATCH_ACTION_DIR"])
    argv = [python, "-m", "jobwatch", "watch"]
    refs = env.get("INPUT_REFS", "")
    if refs.strip():
        argv.append("-")
    if env.get("INPUT_FILE", "").strip():
        argv.append(f"--file={env['INPUT_FILE'].strip()}")
    if env.get("INPUT_TIMEOUT", "").strip():
        argv.append(f"--timeout={env['INPUT_TIMEOUT'].strip()}")
    cancel = _switch("INPUT_CANCEL_ON_INTERRUPT", True)
    if cancel is None:
        return _usage_error(
            f"the cancel-on-interrupt input must be true or false, not "
            f"{env['INPUT_CANCEL_ON_INTERRUPT']!r}"
        )
    if cancel:
        argv.append("--cancel-on-interrupt")
    argv.append(f"--jobs-out={folder / JOBS_FILE}")
    try:
        argv += shlex.split(env.get("INPUT_ARGS", ""))
    except ValueError as exc:
        return _usage_error(f"the args input cannot be split into words: {exc}")
    references = folder / "refs.txt"
    references.write_text(refs, encoding="utf-8")
    stdin = os.open(references, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.close(stdin)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(python, argv)
    return 0  # not reached


def jobs() -> int:
    """The `jobs` output: the JOB list of the file jobwatch wrote, `[]` when it wrote none."""
    path = Path(os.environ["JOBWATCH_ACTION_DIR"]) / JOBS_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        listed = document["jobs"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"::warning title=jobwatch::no JOB list from jobwatch ({exc}): jobs is []")
        listed = []
    text = json.dumps(listed, ensure_ascii=False, separators=(",", ":"))
    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    while delimiter in text:  # pragma: no cover - 128 random bits
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    _append(
        "GITHUB_OUTPUT",
        Path(os.environ["GITHUB_OUTPUT"]),
        f"jobs<<{delimiter}\n{text}\n{delimiter}\n",
    )
    return 0


if __name__ == "__main__":
    steps = {"watch": watch, "jobs": jobs}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        sys.exit(f"usage: {sys.argv[0]} watch|jobs")
    sys.exit(steps[sys.argv[1]]())
