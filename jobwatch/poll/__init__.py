"""The poll loop, in small rooms: `events` (what goes in and out), `schedule` (time, backoff,
host rate gates), `book` (the latest status of every job, cleaned), `loop` (the Poller)."""

from jobwatch.poll.book import JobBook
from jobwatch.poll.events import (
    Event,
    JobGroup,
    PollSettings,
    RetryEvent,
    StatusEvent,
    WarningEvent,
)
from jobwatch.poll.loop import Poller
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
from jobwatch.sanitize import MIN_SECRET

__all__ = [
    "BACKOFF_CAP",
    "BACKOFF_START",
    "MAX_WAIT",
    "MIN_SECRET",
    "SPREAD_ABOVE",
    "Clock",
    "Event",
    "HostGate",
    "JobBook",
    "JobGroup",
    "PollSettings",
    "Poller",
    "RetryEvent",
    "Sleep",
    "StatusEvent",
    "WarningEvent",
    "backoff_delay",
]
