"""jobwatch sim: a local stand-in for the four providers' progress APIs.

Endpoints, at the providers' real paths and with their body shapes, status words and error
shapes (docs/providers/). The routes are the endpoints each kind of job declares
(`Provider.endpoints`), each answered by the function of its name in the provider's stand-in
module, jobwatch/providers/NAME/sim.py (routes.py):

- Bright Data  GET  /datasets/v3/progress/{snapshot_id}, GET /datasets/v3/snapshots,
               POST /datasets/v3/snapshot/{id}/cancel
- Zilliz Cloud POST /v2/vectordb/jobs/import/getProgress, .../list (with clusterId)
- Milvus       POST /v2/vectordb/jobs/import/describe, .../get_progress (one handler),
               .../list, .../abort
- Coze         POST /v1/datasets/{dataset_id}/process, POST /open_api/knowledge/document/list
- Firecrawl    GET  /v2/batch/scrape/{id}, /v2/crawl/{id}; GET /v{1,2}/.../{id}/errors;
               GET  /v{1,2}/crawl/active (and /ongoing); DELETE /v2/{batch/scrape,crawl}/{id}

A job is (provider, id); its clock starts at the first request that names it (it is then
*seen*: the list endpoints hold the seen jobs) and runs `speed` times faster than real time.
Its id's suffix picks its story:

- (any other id)  pending for 1 s, running with growing progress, succeeded at 10 s.
- ``-fail``       fails at 5 s with the provider's failed status and reason (40 % done);
                  Firecrawl: ``status: "failed"`` in a normal ``success: true`` body.
- ``-startfail``  Firecrawl answers its kick-off failure at once: HTTP 200 ``{"success":
                  false, "status": "failed", "error": ...}``; elsewhere as ``-fail``.
- ``-partial``    succeeds short: Firecrawl 12 of 40 pages, 28 listed by /errors; Milvus
                  fewer imported rows than total; elsewhere the default story.
- ``-stall``      runs to 40 % at 4.6 s, then nothing changes and it never finishes.
- ``-late``       not found (the provider's shape) for 3 s, then the default story.
- ``-slow``       pending for 5 s, then slow progress; succeeds after 10 minutes.
- ``-429``        the first request gets HTTP 429 with ``Retry-After: 1`` and the provider's
                  rate-limit body (Coze: HTTP 429 with code 4013; Zilliz/Milvus: code 1807);
                  then the default story.
- ``-500``        the first three requests get 500 (provider JSON), 502 and 503 (plain text
                  from a load balancer); then the default story.
- ``-flaky``      the first request gets a proxy's HTML 502 page, the second a connection
                  closed without any answer; then the default story.
- ``-gone``       not found, in the provider's shape (Bright Data / Firecrawl HTTP 404,
                  Zilliz / Milvus code 2100, Zilliz Cloud jobs 96026, Coze code 4200, Coze
                  workflow runs 4314, all in HTTP 200 bodies).
- ``-big``        (Firecrawl) about 10 MB of scraped ``data`` in every status body: 10
                  documents of 1 MB are done at the first request, 100 in all, 10 per page.
- ``-uncommitted`` (Milvus) a two-phase import that stops in ``Uncommitted`` at progress 99
                  and stays there (it waits for a /commit the simulator never gets); the
                  only kind of job Milvus ``/abort`` accepts.
- ``-action``     (Coze chats) runs for 3 s, then waits in ``requires_action`` for tool
                  outputs and stays there; a cancel answers it 4104.

An id containing ``-oldserver`` gets an HTML 404 on Firecrawl's v2 batch /errors route (the
Aug-2025 server lacked it); v1 answers. Cancel (Firecrawl, Bright Data, Milvus abort, Coze
chats) stops a running job where it is: it then reads ``cancelled`` / ``canceled`` /
``Failed``.

Credentials: a missing ``Authorization: Bearer`` header and the key ``bad-key`` get each
provider's auth error; any other token is accepted. Faults come after the auth check and
before the not-found check. Jobs at Coze: the dataset id and every document id are jobs of
their own; the first fault among them answers the whole request.
"""

from jobwatch.sim.server import SimServer, serve_forever, start_sim

__all__ = ["SimServer", "serve_forever", "start_sim"]
