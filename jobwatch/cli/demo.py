"""`jobwatch demo`: the simulator in-process, and a live watch of a mix of demo jobs."""

from __future__ import annotations

from dataclasses import replace

from jobwatch.cli.options import RunOptions
from jobwatch.core.settings import ProviderSettings
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.brightdata.deliveries import Delivery
from jobwatch.providers.brightdata.marketplace import MarketplaceSnapshot
from jobwatch.providers.brightdata.snapshots import Snapshot
from jobwatch.providers.coze.chats import Chat
from jobwatch.providers.coze.documents import Document
from jobwatch.providers.coze.workflows import WorkflowRun
from jobwatch.providers.firecrawl.agent import Agent, Extract
from jobwatch.providers.firecrawl.scrape import BatchScrape, Crawl
from jobwatch.providers.zilliz.imports import ImportJob
from jobwatch.providers.zilliz.jobs import CloudJob
from jobwatch.session.run import run
from jobwatch.sim.server import start_sim

DEMO_KEY = "demo-key"


def demo_groups(base_url: str) -> list[JobGroup]:
    """A Bright Data snapshot, delivery and Marketplace snapshot, a Zilliz import with several
    files, a Coze dataset with several documents, and a Firecrawl batch scrape, crawl, agent
    and extract."""
    """A Bright Data snapshot, a Zilliz import with several files and a Zilliz Cloud
    control-plane job, a Coze dataset with several documents, a Coze workflow run and chat,
    and a Firecrawl batch scrape and crawl."""

    settings = ProviderSettings(
        api_key=DEMO_KEY, api_key_source="demo", base_url=base_url, region=None, profile="demo"
    )

    return [
        JobGroup(Snapshot(settings), ["s_demo4x7enmven8djfq"]),
        JobGroup(Delivery(settings), ["d_demo9a2b3c4d5e6f7g"]),
        JobGroup(MarketplaceSnapshot(settings), ["snap_demo5b2c3d4e5f6g"]),
        JobGroup(ImportJob(settings, cluster_id="in01-demo0123456789"), ["job-demo01a2b3c4d5e6f7"]),
        JobGroup(CloudJob(settings), ["job-03e1eefbd82dmo2oedemo"]),
        JobGroup(
            Document(settings, dataset_id="7441234567890123456"),
            ["7442585813587689472", "7442585813587689473", "7442585813587689474"],
        ),
        JobGroup(WorkflowRun(settings, workflow_id="7429635394645390123"), ["7431040978805850123"]),
        JobGroup(Chat(settings, conversation_id="7381365856095480123"), ["7381371876397940123"]),
        JobGroup(BatchScrape(settings), ["6a1b2c3d-0000-4000-8000-00000000demo"]),
        JobGroup(Crawl(settings), ["9f8e7d6c-0000-4000-8000-0000crawldemo"]),
        JobGroup(Agent(settings), ["0c4e8a62-0000-4000-8000-0000agentdemo"]),
        JobGroup(Extract(settings), ["5f1d2c3b-0000-4000-8000-000extractdemo"]),
    ]


def run_demo(options: RunOptions) -> int:
    """The demo's jobs live in its own simulator: they stop with it (an interrupt says so)."""
    with start_sim(port=0, speed=1.0) as server:
        return run(demo_groups(server.base_url), replace(options, jobs_end_with_run=True))
