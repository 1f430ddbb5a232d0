"""Our own ETA (jobwatch/render/eta.py): from the recent rate; the provider's own estimate wins."""

from __future__ import annotations

import pytest

from jobwatch.core.models import JobState, JobStatus
from jobwatch.render.eta import EtaEstimator, rate_text
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
    assert eta.eta(100.0) is None  # overdue: no `eta 0s` for a job still running


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
    assert eta.eta(60.0) is None  # its estimate ran out: nothing invented


def test_our_estimate_returns_when_the_provider_stops_giving_one():
    eta = EtaEstimator()
    eta.add(0.0, coze(progress=0.1, eta=None))
    eta.add(10.0, coze(progress=0.2, eta=5.0))
    eta.add(20.0, coze(progress=0.3, eta=None))
    assert eta.eta(20.0) == pytest.approx(70.0)


def test_no_eta_from_a_single_answer_even_one_halfway():
    eta = EtaEstimator(stale_after=6.0)
    eta.add(0.0, pages(52, 100))
    assert eta.eta(0.0) is None and eta.eta(10.0) is None
    assert eta.rate(0.0) is None


def test_no_eta_or_rate_once_nothing_moved_for_three_intervals():
    """`52% … eta 0s`, then `eta 32s` while nothing moves (issue 23): a stalled job shows none."""
    eta = EtaEstimator(stale_after=3 * 2.0)  # Firecrawl polls every 2 s
    eta.add(0.0, pages(10, 100))
    eta.add(2.0, pages(52, 100))  # 21 pages/s
    assert eta.eta(2.0) == pytest.approx(48 / 21)
    assert eta.rate(2.0) == pytest.approx(21.0)
    assert eta.eta(7.9) is None  # overdue
    assert eta.rate(7.9) == pytest.approx(21.0)
    assert eta.rate(8.1) is None and eta.eta(8.1) is None  # 3 intervals without a change
    # A later answer that says the same (its status word changed, say) brings nothing back.
    eta.add(9.0, pages(52, 100).replace(status="paused"))
    assert eta.eta(9.0) is None and eta.rate(9.0) is None
    eta.add(10.0, pages(60, 100))  # it moves again
    assert eta.rate(10.0) is not None and eta.eta(10.0) is not None


def test_the_providers_estimate_is_dropped_too_when_nothing_moves():
    eta = EtaEstimator(stale_after=9.0)
    eta.add(0.0, coze(progress=0.52, eta=32.0))
    assert eta.eta(3.0) == pytest.approx(29.0)
    eta.add(6.0, coze(progress=0.52, eta=32.0))
    assert eta.eta(9.5) is None


@pytest.mark.parametrize(
    ("rate", "unit", "text"),
    [
        (12.4, "pages", "12 pages/s"),
        (1.5, "rows", "1.5 rows/s"),
        (0.5, "files", "30 files/min"),
        (0.001, "files", "<1 files/min"),
        (123456.0, "rows", "123k rows/s"),
        (12.0, None, "12/s"),
    ],
)
def test_a_rate_reads_like_pips(rate, unit, text):
    assert rate_text(rate, unit) == text
