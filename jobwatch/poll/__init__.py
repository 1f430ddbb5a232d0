"""The poll loop, in small rooms: `events` (what goes in and out), `schedule` (time, backoff,
host rate gates), `book` (the latest status of every job, cleaned), `loop` (the Poller)."""

from jobwatch.core.sanitize import MIN_SECRET
from jobwatch.poll.loop import Poller
from jobwatch.poll.results import JobResults
from jobwatch.poll.schedule import (
    BACKOFF_CAP,
    BACKOFF_START,
    MAX_WAIT,
    SPREAD_ABOVE,
    Clock,
    HostGate,
    Sleep,
    backoff_delay,
)
from jobwatch.poll.settings import (
    Event,
    JobGroup,
    PollSettings,
    RetryEvent,
    StatusEvent,
    WarningEvent,
)

__all__ = [
    "BACKOFF_CAP",
    "BACKOFF_START",
    "MAX_WAIT",
    "MIN_SECRET",
    "SPREAD_ABOVE",
    "Clock",
    "Event",
    "HostGate",
    "JobResults",
    "JobGroup",
    "PollSettings",
    "Poller",
    "RetryEvent",
    "Sleep",
    "StatusEvent",
    "WarningEvent",
    "backoff_delay",
]
