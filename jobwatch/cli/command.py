"""A provider command, `watch` or `cancel` as typed values (JobCommand), and what it asks of a
session (JobsRequest, jobwatch/session/plan.py): the jobs it names, or the provider's running
jobs, checked, watched or cancelled by jobwatch/session/run.py.

Typer-free: the fast parser (fastpath.py) and the Typer app (jobs.py, cancel.py) both hand what
they read to `read_command`, so both run the very same code.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobwatch.cli.commands import (
    CANCEL,
    WATCH,
    options_of,
    positional_fields,
    watch_context_options,
)
from jobwatch.cli.options import Access, RunOptions, settle, unknown_defaults
from jobwatch.core.errors import UsageError
from jobwatch.core.ids import check_job_id

if TYPE_CHECKING:
    from jobwatch.providers.base import Provider, ProviderEntry
    from jobwatch.session.plan import JobRef, JobsRequest
    from jobwatch.streams import Streams

__all__ = ["CANCEL", "WATCH", "JobCommand", "read_command", "reattach_hint", "run_command"]


@dataclass(frozen=True)
class JobCommand:
    """What a job command line asks for, read and checked."""

    command: str  # a provider's name, "watch" or "cancel"
    words: tuple[str, ...]  # job ids, or `watch` / `cancel` references
    context: Mapping[str, Any]  # the provider's context values that were given
    file: Path | None
    run: RunOptions
    access: Access
    config: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    running: bool = False  # --running: the jobs the provider lists as not finished
    kind: str | None = None  # a provider command's kind of job (None: the default)


def read_command(command: str, given: Mapping[str, Any]) -> JobCommand:
    """The typed command from what a parser read: option values by parameter name (None or
    False when not given), the context values, `words` and (for watch) `file`. Reads the config
    file once: its [defaults] table fills in options the command line did not give."""
    from jobwatch import config
    from jobwatch.cli.definitions import config_data
    from jobwatch.providers import PROVIDERS

    path = config.config_path()
    data = config_data(path)  # read once: by the console entry, when it ran
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise UsageError(f"config file {path}: [defaults] must be a table")
    unknown = [f"unknown key {key!r} in [defaults]" for key in unknown_defaults(defaults)]
    # Only the providers the file names are loaded to check it.
    named = {name for entries in data.get("profiles", {}).values() for name in entries}
    profile_keys = {
        name: PROVIDERS[name].profile_keys() if name in named else () for name in PROVIDERS
    }
    for what in unknown + config.unknown_keys(data, profile_keys):
        print(f"jobwatch: warning: {what} of {path}", file=sys.stderr)
    run, access = settle(given, defaults, str(path))
    words = tuple(given.get("words") or ())
    context = {}
    kind = None
    if command in (WATCH, CANCEL):
        words = _with_stdin(words)
        for option in watch_context_options():
            if given.get(option.name):
                context[option.name] = check_job_id(given[option.name], option.flags[0])
    else:
        entry = PROVIDERS[command]
        cls = _kind_of(entry, given)
        kind = cls.kind
        context = _context_of(entry, cls, given)
        words = tuple(check_job_id(word, cls.id_metavar) for word in words)
        if given.get("running") and words:
            raise UsageError(f"give {cls.id_metavar} arguments or --running, not both")
        if not given.get("running") and not words:
            listed = cls.can_list() or given.get("kind") is None and _lists(entry)
            more = " (or --running)" if listed else ""
            raise UsageError(f"name at least one {cls.id_metavar}{more}")
    return JobCommand(
        command=command,
        words=words,
        context=context,
        file=Path(given["file"]) if given.get("file") else None,
        # `watch` always watches; `cancel` never does (its deadline is a one-off check's).
        run=replace(run, watch={WATCH: True, CANCEL: False}.get(command, run.watch)),
        access=access,
        config=data,
        running=bool(given.get("running")),
        kind=kind,
    )


def _lists(entry: ProviderEntry) -> bool:
    return any(cls.can_list() for cls in entry.kinds)


def _kind_of(entry: ProviderEntry, given: Mapping[str, Any]) -> type[Provider]:
    """The kind `--kind` or a kind's switch (`--crawl`) picks; with `--running` and neither,
    the first kind the provider can list; else the default."""
    named = given.get("kind")
    switched = [cls for cls in entry.kinds if cls.kind_switch and given.get(cls.kind_switch)]
    if switched:
        cls = switched[0]
        if len(switched) > 1 or (named is not None and named != cls.kind):
            raise UsageError(f"--{cls.kind_switch} means --kind {cls.kind}: give one kind of job")
        return cls
    if named is None and given.get("running"):
        return next((cls for cls in entry.kinds if cls.can_list()), entry.default)
    cls = entry.kind(named)
    if given.get("running") and not cls.can_list():
        raise UsageError(
            f"{entry.name} --kind {cls.kind} cannot list its jobs (--running): name them instead"
        )
    return cls


def _context_of(
    entry: ProviderEntry, cls: type[Provider], given: Mapping[str, Any]
) -> dict[str, Any]:
    """The kind's context values: its options by name, and its arguments from the places of
    the command's arguments (named after the default kind's)."""
    context: dict[str, Any] = {}
    for option in cls.context_fields:
        if option.flag and given.get(option.name) is not None:
            context[option.name] = check_job_id(given[option.name], option.flag)
    places = [field.name for field in positional_fields(entry.default)]
    for place, argument in zip(places, positional_fields(cls), strict=True):
        if given.get(place) is not None:
            context[argument.name] = check_job_id(given[place], argument.metavar)
    taken = {option.flag for option in cls.context_fields if option.flag}
    for other in entry.kinds:
        for option in other.context_fields:
            if option.flag and option.flag not in taken and given.get(option.name) is not None:
                raise UsageError(f"{option.flag} is not for {entry.name} --kind {cls.kind}")
    return context


def _with_stdin(words: tuple[str, ...]) -> tuple[str, ...]:
    """`-` among the references: the references read from stdin (whitespace-separated)."""
    if "-" not in words:
        return words
    from jobwatch.files import ONE_MIB

    if sys.stdin is None:
        raise UsageError("`-` reads the references from stdin, but stdin is closed")
    try:
        text = sys.stdin.read(ONE_MIB + 1)
    except (OSError, ValueError) as exc:  # ValueError: a closed file, undecodable bytes
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
        raise UsageError(
            f"`-` reads the references from stdin, which cannot be read: {why}"
        ) from None
    if len(text) > ONE_MIB:
        raise UsageError("the references on stdin are more than 1 MiB: use --file jobs.toml")
    read = tuple(text.split())
    return tuple(ref for word in words for ref in (read if word == "-" else (word,)))


def request_of(command: JobCommand) -> JobsRequest:
    """What the command asks of a session, in plain terms: the jobs by reference (a `watch` or
    `cancel` command's references and jobs file, or a provider command's ids), or the
    provider's running jobs; and the re-attach hint for them."""
    from jobwatch.session.plan import JobRef, JobsRequest, Listing

    from_words: list[tuple[str, JobRef]] = []
    if command.command in (WATCH, CANCEL):
        from_words = [
            (word, ref) for word, ref in zip(command.words, _word_refs(command), strict=True)
        ]
        refs = _references(command, [ref for _, ref in from_words])
    else:
        kind = _kind_name(command)
        refs = [JobRef.of(command.command, kind, word, **command.context) for word in command.words]
        from_words = list(zip(command.words, refs, strict=True))

    def hint(jobs: Sequence[JobRef]) -> str:
        """The command that watches `jobs` (the ones not finished) again."""
        if command.running:  # the jobs a listing found
            return reattach_hint(replace(command, words=tuple(job.job_id for job in jobs)))
        left = set(jobs)
        words = tuple(word for word, ref in from_words if ref in left)
        from_file = {ref for ref in refs if ref in left} - {ref for _, ref in from_words}
        return reattach_hint(
            replace(command, words=words, file=command.file if from_file else None)
        )

    listing = None
    if command.running:
        listing = Listing(command.command, command.kind, command.context)
    return JobsRequest(
        refs=refs,
        access=command.access,
        config=command.config,
        listing=listing,
        reattach_hint=None if command.command == CANCEL else hint,
    )


