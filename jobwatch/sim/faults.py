"""What stops a request about a job before the provider's application answers it: the fault
stories' answers (each provider's own 429 and 500 bodies, the same load-balancer and proxy
pages everywhere) and, after them, the provider's not-found answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jobwatch.sim.jobs import SimJobs, Visit
from jobwatch.sim.replies import DROP, Reply, text_reply
from jobwatch.sim.stories import Fault

PROXY_PAGE = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


@dataclass(frozen=True)
class FaultBodies:
    """A provider's own answers to a rate limit and a server error."""

    rate_limited: Callable[[], Reply]
    server_error: Callable[[], Reply]

    def reply(self, fault: Fault) -> Reply:
        """The answer a fault story gives."""
        if fault is Fault.RATE_LIMITED:
            return self.rate_limited().with_header("Retry-After", "1")
        if fault is Fault.SERVER_ERROR:
            return self.server_error()
        if fault is Fault.BAD_GATEWAY:
            return text_reply("Bad Gateway", 502)
        if fault is Fault.UNAVAILABLE:
            return text_reply("Service Unavailable", 503)
        if fault is Fault.PROXY_PAGE:
            return Reply(status=502, body=PROXY_PAGE.encode(), content_type="text/html")
        return DROP


def visit_job(
    book: SimJobs, provider: str, job_id: str, faults: FaultBodies, missing: Reply, scope: str = ""
) -> Visit | Reply:
    """The job's visit, or the answer that stops the request first: its fault, else `missing`
    when the job is not found."""
    visit = book.visit(provider, job_id, scope)
    if visit.fault is not None:
        return faults.reply(visit.fault)
    if visit.not_found:
        return missing
    return visit
