"""The option table: every option shared by the provider commands and `watch`, written once.

The Typer app (jobwatch/cli/jobs.py), the fast parser (jobwatch/cli/fastpath.py), the
`[defaults]` table of the config file (README: Credentials and config) and RunOptions all read
it. Cheap to import: no Typer, no HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Literal

from jobwatch.cli.values import (
    Convert,
    choice,
    count,
    duration,
    flag,
    output_path,
    ratio,
    seconds,
    site,
    text,
    window,
)
from jobwatch.core.settings import Access, ColorMode, ProgressMode, RunOptions

__all__ = [
    "Access",
    "ColorMode",
    "Option",
    "ProgressMode",
    "RunOptions",
    "SHARED",
    "settle",
]


@dataclass(frozen=True)
class Option:
    """One option: its parameter name, spellings, help, and how its value is read."""

    name: str
    flags: tuple[str, ...]  # the long spelling first
    help: str
    convert: Convert = flag  # `flag`: an on/off switch that takes no value
    default: Any = None
    metavar: str | None = None
    # "run": how to poll and print (RunOptions); "access": which credentials and endpoint.
    group: Literal["run", "access"] = "run"
    # May be set in the config file's [defaults] table (by its long name, e.g. max-retries).
    in_defaults: bool = True
    choices: tuple[str, ...] = ()

    @property
    def is_flag(self) -> bool:
        return self.convert is flag

    @property
    def long_name(self) -> str:
        return self.flags[0].removeprefix("--")


def one_of(
    enum: type[StrEnum], name: str, flags: tuple[str, ...], help: str, **more: Any
) -> Option:
    """An option whose value is one of an enum's words."""
    words = tuple(member.value for member in enum)
    return Option(name, flags, help, choice(enum), metavar="|".join(words), choices=words, **more)


