"""Our own ETA (jobwatch/render/eta.py): from the recent rate; the provider's own estimate wins."""

from __future__ import annotations

import pytest

from jobwatch.core.models import JobState, JobStatus
from jobwatch.render.eta import EtaEstimator
from tests.render._support import coze, firecrawl


def pages(done: int, total: int) -> JobStatus:
    return firecrawl(completed=done, total=total)


def fraction(progress: float) -> JobStatus:
    return JobStatus(
        provider="zilliz", id="j", state=JobState.RUNNING, status="Importing", progress=progress
    )


def test_no_eta_before_there_is_a_rate():
    eta = EtaEstimator()
    assert eta.eta(0.0) is None
    eta.add(0.0, pages(10, 100))
    assert eta.eta(5.0) is None


def test_eta_from_the_rate_counts_down_between_polls():
    eta = EtaEstimator()
    eta.add(0.0, pages(10, 100))
    eta.add(10.0, pages(30, 100))  # 2 pages/s, 70 to go
    assert eta.eta(10.0) == pytest.approx(35.0)
    assert eta.eta(15.0) == pytest.approx(30.0)
    assert eta.eta(100.0) == 0.0  # late, never negative


def test_eta_from_a_fraction_when_there_are_no_counts():
    eta = EtaEstimator()
    eta.add(0.0, fraction(0.2))
    eta.add(20.0, fraction(0.4))
    assert eta.eta(20.0) == pytest.approx(60.0)


def test_a_growing_total_does_not_break_the_eta():
    # Firecrawl crawls discover pages as they go: the total grows with the count.
    eta = EtaEstimator()
    eta.add(0.0, pages(10, 100))
    eta.add(10.0, pages(20, 200))
    # 1 page/s against the newest total: 180 s.
    assert eta.eta(10.0) == pytest.approx(180.0)
    eta.add(20.0, pages(40, 220))
    assert eta.eta(20.0) == pytest.approx((220 - 40) / (30 / 20))


def test_progress_going_backwards_starts_over():
    eta = EtaEstimator()
    eta.add(0.0, pages(50, 100))
    eta.add(10.0, pages(60, 100))
    eta.add(20.0, pages(5, 100))  # restarted
    assert eta.eta(20.0) is None
    eta.add(30.0, pages(15, 100))
    assert eta.eta(30.0) == pytest.approx(85.0)


def test_no_progress_means_no_eta():
    eta = EtaEstimator()
    eta.add(0.0, pages(10, 100))
    eta.add(30.0, pages(10, 100))
    assert eta.eta(30.0) is None


def test_only_the_recent_rate_counts():
    eta = EtaEstimator()
    eta.add(0.0, pages(0, 100))
    eta.add(200.0, pages(10, 100))  # slow start
    eta.add(210.0, pages(30, 100))  # now 2 pages/s
    # The sample from 210 s ago is out of the window: 70 pages at 2/s, not at 30/210.
    assert eta.eta(210.0) == pytest.approx(35.0)


def test_the_providers_own_estimate_wins_and_counts_down():
    eta = EtaEstimator()
    eta.add(0.0, coze(progress=0.1, eta=None))
    eta.add(10.0, coze(progress=0.2, eta=40.0))  # our rate would say 80 s
    assert eta.eta(10.0) == pytest.approx(40.0)
    assert eta.eta(25.0) == pytest.approx(25.0)
    assert eta.eta(60.0) == 0.0


def test_our_estimate_returns_when_the_provider_stops_giving_one():
    eta = EtaEstimator()
    eta.add(0.0, coze(progress=0.1, eta=None))
    eta.add(10.0, coze(progress=0.2, eta=5.0))
    eta.add(20.0, coze(progress=0.3, eta=None))
    assert eta.eta(20.0) == pytest.approx(70.0)
