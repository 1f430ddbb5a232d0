"""The simulator's routes. Each provider endpoint (its `endpoints`: what for, method, path) is
answered by the function of the same name (`status`, `running`, `cancel`, ...) in the
provider's stand-in module (`Provider.stand_in`, e.g. jobwatch/providers/firecrawl/sim.py),
with the aliases a stand-in lists in its `ALIASES`."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from string import Formatter
from types import ModuleType
from urllib.parse import unquote

from jobwatch.providers import PROVIDERS
from jobwatch.providers.base import Provider
from jobwatch.providers.spec import Endpoint
from jobwatch.sim.jobs import SimJobs
from jobwatch.sim.replies import Reply, SimRequest, json_reply

Handler = Callable[..., Reply]  # (request, book, **the path parameters of its endpoint)


def _pattern(endpoint: Endpoint) -> re.Pattern[str]:
    """The paths an endpoint answers: each parameter one path segment or one of its choices."""
    parts = []
    for text, name, _, _ in Formatter().parse(endpoint.path):
        parts.append(re.escape(text))
        if name:
            choices = "|".join(map(re.escape, endpoint.choices.get(name, ())))
            parts.append(f"(?P<{name}>{choices or '[^/]+'})")
    return re.compile("".join(parts))


def stand_in(cls: type[Provider]) -> ModuleType:
    """The provider's simulator module, named by its class data (`Provider.stand_in`)."""
    return importlib.import_module(cls.stand_in)


def handler(cls: type[Provider], what: str, endpoint: Endpoint) -> Handler:
    """The function that answers this endpoint of a kind of job: its stand-in's function named
    `KIND_WHAT` (`crawl_status`), else `WHAT` (`status`)."""
    module = stand_in(cls)
    found: Handler | None = getattr(module, f"{cls.kind}_{what}", None) or getattr(
        module, what, None
    )
    if found is None:
        raise LookupError(f"jobwatch sim has no handler for {cls.name} {what} ({endpoint})")
    return found


def _specificity(endpoint: Endpoint) -> tuple[int, int]:
    """Fewer parameters first, then more fixed text: `/{version}/crawl/ongoing` is tried before
    `/v2/crawl/{job_id}`, which would take `ongoing` for a job id."""
    fixed = sum(len(text) for text, _, _, _ in Formatter().parse(endpoint.path))
    return len(endpoint.parameters), -fixed


def routes() -> list[tuple[str, re.Pattern[str], Handler]]:
    """Every endpoint of every kind of job, and the stand-ins' aliases, most specific first."""
    served: dict[tuple[str, str], tuple[Endpoint, Handler]] = {}
    for entry in PROVIDERS.values():
        for cls in entry.kinds:
            for what, endpoint in cls.endpoints.items():
                served.setdefault(
                    (endpoint.method, endpoint.path), (endpoint, handler(cls, what, endpoint))
                )
        # Paths the real servers answer as well, though jobwatch never calls them.
        for endpoint, answer in getattr(stand_in(entry.default), "ALIASES", ()):
            served.setdefault((endpoint.method, endpoint.path), (endpoint, answer))
    ordered = sorted(served.values(), key=lambda pair: _specificity(pair[0]))
    return [(endpoint.method, _pattern(endpoint), answer) for endpoint, answer in ordered]


class Router:
    """The simulator's answers by path, for the provider table as it is when made (a test may
    register a provider of its own before it starts a simulator)."""

    def __init__(self) -> None:
        self._routes = routes()

    def __call__(self, request: SimRequest, book: SimJobs) -> Reply:
        return route(self._routes, request, book)


def route(
    table: list[tuple[str, re.Pattern[str], Handler]], request: SimRequest, book: SimJobs
) -> Reply:
    """The answer to one request: the matching kind's handler's, else 404 or 405."""
    path_matched = False
    for method, pattern, answer in table:
        match = pattern.fullmatch(request.path)
        if match is None:
            continue
        path_matched = True
        if method == request.method:
            arguments = {name: unquote(value) for name, value in match.groupdict().items()}
            return answer(request, book, **arguments)
    if path_matched:
        return json_reply({"error": f"method {request.method} not allowed here"}, 405)
    return json_reply({"error": f"jobwatch sim has no endpoint {request.path}"}, 404)
