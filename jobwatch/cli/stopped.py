"""What CI gets when a command stops before reading any job (a usage error, a missing key): the
`::error` annotation and step outputs in GitHub Actions, and --summary-file / --jobs-out when the
command line names them (README: CI recipes). Handed to exitcodes.exit_code_of as `on_error`."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from jobwatch.core.errors import UsageError

# The options whose files a stopped command still writes.
_FILE_OPTIONS = ("summary_file", "jobs_out")


def report_stop(
    message: str,
    exit_code: int,
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    stderr: TextIO | None = None,
) -> None:
    """Write what CI reads for a command that stopped with `message` and `exit_code`; `argv`
    (default: this process's) names the files."""
    from jobwatch.render import ci

    paths = output_paths(sys.argv[1:] if argv is None else argv)
    files = ci.Files.of(os.environ if env is None else env, *paths)
    if files.github_actions or paths != (None, None):
        ci.report_stop(message, exit_code, files, sys.stderr if stderr is None else stderr)


def output_paths(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """(--summary-file, --jobs-out) as a job command line gives them, read with the command's
    own option table (so another option's value is never taken for one); None where a value is
    missing or not a file name. Used when the command line itself may be wrong."""
    from jobwatch.cli.commands import job_commands, options_of

    if not argv or argv[0] not in job_commands():
        return None, None
    spellings = {spelling: option for option in options_of(argv[0]) for spelling in option.flags}
    found: dict[str, str | None] = dict.fromkeys(_FILE_OPTIONS)
    words = list(argv[1:])
    while words:
        word = words.pop(0)
        if word == "--":
            break
        spelling, equals, attached = word.partition("=")
        option = spellings.get(spelling) if word.startswith("--") else spellings.get(word)
        if option is None or option.is_flag:
            continue
        if equals:
            value: str | None = attached
        else:
            value = words.pop(0) if words else None
        if option.name in found:
            try:
                found[option.name] = option.convert(value, option.flags[0]) if value else None
            except UsageError:
                found[option.name] = None
    return found["summary_file"], found["jobs_out"]