def _kind_name(command: JobCommand) -> str:
    """A provider command's kind of job, by name (its provider's default when none was read)."""
    from jobwatch.providers import PROVIDERS

    return PROVIDERS[command.command].kind(command.kind).kind


def _word_refs(command: JobCommand) -> list[JobRef]:
    """A `watch` or `cancel` command's references on its command line, with the command's
    context options where a reference names none."""
    from jobwatch.cli.refs import parse_ref, with_defaults

    return [with_defaults(parse_ref(text), command.context) for text in command.words]


def _references(command: JobCommand, words: list[JobRef]) -> list[JobRef]:
    """A `watch` or `cancel` command's references (`words`), then its jobs file's, with the
    command's context options where a reference names none."""
    from jobwatch.cli.refs import load_jobs_file, with_defaults

    refs = list(words)
    if command.file is not None:
        refs += [with_defaults(ref, command.context) for ref in load_jobs_file(command.file)]
    if not refs:
        raise UsageError("name at least one job (e.g. firecrawl:JOB_ID) or --file jobs.toml")
    return refs


def reattach_hint(command: JobCommand) -> str:
    """The command line that watches the same jobs again: everything that picks the jobs and
    the endpoint (never a key), quoted for a POSIX shell."""
    from jobwatch.cli.definitions import OPTION, given_files

    words = ["jobwatch", *(word for name in given_files() for word in (OPTION, name))]
    words.append(command.command)
    given: dict[str, Any] = {
        **{name: getattr(command.access, name) for name in ("profile", "base_url", "region")},
        "file": command.file,
    }
    if command.command == WATCH:
        given.update(command.context)
        words += command.words
    else:
        from jobwatch.providers import PROVIDERS

        entry = PROVIDERS[command.command]
        cls = entry.kind(command.kind)
        arguments = [field.name for field in positional_fields(cls)]
        words += [str(command.context[name]) for name in arguments if name in command.context]
        words += command.words
        given.update((name, value) for name, value in command.context.items()
                     if name not in arguments)  # fmt: skip
        if cls.kind_switch:
            given[cls.kind_switch] = True
        elif cls is not entry.default:
            given["kind"] = cls.kind
    for option in options_of(command.command):
        value = given.get(option.name)
        if value:
            words += [option.flags[0]] if option.is_flag else [option.flags[0], str(value)]
    if command.command != WATCH:
        words.append("--watch")
    return shlex.join(words)


def run_command(command: JobCommand, streams: Streams | None = None) -> int:
    """Check, watch or cancel the jobs the command names, in one session; the exit code."""
    from jobwatch.session.run import cancel_request, run_request

    action = cancel_request if command.command == CANCEL else run_request
    return action(request_of(command), command.run, streams)
