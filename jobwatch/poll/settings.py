"""What the poll loop is given: job groups and settings (what it yields: core/events.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jobwatch.providers.base import Provider


@dataclass(frozen=True)
class JobGroup:
    """Jobs that share a provider instance (same key, base URL, cluster, dataset)."""

    provider: Provider
    job_ids: Sequence[str]


@dataclass(frozen=True)
class PollSettings:
    """How to poll. `deadline` is an absolute time on the poller's clock."""

    until_terminal: bool
    interval: float | None = None
    deadline: float | None = None
    max_retries: int = 5
    request_timeout: float = 10.0
    fail_fast: bool = False
    max_in_flight: int = 32
    # Round each wake-up up to a multiple of this many seconds (0: exact).
    wake_quantum: float = 0.0
    # Beyond the status word (README: Gates; poll/rules.py): a watched job unchanged
    # this long ends `stalled`; "not found" this long from the start means "not created yet";
    # a succeeded job short of these counts ends `failed`.
    stall_timeout: float | None = None
    wait_for_start: float = 0.0
    min_completed: int | None = None
    min_success: float | None = None
