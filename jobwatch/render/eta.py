"""Our own ETA and rate: from the recent rate of progress (Rich's estimate drops its samples
whenever a total grows, as Firecrawl's does). A provider's own estimate (Coze) wins when given.

Nothing is invented: no ETA or rate from a single answer, none once nothing has moved for
`stale_after` seconds (three poll intervals in the live view), and no ETA that has run out
(`eta 0s` for a job that is still running is a guess gone wrong, not a fact)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from jobwatch.core.models import JobStatus

WINDOW_SECONDS = 120.0
MAX_SAMPLES = 30


@dataclass
class EtaEstimator:
    """Samples of (time, amount done, amount in all) for one job, and of its counts."""

    stale_after: float | None = None  # seconds without a change after which nothing is shown
    samples: deque[tuple[float, float, float]] = field(
        default_factory=lambda: deque(maxlen=MAX_SAMPLES)
    )
    counts: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=MAX_SAMPLES))
    provider_eta: tuple[float, float] | None = None  # (when, seconds left)
    moved_at: float | None = None  # when the amount done last changed (or was first read)
    last_done: float | None = None

    def add(self, now: float, job: JobStatus) -> None:
        if job.completed is not None and job.total:
            done, whole = float(job.completed), float(job.total)
        elif job.progress is not None:
            done, whole = job.progress, 1.0
        else:
            done, whole = -1.0, 0.0  # no numbers: only the provider's own estimate
        if self.moved_at is None or done != self.last_done:
            self.moved_at, self.last_done = now, done
        self.provider_eta = None if job.eta_seconds is None else (now, job.eta_seconds)
        if job.completed is not None:
            if self.counts and job.completed < self.counts[-1][1]:
                self.counts.clear()
            self.counts.append((now, job.completed))
            _trim(self.counts, now)
        if whole <= 0:
            return
        if self.samples and done < self.samples[-1][1]:
            self.samples.clear()  # progress went backwards: start over
        self.samples.append((now, done, whole))
        _trim(self.samples, now)

    def stale(self, now: float) -> bool:
        """Nothing has moved for `stale_after` seconds."""
        if self.stale_after is None or self.moved_at is None:
            return False
        return now - self.moved_at > self.stale_after

    def eta(self, now: float) -> float | None:
        """Seconds left, or None when there is nothing honest to say."""
        if self.stale(now):
            return None
        if self.provider_eta is not None:
            when, left = self.provider_eta
            return _left(left - (now - when))
        if len(self.samples) < 2:
            return None
        t0, done0, _ = self.samples[0]
        t1, done1, whole = self.samples[-1]
        if t1 <= t0 or done1 <= done0:
            return None
        rate = (done1 - done0) / (t1 - t0)
        return _left((whole - done1) / rate - (now - t1))

    def rate(self, now: float) -> float | None:
        """Units (pages, rows, files) per second over the recent samples; None without two
        different counts, or once nothing has moved for a while."""
        if self.stale(now) or len(self.counts) < 2:
            return None
        t0, done0 = self.counts[0]
        t1, done1 = self.counts[-1]
        if t1 <= t0 or done1 <= done0:
            return None
        return (done1 - done0) / (t1 - t0)


def _left(seconds: float) -> float | None:
    """An estimate that has run out is no estimate."""
    return seconds if seconds >= 0.5 else None


def _trim(samples: deque[Any], now: float) -> None:
    while samples and now - samples[0][0] > WINDOW_SECONDS and len(samples) > 2:
        samples.popleft()


def rate_text(rate: float, unit: str | None) -> str:
    """`12 pages/s`, `1.5 rows/s`, `40 files/min`, `12k rows/s`."""
    per = f" {unit}" if unit else ""
    if rate >= 10_000:
        return f"{rate / 1000:.0f}k{per}/s"
    if rate >= 10:
        return f"{rate:.0f}{per}/s"
    if rate >= 1:
        return f"{rate:.1f}{per}/s"
    per_minute = rate * 60
    return f"{per_minute:.0f}{per}/min" if per_minute >= 1 else f"<1{per}/min"
