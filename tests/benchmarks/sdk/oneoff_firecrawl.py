"""The same one-off check with firecrawl-py: one batch scrape status, printed."""

import sys

from firecrawl import Firecrawl

url, key, job_id = sys.argv[1], sys.argv[2], sys.argv[3]
status = Firecrawl(api_key=key, api_url=url).get_batch_scrape_status(job_id)
print(status.model_dump_json())
