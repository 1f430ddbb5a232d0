"""A provider command or `watch` as typed values (JobCommand), and what it does: the jobs it
names, grouped by provider instance, checked or watched by run.run.

Typer-free: the fast parser (fastargs.py) and the Typer app (cli_jobs.py) both hand what they
read to `read_command`, so both run the very same code.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobwatch.cli.options import Access, RunOptions, settle, unknown_defaults
from jobwatch.core.errors import MissingKeyError, UsageError
from jobwatch.core.ids import check_job_id

if TYPE_CHECKING:
    from jobwatch.cli.refs import JobRef
    from jobwatch.poll import JobGroup
    from jobwatch.providers.base import Provider, ProviderEntry
    from jobwatch.streams import Streams

WATCH = "watch"


@dataclass(frozen=True)
class JobCommand:
    """What a job command line asks for, read and checked."""

    command: str  # a provider's name, or "watch"
    words: tuple[str, ...]  # job ids, or `watch` references
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
    from jobwatch.providers import PROVIDERS

    path = config.config_path()
    data = config.load(path)
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise UsageError(f"config file {path}: [defaults] must be a table")
    unknown = [f"unknown key {key!r} in [defaults]" for key in unknown_defaults(defaults)]
    profile_keys = {name: entry.profile_keys() for name, entry in PROVIDERS.items()}
    for what in unknown + config.unknown_keys(data, profile_keys):
        print(f"jobwatch: warning: {what} of {path}", file=sys.stderr)
    run, access = settle(given, defaults, str(path))
    words = tuple(given.get("words") or ())
    context = {}
    kind = None
    if command == WATCH:
        words = _with_stdin(words)
        from jobwatch.cli.commands import watch_context_options

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
        run=replace(run, watch=run.watch or command == WATCH),
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
    from jobwatch.cli.commands import positional_fields

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


class ProviderFactory:
    """Builds provider instances from the access options and the config file."""

    def __init__(self, access: Access, data: Mapping[str, Any]) -> None:
        self.access = access
        self.data = data

    def make(self, name: str, kind: str | None, context: Mapping[str, Any]) -> Provider:
        from jobwatch import config
        from jobwatch.providers import PROVIDERS

        entry = PROVIDERS[name]
        cls = entry.kind(kind)
        settings = config.resolve(
            name,
            key_env_vars=cls.key_env_vars,
            base_url_env_vars=cls.base_url_env_vars,
            cli_profile=self.access.profile,
            cli_api_key=self.access.api_key,
            cli_base_url=self.access.base_url,
            cli_region=self.access.region.value if self.access.region and cls.regions() else None,
            data=self.data,
            profile_keys=entry.profile_keys(),
        )
        return cls(settings, **context)


def plan(command: JobCommand) -> list[JobGroup]:
    """The groups of jobs the command names, each with its provider instance."""
    from jobwatch.cli.refs import group, load_jobs_file, parse_ref, with_defaults
    from jobwatch.poll import JobGroup

    factory = ProviderFactory(command.access, command.config)
    if command.command != WATCH:
        provider = factory.make(command.command, command.kind, command.context)
        return [JobGroup(provider, list(dict.fromkeys(command.words)))]
    refs = [parse_ref(text) for text in command.words]
    if command.file is not None:
        refs += load_jobs_file(command.file)
    refs = [with_defaults(ref, command.context) for ref in refs]
    if not refs:
        raise UsageError("name at least one job (e.g. firecrawl:JOB_ID) or --file jobs.toml")

    missing: dict[str, MissingKeyError] = {}

    def make(ref: JobRef) -> Provider | None:
        try:
            return factory.make(ref.provider, ref.kind, dict(ref.context))
        except MissingKeyError as error:  # gathered, so one message names every provider
            missing.setdefault(ref.provider, error)
            return None

    groups = [JobGroup(provider, ids) for provider, ids in group(refs, make) if provider]
    if missing:
        from jobwatch.config import pick_profile
        from jobwatch.core.keys import missing_keys_error

        profile = pick_profile(command.access.profile, command.config, os.environ)
        raise missing_keys_error(list(missing.values()), profile)
    return groups


def reattach_hint(command: JobCommand) -> str:
    """The command line that watches the same jobs again: everything that picks the jobs and
    the endpoint (never a key), quoted for a POSIX shell."""
    from jobwatch.cli.commands import options_of

    words = ["jobwatch", command.command]
    given: dict[str, Any] = {
        **{name: getattr(command.access, name) for name in ("profile", "base_url", "region")},
        "file": command.file,
    }
    if command.command == WATCH:
        given.update(command.context)
        words += command.words
    else:
        from jobwatch.cli.commands import positional_fields
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
    """Check or watch the jobs the command names; the exit code."""
    from jobwatch.session.run import run

    if command.running:
        from jobwatch.session.listing import find_running

        found = find_running(command, streams)
        if found is None:
            return 0
        command = found
    groups = plan(command)
    options = replace(command.run, reattach_hint=reattach_hint(command))
    return run(groups, options, streams)
