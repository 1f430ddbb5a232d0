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
    # Bright Data: a snapshot, a delivery, a Marketplace snapshot; Zilliz: 1 import, 1
    # control-plane job; Coze: 3 documents, 1 workflow run, 1 chat; Firecrawl: a batch, a
    # crawl, an agent, an extract.
    assert len(summaries) == 14
    assert "] 14 jobs: 14 succeeded in " in result.stderr.splitlines()[-1]
    names = {" ".join(line.split()[:2]) for line in summaries}
    assert {
        "zilliz job-03e1eefbd82dmo2oedemo",
        "coze 7429635394645390123/7431040978805850123",
        "coze 7381365856095480123/7381371876397940123",
        "firecrawl 0c4e8a62-0000-4000-8000-0000agentdemo",
        "firecrawl 5f1d2c3b-0000-4000-8000-000extractdemo",
        "brightdata d_demo9a2b3c4d5e6f7g",
        "brightdata snap_demo5b2c3d4e5f6g",
    } <= names


def test_the_demo_shows_one_job_of_each_new_kind() -> None:
    from jobwatch.cli.demo import demo_groups

    kinds = [(g.provider.name, g.provider.kind, len(g.job_ids)) for g in demo_groups("http://x:1")]
    for name, kind in [("firecrawl", "agent"), ("firecrawl", "extract"),
                       ("brightdata", "delivery"), ("brightdata", "marketplace")]:  # fmt: skip
        assert (name, kind, 1) in kinds
