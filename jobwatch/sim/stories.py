"""Job stories: the timelines and faults an id's suffix asks for (jobbook.py runs them).

A story is a timeline in *story seconds*; `--speed` divides every duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

T = TypeVar("T")


class Phase(Enum):
    """Provider-neutral stage of a simulated job; each provider turns it into its own words."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    # Waiting for someone's action, not done, never moves: a Milvus two-phase import waiting
    # for /commit, a Coze chat waiting for tool outputs.
    PAUSED = "paused"
    CANCELLED = "cancelled"  # cancelled (Milvus: aborted) by a request; terminal


TERMINAL = frozenset({Phase.SUCCEEDED, Phase.FAILED, Phase.CANCELLED})


def phase_words(pending: T, running: T, succeeded: T, failed: T, cancelled: T) -> dict[Phase, T]:
    """A provider's words (or codes) for every phase; a paused job (a Milvus two-phase import
    waiting for /commit) reads as a running one."""
    return {
        Phase.PENDING: pending,
        Phase.RUNNING: running,
        Phase.PAUSED: running,
        Phase.SUCCEEDED: succeeded,
        Phase.FAILED: failed,
        Phase.CANCELLED: cancelled,
    }


class Fault(Enum):
    """What goes wrong with one request before the provider's application answers it."""

    RATE_LIMITED = "429"  # HTTP 429, Retry-After: 1, the provider's rate-limit body
    SERVER_ERROR = "500"  # HTTP 500 with the provider's error body
    BAD_GATEWAY = "502"  # HTTP 502, plain text from a load balancer
    UNAVAILABLE = "503"  # HTTP 503, plain text from a load balancer
    PROXY_PAGE = "proxy"  # HTTP 502, an HTML page from a proxy
    DROP = "drop"  # the connection is closed without any response


@dataclass(frozen=True)
class Timeline:
    """Pending until `pending_until`, running until `ends_at`, then `outcome` (story seconds)."""

    pending_until: float
    ends_at: float
    outcome: Phase
    end_fraction: float = 1.0  # how far the work got when the outcome arrived

    def fraction_at(self, t: float) -> float:
        if t <= self.pending_until:
            return 0.0
        if t >= self.ends_at:
            return self.end_fraction
        run = (t - self.pending_until) / (self.ends_at - self.pending_until)
        return run * self.end_fraction

    def time_at_fraction(self, fraction: float) -> float:
        """Story second at which the running work reached `fraction` (of the whole job)."""
        share = min(fraction / self.end_fraction, 1.0) if self.end_fraction else 1.0
        return self.pending_until + share * (self.ends_at - self.pending_until)


@dataclass(frozen=True)
class Story:
    """A named story: its timeline and the faults its first requests meet."""

    name: str
    timeline: Timeline
    faults: tuple[Fault, ...] = ()
    gone: bool = False
    big: bool = False
    late_until: float = 0.0  # not found until this story second
    partial: bool = False  # succeeds with some pages/rows failed (Firecrawl, Milvus)
    startfail: bool = False  # Firecrawl: the HTTP 200 `success: false` kick-off failure


_NORMAL = Timeline(pending_until=1.0, ends_at=10.0, outcome=Phase.SUCCEEDED)
_FAIL = Timeline(1.0, 5.0, Phase.FAILED, end_fraction=0.4)

STORIES: dict[str, Story] = {
    "default": Story("default", _NORMAL),
    "fail": Story("fail", _FAIL),
    "startfail": Story("startfail", _FAIL, startfail=True),
    "partial": Story("partial", _NORMAL, partial=True),
    # Runs to 40 % at 4.6 s (as the default story would), then nothing changes, ever.
    "stall": Story("stall", Timeline(1.0, 4.6, Phase.RUNNING, end_fraction=0.4)),
    # Not found for 3 s, then the default story, 3 s later.
    "late": Story("late", Timeline(4.0, 13.0, Phase.SUCCEEDED), late_until=3.0),
    "slow": Story("slow", Timeline(5.0, 600.0, Phase.SUCCEEDED)),
    "429": Story("429", _NORMAL, faults=(Fault.RATE_LIMITED,)),
    "500": Story("500", _NORMAL, faults=(Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.UNAVAILABLE)),
    "flaky": Story("flaky", _NORMAL, faults=(Fault.PROXY_PAGE, Fault.DROP)),
    "gone": Story("gone", _NORMAL, gone=True),
    "big": Story("big", _NORMAL, big=True),
    "uncommitted": Story("uncommitted", Timeline(1.0, 10.0, Phase.PAUSED, end_fraction=0.99)),
    # Runs for 3 s, then waits for tool outputs (`requires_action`) and stays there.
    "action": Story("action", Timeline(1.0, 4.0, Phase.PAUSED, end_fraction=0.5)),
}

# Suffixes that only mean something at some providers; elsewhere the id runs the default story.
_PROVIDER_ONLY = {"big": {"firecrawl"}, "uncommitted": {"milvus"}, "action": {"coze-chat"}}


def story_for(provider: str, job_id: str) -> Story:
    """The story a job id asks for by its suffix (`-fail`, `-slow`, ...); else the default."""
    for name, story in STORIES.items():
        if job_id.endswith(f"-{name}") and provider in _PROVIDER_ONLY.get(name, {provider}):
            return story
    return STORIES["default"]
