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
    """The function that answers this endpoint of the provider: its stand-in's function of the
    same name."""
    found: Handler | None = getattr(stand_in(cls), what, None)
    if found is None:
        raise LookupError(f"jobwatch sim has no handler for {cls.name} {what} ({endpoint})")
    return found


def routes() -> list[tuple[str, re.Pattern[str], Handler]]:
    """Every provider endpoint and alias; fewer parameters first, so that a fixed path
    (`/v2/crawl/ongoing`) wins over a parameter (`/v2/{kind}/{job_id}`)."""
    served: list[tuple[Endpoint, Handler]] = []
    for cls in PROVIDERS.values():
        for what, endpoint in cls.endpoints.items():
            served.append((endpoint, handler(cls, what, endpoint)))
        # Paths the real servers answer as well, though jobwatch never calls them.
        served += getattr(stand_in(cls), "ALIASES", ())
    served.sort(key=lambda pair: len(pair[0].parameters))
    return [(endpoint.method, _pattern(endpoint), answer) for endpoint, answer in served]


_ROUTES = routes()


def route(request: SimRequest, book: SimJobs) -> Reply:
    """The answer to one request: the matching provider handler's, else 404 or 405."""
    path_matched = False
    for method, pattern, answer in _ROUTES:
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
