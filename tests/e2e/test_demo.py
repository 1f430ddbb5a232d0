"""`jobwatch demo`: the first thing a new user runs, with no config and no network."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Result

pytestmark = pytest.mark.e2e


def test_demo_watches_all_four_providers_to_success(run_jobwatch: Callable[..., Result]) -> None:
    result = run_jobwatch("demo", "--progress", "plain")
    assert result.code == 0, result.stderr
    # Each job's end is a line of its own, once; no summary block repeats them (issue 23).
    summaries = [line[9:] for line in result.stderr.splitlines() if " succeeded (" in line]
    assert not any("summary:" in line for line in result.stderr.splitlines())
    providers = {line.split()[0] for line in summaries}
    assert providers == {"brightdata", "zilliz", "coze", "firecrawl"}
    # 1 snapshot, 1 import, 1 control-plane job, 3 documents, 1 workflow run, 1 chat, 1 batch,
    # 1 crawl
    assert len(summaries) == 10
    assert "] 10 jobs: 10 succeeded in " in result.stderr.splitlines()[-1]
    names = {" ".join(line.split()[:2]) for line in summaries}
    assert {
        "zilliz job-03e1eefbd82dmo2oedemo",
        "coze 7429635394645390123/7431040978805850123",
        "coze 7381365856095480123/7381371876397940123",
    } <= names
