"""The watch loop, which draws nothing: `settings` (what it is given), `schedule` (time, backoff,
host rate gates), `results` (the latest status of every job, cleaned), `rules` (not found yet,
stalled, gates), `job_errors` (why an ended job failed) and `loop` (the Poller). What it yields
is in jobwatch/core/events.py."""

from jobwatch.poll.loop import Poller
from jobwatch.poll.results import JobResults
from jobwatch.poll.schedule import (
    BACKOFF_CAP,
    BACKOFF_START,
    MAX_WAIT,
    SPREAD_ABOVE,
    Clock,
    HostGate,
    RetryPolicy,
    Sleep,
    backoff_delay,
)
from jobwatch.poll.settings import JobGroup, PollSettings

__all__ = [
    "BACKOFF_CAP",
    "BACKOFF_START",
    "MAX_WAIT",
    "SPREAD_ABOVE",
    "Clock",
    "HostGate",
    "JobGroup",
    "JobResults",
    "PollSettings",
    "Poller",
    "RetryPolicy",
    "Sleep",
    "backoff_delay",
]
