"""Progress from counts and percents (jobwatch/models.py): impossible values give
`progress: null`, never an exception (issue 10 point 2)."""

from __future__ import annotations

import math

import pytest

from jobwatch.core import exitcodes
from jobwatch.core.models import percent_to_fraction, ratio
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.firecrawl import BatchScrape
from tests.watchkit import Reply, settings, watch

HUGE = 10**400


@pytest.mark.parametrize(
    ("completed", "total", "progress"),
    [
        (40, 100, 0.4),
        (0, 100, 0.0),
        (100, 100, 1.0),
        (None, 100, None),
        (5, None, None),
        (5, 0, None),
        (150, 100, None),  # completed over total
        (-1, 100, None),
        (1, -5, None),
        (-1, -5, None),
        (HUGE, HUGE, None),
        (1, HUGE, None),
        (math.nan, 100, None),
        (1, math.nan, None),
        (math.inf, math.inf, None),
        (1, math.inf, None),
    ],
)
def test_ratio(completed, total, progress):
    assert ratio(completed, total) == progress


@pytest.mark.parametrize(
    ("percent", "progress"),
    [
        (45, 0.45),
        (0, 0.0),
        (100, 1.0),
        (99.5, 0.995),
        (None, None),
        (-1, None),
        (101, None),
        (HUGE, None),
        (math.nan, None),
        (math.inf, None),
        (-math.inf, None),
    ],
)
def test_percent_to_fraction(percent, progress):
    assert percent_to_fraction(percent) == progress


def test_impossible_counts_from_a_server_give_null_progress_in_the_job():
    big = str(HUGE)
    bodies = [
        '{"success": true, "status": "scraping", "completed": 150, "total": 100}',
        '{"success": true, "status": "scraping", "completed": 3, "total": -5}',
        f'{{"success": true, "status": "completed", "completed": {big}, "total": {big}}}',
    ]
    result = watch(
        [JobGroup(BatchScrape(settings()), ["fc-1"])],
        {"fc-1": [Reply(200, body, {"Content-Type": "application/json"}) for body in bodies]},
    )
    assert [event.job.to_json()["progress"] for event in result.statuses] == [None] * 3
    assert result.poller.exit_code() == exitcodes.SUCCESS
