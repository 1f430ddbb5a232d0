"""What a run was asked to do, read and checked: how to poll and print (RunOptions), and which
credentials and endpoint (Access). The command line fills them from its option table
(jobwatch/cli/options.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ProgressMode(StrEnum):
    AUTO = "auto"
    LIVE = "live"
    PLAIN = "plain"
    NONE = "none"


class ColorMode(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


# A one-off check gives up after this long in all; a watch in CI after CI_TIMEOUT.
ONEOFF_TIMEOUT = 30.0
CI_TIMEOUT = 6 * 3600.0
# How long "not found" means "not created yet" in a watch (README: Gates).
WAIT_FOR_START = 30.0


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
    stall_timeout: float | None = None
    wait_for_start: float | None = None  # None: the default for the mode (wait_for_start_seconds)
    min_completed: int | None = None
    min_success: float | None = None
    notify: bool = False
    on_job_end: str | None = None
    cancel_on_timeout: bool = False
    cancel_on_interrupt: bool = False
    summary_file: str | None = None  # --summary-file PATH
    jobs_out: str | None = None  # --jobs-out PATH
    reattach_hint: str | None = None
    # The jobs are the run's own and stop with it (`jobwatch demo`'s simulator).
    jobs_end_with_run: bool = False

    def deadline_seconds(self, env: Mapping[str, str]) -> float | None:
        """--timeout; else 30 s for a one-off check, and for a watch none (6 h when CI is set)."""
        if self.timeout is not None:
            return self.timeout
        if not self.watch:
            return ONEOFF_TIMEOUT
        return CI_TIMEOUT if env.get("CI") else None

    def wait_for_start_seconds(self) -> float:
        """--wait-for-start; else 30 s for a watch and 0 for a one-off check."""
        if self.wait_for_start is not None:
            return self.wait_for_start
        return WAIT_FOR_START if self.watch else 0.0


@dataclass(frozen=True)
class Access:
    """Which credentials and endpoint: the "access" options of the table."""

    profile: str | None = None
    api_key: str | None = None
    base_url: str | None = None
    region: str | None = None  # one of the provider's sites (`Provider.regions()`)


@dataclass(frozen=True)
class ProviderSettings:
    """What one provider needs to be called, after the lookup order has been applied."""

    api_key: str | None
    api_key_source: str | None
    base_url: str | None
    region: str | None
    profile: str
    base_url_source: str | None = None  # where the base URL came from, for messages
    # The profile's values of the kind's `in_profile` context fields (Zilliz's cluster_id).
    stored: Mapping[str, str] = field(default_factory=dict)
