"""What each job command takes on its command line, made from the option table (options.py)
and the provider table (providers/): the Typer app (jobs.py, cancel.py) and the fast parser
(fastpath.py) both read it, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, replace

from jobwatch.cli.options import SHARED, Option, table_for
from jobwatch.cli.values import flag, text
from jobwatch.providers import PROVIDERS
from jobwatch.providers.spec import ContextField

FILE = Option(
    "file",
    ("--file", "-f"),
    "[[job]] tables: provider, id, and the provider's keys (see README: jobs file).",
    text,
    metavar="JOBS.TOML",
    in_defaults=False,
)

WATCH = "watch"
CANCEL = "cancel"
# The shared options that mean something to a cancel request.
CANCEL_OPTIONS = (
    "timeout",
    "json",
    "quiet",
    "profile",
    "api_key",
    "base_url",
    "region",
    "max_retries",
    "request_timeout",
    "debug",
)

RUNNING = Option(
    "running",
    ("--running",),
    "Instead of job ids: the jobs the provider lists as not finished (see README: finding and "
    "cancelling jobs).",
    in_defaults=False,
)


@dataclass(frozen=True)
class Positional:
    """A command-line argument: one word (`many=False`) or one or more."""

    name: str
    metavar: str
    help: str
    many: bool
    required: bool = True
    completions: tuple[str, ...] = ()  # what shell completion offers


def job_commands() -> list[str]:
    """The commands that check or watch jobs: one per provider, and `watch`."""
    return [*PROVIDERS, WATCH]


def options_of(command: str) -> tuple[Option, ...]:
    """Every option the command takes: its provider's context options, then the shared ones."""
    if command == WATCH:
        return (FILE, *watch_context_options(), *table_for(watch_flag=False, region=True))
    if command == CANCEL:
        shared = tuple(option for option in SHARED if option.name in CANCEL_OPTIONS)
        return (FILE, *watch_context_options(), *shared)
    cls = PROVIDERS[command]
    own = tuple(_option(field) for field in cls.context_fields if field.flag)
    listing = (RUNNING,) if cls.can_list() else ()
    shared = table_for(watch_flag=True, region=bool(cls.regions()))
    # Shown as this provider's default; an interval not given stays None (the provider's own).
    shown = tuple(
        replace(option, default=cls.default_interval) if option.name == "interval" else option
        for option in shared
    )
    return (*own, *listing, *shown)


def watch_context_options() -> tuple[Option, ...]:
    """For `watch`: each provider's valued context option (`--cluster-id`), a default for the
    references that name none."""
    found: dict[str, Option] = {}
    for cls in PROVIDERS.values():
        scopes = {form.scope for form in cls.reference_forms() if form.scope_optional}
        for field in cls.context_fields:
            if field.flag and field.name in scopes and field.flag not in found:
                found[field.flag] = replace(
                    _option(field), help=f"{field.help} For {cls.name} references that name none."
                )
    return tuple(found.values())


def positionals_of(command: str) -> tuple[Positional, ...]:
    """The command's arguments, in order: context arguments (a Coze dataset), then the jobs."""
    if command in (WATCH, CANCEL):
        from jobwatch.cli.refs import forms

        prefixes = tuple(
            f"{form.prefix}:" for cls in PROVIDERS.values() for form in cls.reference_forms()
        )
        return (
            Positional("words", "REF", forms(), many=True, required=False, completions=prefixes),
        )
    cls = PROVIDERS[command]
    firsts = tuple(
        Positional(field.name, field.metavar, field.help, many=False)
        for field in cls.context_fields
        if not field.flag
    )
    # Optional where --running may stand in for them (read_command asks for one or the other).
    ids = Positional("words", cls.id_metavar, "The jobs' ids.", many=True, required=False)
    if not cls.can_list():
        ids = Positional("words", cls.id_metavar, "The jobs' ids.", many=True)
    return (*firsts, ids)


def _option(field: ContextField) -> Option:
    assert field.flag is not None
    return Option(
        field.name,
        (field.flag,),
        field.help,
        convert=flag if field.switch else text,
        metavar=None if field.switch else field.metavar,
        in_defaults=False,
    )
