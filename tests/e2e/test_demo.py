"""`jobwatch demo`: the first thing a new user runs, with no config and no network."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Result

pytestmark = pytest.mark.e2e


def test_demo_watches_all_four_providers_to_success(run_jobwatch: Callable[..., Result]) -> None:
    result = run_jobwatch("demo", "--progress", "plain")
    assert result.code == 0, result.stderr
    summaries = [line for line in result.stderr.splitlines() if "summary:" in line]
    providers = {line.split("summary: ")[1].split()[0] for line in summaries}
    assert providers == {"brightdata", "zilliz", "coze", "firecrawl"}
    assert all("succeeded" in line for line in summaries)
    assert len(summaries) == 7  # 1 snapshot, 1 import, 3 documents, 1 batch, 1 crawl
    assert "] 7 jobs: 7 succeeded in " in result.stderr.splitlines()[-1]
