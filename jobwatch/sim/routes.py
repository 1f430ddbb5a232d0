"""The simulator's routes. Each provider endpoint (its `endpoints`: what for, method, path) is
answered by the function of the same name (`status`, `running`, `cancel`, ...) in the
provider's simulator modules below; a few aliases the real servers answer too are added."""

from __future__ import annotations

import re
from collections.abc import Callable
from string import Formatter
from types import ModuleType
from urllib.parse import unquote

from jobwatch.providers import PROVIDERS
from jobwatch.providers.spec import Endpoint
from jobwatch.sim import brightdata, coze, firecrawl, firecrawl_jobs, zilliz, zilliz_jobs
from jobwatch.sim.jobbook import JobBook
from jobwatch.sim.replies import Reply, SimRequest, json_reply

Handler = Callable[..., Reply]  # (request, book, **the path parameters of its endpoint)

# Each provider's simulator modules, looked in for a handler in this order.
MODULES: dict[str, tuple[ModuleType, ...]] = {
    "brightdata": (brightdata,),
    "zilliz": (zilliz, zilliz_jobs),
    "coze": (coze,),
    "firecrawl": (firecrawl, firecrawl_jobs),
}
# Paths the real servers answer as well, though jobwatch never calls them (ENDPOINTS-NEXT.md
# 1.2: Firecrawl's v1 list and its `ongoing` alias; Milvus's older name for describe).
_VERSIONS = {"version": ("v1", "v2")}
ALIASES: tuple[tuple[Endpoint, Handler], ...] = (
    (Endpoint("GET", "/{version}/crawl/active", _VERSIONS), firecrawl_jobs.running),
    (Endpoint("GET", "/{version}/crawl/ongoing", _VERSIONS), firecrawl_jobs.running),
    (Endpoint("POST", "/v2/vectordb/jobs/import/get_progress"), zilliz.milvus_status),
)
_KINDS = {"crawl": "crawl", "batch/scrape": "batch"}  # Firecrawl's kinds as the handlers take them


def _pattern(endpoint: Endpoint) -> re.Pattern[str]:
    """The paths an endpoint answers: each parameter one path segment or one of its choices."""
    parts = []
    for text, name, _, _ in Formatter().parse(endpoint.path):
        parts.append(re.escape(text))
        if name:
            choices = "|".join(map(re.escape, endpoint.choices.get(name, ())))
            parts.append(f"(?P<{name}>{choices or '[^/]+'})")
    return re.compile("".join(parts))


def handler(provider: str, what: str, endpoint: Endpoint) -> Handler:
    """The function that answers this endpoint of the provider."""
    for module in MODULES.get(provider, ()):
        found: Handler | None = getattr(module, what, None)
        if found is not None:
            return found
    raise LookupError(f"jobwatch sim has no handler for {provider} {what} ({endpoint})")


def routes() -> list[tuple[str, re.Pattern[str], Handler]]:
    """Every provider endpoint and alias; fewer parameters first, so that a fixed path
    (`/v2/crawl/ongoing`) wins over a parameter (`/v2/{kind}/{job_id}`)."""
    served = list(ALIASES)
    for name, cls in PROVIDERS.items():
        for what, endpoint in cls.endpoints.items():
            served.append((endpoint, handler(name, what, endpoint)))
    served.sort(key=lambda pair: len(pair[0].parameters))
    return [(endpoint.method, _pattern(endpoint), answer) for endpoint, answer in served]


_ROUTES = routes()


def _argument(name: str, value: str) -> str:
    """A path parameter as its handler takes it: unquoted; a Firecrawl kind as `batch`/`crawl`."""
    value = unquote(value)
    return _KINDS[value] if name == "kind" else value


def route(request: SimRequest, book: JobBook) -> Reply:
    """The answer to one request: the matching provider handler's, else 404 or 405."""
    path_matched = False
    for method, pattern, answer in _ROUTES:
        match = pattern.fullmatch(request.path)
        if match is None:
            continue
        path_matched = True
        if method == request.method:
            arguments = {name: _argument(name, value) for name, value in match.groupdict().items()}
            return answer(request, book, **arguments)
    if path_matched:
        return json_reply({"error": f"method {request.method} not allowed here"}, 405)
    return json_reply({"error": f"jobwatch sim has no endpoint {request.path}"}, 404)
