"""The options shared by every provider command and by `watch`: cheap to import, so the CLI
can declare them without loading the HTTP and rendering machinery."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


@dataclass(frozen=True)
class RunOptions:
    """The options shared by every provider command and by `watch`, already validated."""

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
