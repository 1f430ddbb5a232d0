"""What each job command takes on its command line, made from the option table (options.py)
and the provider table (jobwatch/providers/): the Typer app (jobs.py, cancel.py) and the fast
parser (fastpath.py) both read it, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, replace

from jobwatch.cli.options import REGION, SHARED, Option, table_for
from jobwatch.cli.values import text
from jobwatch.providers import PROVIDERS
from jobwatch.providers.base import Provider, ProviderEntry
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
# The shared options that mean something to a cancel request, and what they mean there.
CANCEL_HELP = {
    "timeout": "Deadline for every cancel request: 90, 90s, 15m, 2h.  [default: 30s]",
    "json": "One JSON document on stdout: each job's provider, id, result and message.",
    "max_retries": "Failed tries of one cancel request tolerated before giving up on it.",
}
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


WATCH_HELP = "Watch jobs at several providers in one view, with one exit code."
# The commands besides the job commands, as the command list shows them, in its order (Typer
# lists a group such as `auth` after the plain commands).
OTHER_COMMANDS = {
    "cancel": "Ask the providers to stop jobs",
    "sim": "Serve a local stand-in for the providers' APIs",
    "demo": "Watch demo jobs of every provider on the simulator",
    "auth": "Store, list and remove API keys",
    "providers": "List the providers, built in and defined, and check tables",
}


def short_help(text: str) -> str:
    """A command's line in the command list: its summary up to the first colon."""
    return text.split(":")[0].rstrip(".")


def command_list() -> list[tuple[str, str]]:
    """Every command and its line in the command list, in order: what `jobwatch --help` lists
    and what shell completion offers for the first word."""
    jobs = [(name, short_help(PROVIDERS[name].summary)) for name in PROVIDERS]
    return [*jobs, (WATCH, short_help(WATCH_HELP)), *OTHER_COMMANDS.items()]


def job_commands() -> list[str]:
    """The commands that check or watch jobs: one per provider, and `watch`."""
    return [*PROVIDERS, WATCH]


def kind_option(entry: ProviderEntry) -> Option:
    """`--kind K`, for a provider with several kinds of job."""
    names = entry.kind_names()
    kinds = "; ".join(f"{cls.kind}: {cls.kind_help}" for cls in entry.kinds)
    return Option(
        "kind",
        ("--kind",),
        f"The kind of job (default {names[0]}). {kinds}.",
        text,
        metavar="|".join(names),
        in_defaults=False,
        choices=names,
    )


def options_of(command: str) -> tuple[Option, ...]:
    """Every option the command takes: `--kind` and the kinds' own options, then the shared
    ones."""
    if command == WATCH:
        shared = table_for(watch_flag=False, region=True)
        return (FILE, *watch_context_options(), *_with_sites(shared, _defaults()))
    if command == CANCEL:
        shared = tuple(
            replace(option, help=CANCEL_HELP.get(option.name, option.help))
            for option in SHARED
            if option.name in CANCEL_OPTIONS
        )
        return (FILE, *watch_context_options(), *_with_sites(shared, _defaults()))
    entry = PROVIDERS[command]
    kinds: tuple[Option, ...] = ()
    if len(entry.kinds) > 1:
        kinds = (kind_option(entry),)
        kinds += tuple(
            Option(cls.kind_switch, (f"--{cls.kind_switch}",), f"Same as --kind {cls.kind}.",
                   in_defaults=False)
            for cls in entry.kinds
            if cls.kind_switch
        )  # fmt: skip
    own: dict[str, Option] = {}
    for cls in entry.kinds:
        for field in cls.context_fields:
            if field.flag and field.flag not in own:
                own[field.flag] = _option(field)
    listing = (RUNNING,) if any(cls.can_list() for cls in entry.kinds) else ()
    default = entry.default
    shared = table_for(watch_flag=True, region=bool(default.regions()))
    # Shown as this provider's default; an interval not given stays None (the kind's own).
    shown = tuple(
        replace(option, default=default.default_interval) if option.name == "interval" else option
        for option in _with_sites(shared, [default])
    )
    return (*kinds, *own.values(), *listing, *shown)


