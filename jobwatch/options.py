"""The option table: every option shared by the provider commands and `watch`, written once.

The Typer app (jobwatch/cli_jobs.py), the fast parser (jobwatch/fastargs.py), the `[defaults]`
table of the config file (PRODUCT.md section 5) and RunOptions all read it. Cheap to import:
no Typer, no HTTP.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Literal

from jobwatch.errors import UsageError


class ProgressMode(StrEnum):
    AUTO = "auto"
    LIVE = "live"
    PLAIN = "plain"
    NONE = "none"


class Region(StrEnum):
    GLOBAL = "global"
    CN = "cn"


class ColorMode(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


# A one-off check gives up after this long in all; a watch in CI after CI_TIMEOUT.
ONEOFF_TIMEOUT = 30.0
CI_TIMEOUT = 6 * 3600.0

# What a converter gets: a word from the command line, or a value from the config file.
Raw = str | int | float | bool
Convert = Callable[[Raw, str], Any]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")


def duration(value: Raw, where: str) -> float:
    """`90`, `90s`, `15m`, `2h` → seconds, more than zero."""
    match = _DURATION.match(str(value)) if not isinstance(value, bool) else None
    if not match:
        raise UsageError(f"{where} {value!r} is not a duration: use e.g. 90, 90s, 15m or 2h")
    seconds = float(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600}[match[2]]
    if not 0 < seconds < math.inf:
        raise UsageError(f"{where} must be more than 0 (e.g. 90s, 15m or 2h)")
    return seconds


def seconds(value: Raw, where: str) -> float:
    """A number of seconds, more than zero."""
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except ValueError:
        number = math.nan
    if not 0 < number < math.inf:
        raise UsageError(f"{where} must be a number of seconds more than 0, not {value!r}")
    return number


def count(value: Raw, where: str) -> int:
    """A whole number, zero or more."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    if not text.isdigit() or not text.isascii():
        raise UsageError(f"{where} must be a whole number (0 or more), not {value!r}")
    return int(text)


def text(value: Raw, where: str) -> str:
    return str(value)


def choice(enum: type[StrEnum]) -> Convert:
    def convert(value: Raw, where: str) -> StrEnum:
        try:
            return enum(str(value))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise UsageError(f"{where} must be one of {allowed}, not {value!r}") from None

    return convert


def flag(value: Raw, where: str) -> bool:
    if not isinstance(value, bool):
        raise UsageError(f"{where} must be true or false, not {value!r}")
    return value


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
REGION = one_of(
    Region,
    "region",
    ("--region",),
    "The provider's global or China (cn) site (zilliz and coze).",
    group="access",
    in_defaults=False,
)
SHARED: tuple[Option, ...] = (
    Option(
        "interval",
        ("--interval", "-i"),
        "Time between polls of one job (default per provider: "
        "brightdata 10, zilliz 5, coze 3, firecrawl 2).",
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
        "How progress is drawn on stderr: live bars on a terminal, plain lines otherwise.",
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
)


@dataclass(frozen=True)
class RunOptions:
    """How to poll and print: the "run" options of the table, already read and checked."""

    watch: bool = False
    interval: float | None = None
    timeout: float | None = None
    json: bool = False
    quiet: bool = False
    progress: ProgressMode = ProgressMode.AUTO
    color: ColorMode = ColorMode.AUTO
    fail_fast: bool = False
    max_retries: int = 5
    request_timeout: float = 10.0
    debug: bool = False
    reattach_hint: str | None = None

    def deadline_seconds(self, env: Mapping[str, str]) -> float | None:
        """--timeout; else 30 s for a one-off check, and for a watch none (6 h when CI is set)."""
        if self.timeout is not None:
            return self.timeout
        if not self.watch:
            return ONEOFF_TIMEOUT
        return CI_TIMEOUT if env.get("CI") else None


@dataclass(frozen=True)
class Access:
    """Which credentials and endpoint: the "access" options of the table."""

    profile: str | None = None
    api_key: str | None = None
    base_url: str | None = None
    region: Region | None = None


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
