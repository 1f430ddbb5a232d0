"""The run's HTTP client: one httpx.AsyncClient, sending with a hard time limit, and turning
transport failures into jobwatch errors that never quote a header value."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Mapping
from typing import Any, TextIO

import h11
import httpx

from jobwatch import __version__
from jobwatch.core.errors import RetryableError
from jobwatch.http.body import MAX_BODY, read_whole
from jobwatch.http.cookieless import CookielessClient
from jobwatch.http.pool import PoolTransport
from jobwatch.http.responses import LOCATION

USER_AGENT = f"jobwatch/{__version__}"
DEFAULT_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
}
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")


def proxy_configured(env: Mapping[str, str]) -> bool:
    """Whether the environment names a proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, any case)."""
    return any(env.get(name) or env.get(name.upper()) for name in _PROXY_VARIABLES)


class Client:
    """Every request of a run goes through this one httpx.AsyncClient.

    Its transport is `transport` when given (tests inject httpx.MockTransport); else, when the
    environment names a proxy, httpx's own (which honours the proxy variables and NO_PROXY);
    else jobwatch's keep-alive pool on h11 (PoolTransport). Bodies are read with a cap of
    `max_body` bytes received and decompressed (jobwatch.http.body).
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        debug: TextIO | None = None,
        env: Mapping[str, str] = os.environ,
        max_body: int = MAX_BODY,
    ) -> None:
        self._debug = debug
        self.max_body = max_body
        self.proxied = transport is None and proxy_configured(env)
        if self.proxied:
            from jobwatch.http.proxied import proxied_client  # only behind a proxy

            self.http = proxied_client(env)
        else:
            # trust_env=False: with a transport of its own, httpx would still mount proxies.
            self.http = CookielessClient(
                transport=transport or PoolTransport(),
                trust_env=False,
                follow_redirects=False,
                timeout=None,  # send() bounds every request as a whole
            )
        self.http.event_hooks["response"].append(_hold_location)

    def build_request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Request:
        all_headers = {**DEFAULT_HEADERS, **headers} if headers else DEFAULT_HEADERS
        return httpx.Request(method, url, headers=all_headers, json=json)

    async def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """The response; its body is read whole (capped) unless `stream` (the caller closes it)."""
        if self._debug is not None:
            auth = request.headers.get("Authorization")
            suffix = f" Authorization: {redact(auth)}" if auth else ""
            self._log(f"debug: → {request.method} {request.url}{suffix}")
        response = await self.http.send(request, stream=True)
        if self._debug is not None:
            self._log(f"debug: ← {response.status_code} {request.method} {request.url}")
        if stream:
            return response
        return await read_whole(response, self.max_body)

    def _log(self, line: str) -> None:
        print(line, file=self._debug, flush=True)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def _hold_location(response: httpx.Response) -> None:
    """jobwatch never follows a redirect, but httpx still makes the next request from its
    Location and fails on one that is not a URL: the Location is set aside (LOCATION) for the
    message that names it (responses.redirect_text)."""
    if response.is_redirect and "Location" in response.headers:
        response.extensions[LOCATION] = response.headers["Location"]
        del response.headers["Location"]


def redact(value: str) -> str:
    """A credential reduced to something safe to print: its scheme and last four characters."""
    scheme, _, token = value.partition(" ")
    if not token:
        scheme, token = "", value
    shown = token[-4:] if len(token) >= 12 else ""
    return f"{scheme} …{shown}".strip()


async def send(client: Client, request: httpx.Request, time_limit: float) -> httpx.Response:
    """Send `request`, reading the whole body, and never take longer than `time_limit` seconds.

    Time-outs, transport failures and answers jobwatch cannot digest (too big, corrupt
    compression, cut short, bad framing) become RetryableError with a one-line reason.
    """
    limit = max(time_limit, 0.001)
    # The limit, as httpx transports read it (httpx's own do; ours is bounded by the timeout).
    request.extensions["timeout"] = {"connect": limit, "read": limit, "write": limit, "pool": limit}
    try:
        async with asyncio.timeout(limit):
            return await client.send(request)
    except (TimeoutError, httpx.TimeoutException):
        raise RetryableError(f"no answer within {limit:.3g}s") from None
    except (httpx.HTTPError, h11.ProtocolError, OSError) as exc:
        reason = describe_transport_error(exc, request)
        raise RetryableError(f"connection error: {reason}") from None


_QUOTED = re.compile(r"""(?:bytearray\(b?|\bb)?['"]""")
_PLAIN_HEADERS = frozenset(
    {"host", "user-agent", "accept", "accept-encoding", "content-length", "content-type"}
)
_NEVER_QUOTED = "the request has a header value that cannot be sent (a line break or control \
character?)"


def describe_transport_error(exc: BaseException, request: httpx.Request | None = None) -> str:
    """One line saying what went wrong, without any header value the error text may quote."""
    if isinstance(exc, httpx.LocalProtocolError | h11.LocalProtocolError):
        return _NEVER_QUOTED  # h11's text quotes the refused value, e.g. a key with a newline
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    if quoted := _QUOTED.search(text):  # a quoted value could be anything: cut before it
        text = text[: quoted.start()].rstrip(" :=(") or type(exc).__name__
    if request is not None:
        for name, value in request.headers.multi_items():
            if name.lower() in _PLAIN_HEADERS:
                continue
            for part in value.split():
                if len(part) >= 6 and part in text:
                    text = text.replace(part, "…")
    return text[:200]