def _defaults() -> list[type[Provider]]:
    return [entry.default for entry in PROVIDERS.values()]


def _with_sites(options: tuple[Option, ...], classes: list[type[Provider]]) -> tuple[Option, ...]:
    """The options with `--region` naming the sites of these providers (`global|cn`)."""
    having = [cls for cls in classes if cls.regions()]
    if not having:
        return options
    sites = tuple(dict.fromkeys(site for cls in having for site in cls.regions()))
    if len(having) == 1:
        (cls,) = having
        help_text = f"The {cls.name} site: {' or '.join(sites)} (default {sites[0]})."
    else:
        each = "; ".join(f"{cls.name}: {' or '.join(cls.regions())}" for cls in having)
        help_text = f"The providers' site ({each})."
    region = replace(REGION, help=help_text, metavar="|".join(sites), choices=sites)
    return tuple(region if option is REGION else option for option in options)


def watch_context_options() -> tuple[Option, ...]:
    """For `watch`: each kind's valued context option (`--cluster-id`), a default for the
    references that name none."""
    found: dict[str, Option] = {}
    for entry in PROVIDERS.values():
        for cls in entry.kinds:
            scopes = {form.scope for form in cls.reference_forms() if form.scope_optional}
            for field in cls.context_fields:
                if field.flag and field.name in scopes and field.flag not in found:
                    found[field.flag] = replace(
                        _option(field),
                        help=f"{field.help} For {cls.name} references that name none.",
                    )
    return tuple(found.values())


def reference_prefixes() -> tuple[str, ...]:
    """`firecrawl:`, `firecrawl-crawl:`, …: every kind's reference prefixes."""
    return tuple(
        f"{form.prefix}:"
        for entry in PROVIDERS.values()
        for cls in entry.kinds
        for form in cls.reference_forms()
    )


def positionals_of(command: str) -> tuple[Positional, ...]:
    """The command's arguments, in order: context arguments (a Coze dataset), then the jobs.
    They are named after the default kind's; another kind reads them in the same places
    (`coze WORKFLOW_ID EXECUTE_ID --kind workflow`)."""
    if command in (WATCH, CANCEL):
        from jobwatch.cli.refs import forms

        return (
            Positional(
                "words", "REF", forms(), many=True, required=False, completions=reference_prefixes()
            ),
        )
    entry = PROVIDERS[command]
    default = entry.default
    firsts = []
    for position, field in enumerate(positional_fields(default)):
        others = [
            _named(cls.kind, own.metavar, own.help)
            for cls in entry.kinds[1:]
            for own in positional_fields(cls)[position : position + 1]
        ]
        firsts.append(Positional(field.name, field.metavar, _per_kind(field.help, others),
                                 many=False))  # fmt: skip
    others = [_named(cls.kind, cls.id_metavar, cls.id_help) for cls in entry.kinds[1:]
              if cls.id_metavar != default.id_metavar]  # fmt: skip
    help_text = _per_kind(default.id_help, others)
    # Optional where --running may stand in for them (read_command asks for one or the other).
    can_list = any(cls.can_list() for cls in entry.kinds)
    ids = Positional("words", default.id_metavar, help_text, many=True, required=not can_list)
    return (*firsts, ids)


def _named(kind: str, metavar: str, help_text: str) -> str:
    """`--kind workflow: WORKFLOW_ID, the workflow`: what an argument is for another kind."""
    return f"--kind {kind}: {metavar}, {help_text[:1].lower()}{help_text[1:].rstrip('.')}"


def _per_kind(help_text: str, others: list[str]) -> str:
    """An argument's help: the default kind's, then what it is for each other kind."""
    return "; ".join([help_text.rstrip("."), *others]) + "." if others else help_text


def positional_fields(cls: type[Provider]) -> tuple[ContextField, ...]:
    """A kind's context fields given as arguments (before the ids), in order."""
    return tuple(field for field in cls.context_fields if not field.flag)


def _option(field: ContextField) -> Option:
    assert field.flag is not None
    return Option(
        field.name, (field.flag,), field.help, convert=text, metavar=field.metavar,
        in_defaults=False,
    )  # fmt: skip
