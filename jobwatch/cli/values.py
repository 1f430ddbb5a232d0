"""Reading option values, from a command-line word or a config-file value: durations,
seconds, counts, ratios, choices and switches. Each error names where the value came from."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from jobwatch.core.errors import UsageError

# What a converter gets: a word from the command line, or a value from the config file.
Raw = str | int | float | bool
Convert = Callable[[Raw, str], Any]


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")


def duration(value: Raw, where: str) -> float:
    """`90`, `90s`, `15m`, `2h` → seconds, more than zero."""
    seconds = _duration(value, where)
    if not seconds:
        raise UsageError(f"{where} must be more than 0 (e.g. 90s, 15m or 2h)")
    return seconds


def window(value: Raw, where: str) -> float:
    """A duration that may be 0 (`--wait-for-start 0`: no window at all)."""
    return _duration(value, where)


def _duration(value: Raw, where: str) -> float:
    match = _DURATION.match(str(value)) if not isinstance(value, bool) else None
    if not match:
        raise UsageError(f"{where} {value!r} is not a duration: use e.g. 90, 90s, 15m or 2h")
    seconds = float(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600}[match[2]]
    if not seconds < math.inf:
        raise UsageError(f"{where} must be less than forever (e.g. 90s, 15m or 2h)")
    return seconds


def _number(value: Raw) -> float:
    """The value as a number; NaN when it is none (so that every range check refuses it)."""
    try:
        return float(value) if not isinstance(value, bool) else math.nan
    except ValueError:
        return math.nan


def seconds(value: Raw, where: str) -> float:
    """A number of seconds, more than zero."""
    number = _number(value)
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


def output_path(value: Raw, where: str) -> str:
    """A file to write: a path, not empty and without a NUL or another control character."""
    path = str(value) if not isinstance(value, bool) else ""
    if not path.strip():
        raise UsageError(f"{where} must name a file")
    if any(ord(char) < 32 or ord(char) == 127 for char in path):
        raise UsageError(f"{where}: a file name with a control character is refused")
    return path


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


def ratio(value: Raw, where: str) -> float:
    """A fraction from 0 to 1."""
    number = _number(value)
    if not 0 <= number <= 1:
        raise UsageError(f"{where} must be a number from 0 to 1 (e.g. 0.95), not {value!r}")
    return number
