"""Our own ETA: from the recent rate of progress (Rich's estimate drops its samples whenever
a total grows, as Firecrawl's does). A provider's own estimate (Coze) wins when given."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from jobwatch.core.models import JobStatus

WINDOW_SECONDS = 120.0
MAX_SAMPLES = 30


@dataclass
class EtaEstimator:
    """Samples of (time, amount done, amount in all) for one job."""

    samples: deque[tuple[float, float, float]] = field(
        default_factory=lambda: deque(maxlen=MAX_SAMPLES)
    )
    provider_eta: tuple[float, float] | None = None  # (when, seconds left)

    def add(self, now: float, job: JobStatus) -> None:
        if job.eta_seconds is not None:
            self.provider_eta = (now, job.eta_seconds)
        else:
            self.provider_eta = None
        if job.completed is not None and job.total:
            done, whole = float(job.completed), float(job.total)
        elif job.progress is not None:
            done, whole = job.progress, 1.0
        else:
            return
        if self.samples and done < self.samples[-1][1]:
            self.samples.clear()  # progress went backwards: start over
        self.samples.append((now, done, whole))
        while self.samples and now - self.samples[0][0] > WINDOW_SECONDS and len(self.samples) > 2:
            self.samples.popleft()

    def eta(self, now: float) -> float | None:
        """Seconds left, or None when there is no rate to go by."""
        if self.provider_eta is not None:
            when, left = self.provider_eta
            return max(0.0, left - (now - when))
        if len(self.samples) < 2:
            return None
        t0, done0, _ = self.samples[0]
        t1, done1, whole = self.samples[-1]
        if t1 <= t0 or done1 <= done0:
            return None
        rate = (done1 - done0) / (t1 - t0)
        return max(0.0, (whole - done1) / rate - (now - t1))
