"""firecrawl-py polling Firecrawl batch scrape jobs every INTERVAL seconds for SECONDS seconds,
the way the SDK is used for many jobs: its async client, one task per job, first polls spread
over one interval, at most 32 requests in flight (as jobwatch). Prints one JSON line with the
number of status calls made.

Usage: poll_firecrawl.py URL KEY SECONDS INTERVAL ID [ID ...]

Auto-pagination is off (`PaginationConfig(auto_paginate=False)`): one request per status
call, like jobwatch, which never follows `next`. With the SDK's default the -big job would
also fetch every further 10 MB page, so this is the SDK's cheapest way to poll.
"""

import asyncio
import json
import sys
import time

from firecrawl import AsyncFirecrawl
from firecrawl.v2.types import PaginationConfig


async def main() -> None:
    url, key, seconds, interval = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    ids = sys.argv[5:]
    client = AsyncFirecrawl(api_key=key, api_url=url)
    pages = PaginationConfig(auto_paginate=False)
    deadline = time.monotonic() + seconds
    gate = asyncio.Semaphore(32)
    calls = 0
    last: dict[str, object] = {}

    async def watch(index: int, job_id: str) -> None:
        nonlocal calls
        await asyncio.sleep(interval * index / len(ids))
        while time.monotonic() < deadline:
            started = time.monotonic()
            async with gate:
                job = await client.get_batch_scrape_status(job_id, pagination_config=pages)
            calls += 1
            last[job_id] = job  # keep the latest status, as a watcher would
            if job.status in ("completed", "failed", "cancelled"):
                return
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))

    tasks = [asyncio.create_task(watch(i, job_id)) for i, job_id in enumerate(ids)]
    await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"calls": calls}))


asyncio.run(main())
