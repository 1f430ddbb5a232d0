"""A provider command or `watch` as typed values (JobCommand), and what it does: the jobs it
names, grouped by provider instance, checked or watched by run.run.

Typer-free: the fast parser (fastargs.py) and the Typer app (cli_jobs.py) both hand what they
read to `read_command`, so both run the very same code.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobwatch.errors import UsageError
from jobwatch.ids import check_job_id
from jobwatch.options import SHARED, Access, RunOptions, settle, unknown_defaults

if TYPE_CHECKING:
    from jobwatch.poll import JobGroup
    from jobwatch.providers.base import Provider
    from jobwatch.refs import JobRef
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


def read_command(command: str, given: Mapping[str, Any]) -> JobCommand:
    """The typed command from what a parser read: option values by parameter name (None or
    False when not given), the context values, `words` and (for watch) `file`. Reads the config
    file once: its [defaults] table fills in options the command line did not give."""
    from jobwatch import config

    path = config.config_path()
    data = config.load(path)
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise UsageError(f"config file {path}: [defaults] must be a table")
    for key in unknown_defaults(defaults):
        print(f"jobwatch: warning: unknown key {key!r} in [defaults] of {path}", file=sys.stderr)
    run, access = settle(given, defaults, str(path))
    words = tuple(given.get("words") or ())
    context = {}
    if command != WATCH:
        from jobwatch.providers import PROVIDERS

        cls = PROVIDERS[command]
        for item in cls.context_fields:
            value = given.get(item.name)
            if value not in (None, False):
                context[item.name] = (
                    value if item.switch else check_job_id(value, item.flag or item.metavar)
                )
        words = tuple(check_job_id(word, cls.id_metavar) for word in words)
        if given.get("running") and words:
            raise UsageError(f"give {cls.id_metavar} arguments or --running, not both")
        if not given.get("running") and not words:
            more = " (or --running)" if cls.can_list() else ""
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
    )


class ProviderFactory:
    """Builds provider instances from the access options and the config file."""

    def __init__(self, access: Access, data: Mapping[str, Any]) -> None:
        self.access = access
        self.data = data

    def make(self, name: str, context: Mapping[str, Any]) -> Provider:
        from jobwatch import config
        from jobwatch.providers import PROVIDERS

        cls = PROVIDERS[name]
        settings = config.resolve(
            name,
            key_env_vars=cls.key_env_vars,
            base_url_env_vars=cls.base_url_env_vars,
            cli_profile=self.access.profile,
            cli_api_key=self.access.api_key,
            cli_base_url=self.access.base_url,
            cli_region=self.access.region.value if self.access.region and cls.regions() else None,
            data=self.data,
        )
        return cls(settings, **context)


def plan(command: JobCommand) -> list[JobGroup]:
    """The groups of jobs the command names, each with its provider instance."""
    from jobwatch.poll import JobGroup
    from jobwatch.refs import group, load_jobs_file, parse_ref

    factory = ProviderFactory(command.access, command.config)
    if command.command != WATCH:
        provider = factory.make(command.command, command.context)
        return [JobGroup(provider, list(dict.fromkeys(command.words)))]
    refs = [parse_ref(text) for text in command.words]
    if command.file is not None:
        refs += load_jobs_file(command.file)
    if not refs:
        raise UsageError("name at least one job (e.g. firecrawl:JOB_ID) or --file jobs.toml")

    def make(ref: JobRef) -> Provider:
        return factory.make(ref.provider, dict(ref.context))

    return [JobGroup(provider, ids) for provider, ids in group(refs, make)]


def reattach_hint(command: JobCommand) -> str:
    """The command line that watches the same jobs again: everything that picks the jobs and
    the endpoint (never a key), quoted for a POSIX shell."""
    words = ["jobwatch", command.command]
    fields: Sequence[Any] = ()
    if command.command != WATCH:
        from jobwatch.providers import PROVIDERS

        fields = PROVIDERS[command.command].context_fields
    words += [
        str(command.context[f.name]) for f in fields if not f.flag and f.name in command.context
    ]
    words += command.words
    if command.file is not None:
        words += ["--file", str(command.file)]
    for item in fields:
        value = command.context.get(item.name)
        if item.flag and value:
            words += [item.flag] if item.switch else [item.flag, str(value)]
    for option in SHARED:
        value = getattr(command.access, option.name, None)
        if option.group == "access" and option.name != "api_key" and value:
            words += [option.flags[0], str(value)]
    if command.command != WATCH:
        words.append("--watch")
    return shlex.join(words)


def run_command(command: JobCommand, streams: Streams | None = None) -> int:
    """Check or watch the jobs the command names; the exit code."""
    from jobwatch.run import run

    if command.running:
        from jobwatch.running import find_running

        found = find_running(command, streams)
        if found is None:
            return 0
        command = found
    groups = plan(command)
    options = replace(command.run, reattach_hint=reattach_hint(command))
    return run(groups, options, streams)