WATCH = Option("watch", ("--watch", "-w"), "Poll until every job reaches a terminal state.")
# Each command shows its providers' own site names (commands.region_option).
REGION = Option(
    "region",
    ("--region",),
    "The provider's site.",
    site,
    metavar="SITE",
    group="access",
    in_defaults=False,
)
SHARED: tuple[Option, ...] = (
    Option(
        "interval",
        ("--interval", "-i"),
        "Time between polls of one job (each provider has its own default).",
        seconds,
        metavar="SECONDS",
    ),
    Option(
        "timeout",
        ("--timeout", "-t"),
        "Deadline: 90, 90s, 15m, 2h. Default 30s for a one-off check; for --watch none, "
        "or 6h when CI is set.",
        duration,
        metavar="DURATION",
    ),
    Option("json", ("--json",), "One JSON document on stdout (NDJSON events with --watch)."),
    Option("quiet", ("--quiet", "-q"), "Print nothing but errors; the exit code tells."),
    one_of(
        ProgressMode,
        "progress",
        ("--progress",),
        "How progress is drawn on stderr: auto = live bars on a terminal, plain lines "
        "otherwise; none = nothing while jobs run, only the summary line and the reasons at "
        "the end.",
        default=ProgressMode.AUTO,
    ),
    one_of(
        ColorMode,
        "color",
        ("--color",),
        "Colour; honours NO_COLOR and FORCE_COLOR.",
        default=ColorMode.AUTO,
    ),
    Option("fail_fast", ("--fail-fast",), "With several jobs: stop at the first failed job."),
    Option(
        "profile",
        ("--profile",),
        "Credential profile (default: $JOBWATCH_PROFILE, else the config file's "
        "default_profile, else default).",
        text,
        metavar="NAME",
        group="access",
        in_defaults=False,
    ),
    Option(
        "api_key",
        ("--api-key",),
        "Credential for this run (prefer env or `auth set`: flags land in shell history).",
        text,
        metavar="KEY",
        group="access",
        in_defaults=False,
    ),
    Option(
        "base_url",
        ("--base-url",),
        "Another endpoint: self-hosted Firecrawl or Milvus, or `jobwatch sim` "
        "(scheme, host and port; no /v1 or /v2).",
        text,
        metavar="URL",
        group="access",
        in_defaults=False,
    ),
    REGION,
    Option(
        "max_retries",
        ("--max-retries",),
        "Consecutive failed polls of one job tolerated before giving up on it.",
        count,
        5,
        "N",
    ),
    Option(
        "request_timeout", ("--request-timeout",), "Per HTTP request.", seconds, 10.0, "SECONDS"
    ),
    Option(
        "debug", ("--debug",), "Log each HTTP request and response status to stderr (redacted)."
    ),
    # -- beyond the status word (README: Gates) --
    Option(
        "stall_timeout",
        ("--stall-timeout",),
        "With --watch: a job whose status, counts and parts have not changed for this long "
        "ends as stalled (exit 5). Default: off.",
        duration,
        metavar="DURATION",
    ),
    Option(
        "wait_for_start",
        ("--wait-for-start",),
        '"Not found" is taken as "not created yet" for this long from the start of the run. '
        "Default: 30s with --watch, 0 for a one-off check.",
        window,
        metavar="DURATION",
    ),
    Option(
        "min_completed",
        ("--min-completed",),
        "A job that succeeds with fewer than N done units (pages, rows, files) counts as failed.",
        count,
        metavar="N",
    ),
    Option(
        "min_success",
        ("--min-success",),
        "A job that succeeds with done/total below RATIO (0..1) counts as failed.",
        ratio,
        metavar="RATIO",
    ),
    Option(
        "notify",
        ("--notify",),
        "With --watch: when a run of at least 10 s ends, ring the bell on a terminal and send a "
        "desktop notification where the system has a notifier.",
    ),
    Option(
        "on_job_end",
        ("--on-job-end",),
        "With --watch: run CMD (through the shell) as each job ends, with JOBWATCH_PROVIDER, "
        "JOBWATCH_JOB_ID, JOBWATCH_STATE, JOBWATCH_STATUS and JOBWATCH_JOB set; its output goes "
        "to stderr and its exit code never changes jobwatch's.",
        text,
        metavar="CMD",
    ),
    Option(
        "cancel_on_timeout",
        ("--cancel-on-timeout",),
        "Before exiting 124, cancel the jobs that are not finished (within 10 s).",
    ),
    Option(
        "cancel_on_interrupt",
        ("--cancel-on-interrupt",),
        "Before exiting 130 (or 143, 129), cancel the jobs that are not finished (within 10 s).",
    ),
    # -- files for CI (README: CI recipes); a path per run, so not in [defaults] --
    Option(
        "summary_file",
        ("--summary-file",),
        "At the end, write the run's Markdown summary (a Mermaid chart of the run with --watch, "
        "then the table of jobs) to PATH, atomically; never changes the exit code.",
        output_path,
        metavar="PATH",
        in_defaults=False,
    ),
    Option(
        "jobs_out",
        ("--jobs-out",),
        "At the end, write the final JOB list and the exit code as JSON (as a one-off --json "
        "check prints them) to PATH, atomically; never changes the exit code.",
        output_path,
        metavar="PATH",
        in_defaults=False,
    ),
)


def table_for(*, watch_flag: bool, region: bool) -> tuple[Option, ...]:
    """The shared options one command takes."""
    chosen = tuple(option for option in SHARED if region or option is not REGION)
    return (WATCH, *chosen) if watch_flag else chosen


ALL_OPTIONS = (WATCH, *SHARED)
DEFAULTS_KEYS = {option.long_name: option for option in ALL_OPTIONS if option.in_defaults}


def settle(
    given: Mapping[str, Any], defaults: Mapping[str, Any], where: str
) -> tuple[RunOptions, Access]:
    """RunOptions and Access from the command line's values (None or False: not given), the
    config file's [defaults] table (`where` names the file) and the built-in defaults."""
    values: dict[str, Any] = {}
    for option in ALL_OPTIONS:
        value = given.get(option.name)
        if value is not None and value is not False:
            values[option.name] = option.convert(value, option.flags[0])
        elif option.in_defaults and option.long_name in defaults:
            key = option.long_name
            values[option.name] = option.convert(defaults[key], f"[defaults] {key} in {where}")
        else:
            values[option.name] = option.default
    run_names = {item.name for item in fields(RunOptions)}
    run = RunOptions(**{name: value for name, value in values.items() if name in run_names})
    access = Access(
        **{option.name: values[option.name] for option in SHARED if option.group == "access"}
    )
    return run, access


def unknown_defaults(defaults: Mapping[str, Any]) -> list[str]:
    """Keys of a [defaults] table that name no option (each gets one warning)."""
    return [key for key in defaults if key not in DEFAULTS_KEYS]
