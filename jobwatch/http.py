"""HTTP plumbing shared by the providers: the client, sending with a hard time limit, and
turning transport failures and HTTP statuses into jobwatch errors."""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import json
import re
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import httpx

from jobwatch import __version__
from jobwatch.bodyfilter import TopLevelFilter
from jobwatch.errors import CredentialsError, NotFoundError, RetryableError, StateUnknownError

USER_AGENT = f"jobwatch/{__version__}"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def make_client(
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    debug: TextIO | None = None,
    max_connections: int = 32,
) -> httpx.AsyncClient:
    """One client for the whole run: a keep-alive connection pool per host. The poller never
    has more than 32 requests in flight (PollSettings.max_in_flight), so 32 connections."""
    _note_missing_sniffio()
    hooks: dict[str, list[Callable[..., Any]]] = {}
    if debug is not None:
        hooks = {"request": [_debug_request(debug)], "response": [_debug_response(debug)]}
    # Keep every connection alive: with fewer keep-alive slots than connections, httpcore's
    # pool closes an idle connection whenever the pool is fuller than that, and reconnects.
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    return httpx.AsyncClient(
        transport=transport or _SchemeTransport(limits),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        limits=limits,
        event_hooks=hooks,
        follow_redirects=False,
        trust_env=True,
    )


class _SchemeTransport(httpx.AsyncBaseTransport):
    """httpx's transport, with the certificate store loaded only when an https:// URL is first
    used: loading it costs tens of milliseconds that a check of `jobwatch sim` or of a
    self-hosted http:// endpoint does not need. Certificates are verified as httpx does."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._plain: httpx.AsyncHTTPTransport | None = None
        self._tls: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            if self._tls is None:
                self._tls = httpx.AsyncHTTPTransport(limits=self._limits, trust_env=True)
            return await self._tls.handle_async_request(request)
        if self._plain is None:
            # Only ever given http:// URLs, so it never makes a TLS connection to verify.
            self._plain = httpx.AsyncHTTPTransport(
                verify=False, limits=self._limits, trust_env=True
            )
        return await self._plain.handle_async_request(request)

    async def aclose(self) -> None:
        for transport in (self._plain, self._tls):
            if transport is not None:
                await transport.aclose()


def _note_missing_sniffio() -> None:
    """httpcore imports `sniffio` on every request to learn which event loop runs it; when it
    is not installed, each failed import searches sys.path again (about 0.1 ms, twice per
    request). Record it as absent once: httpcore then assumes asyncio, as it does anyway."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def redact(value: str) -> str:
    """A credential reduced to something safe to print: its scheme and last four characters."""
    scheme, _, token = value.partition(" ")
    if not token:
        scheme, token = "", value
    shown = token[-4:] if len(token) >= 12 else ""
    return f"{scheme} …{shown}".strip()


def _debug_request(out: TextIO) -> Callable[[httpx.Request], Any]:
    async def log(request: httpx.Request) -> None:
        auth = request.headers.get("Authorization")
        suffix = f" Authorization: {redact(auth)}" if auth else ""
        print(f"debug: → {request.method} {request.url}{suffix}", file=out, flush=True)

    return log


def _debug_response(out: TextIO) -> Callable[[httpx.Response], Any]:
    async def log(response: httpx.Response) -> None:
        request = response.request
        print(
            f"debug: ← {response.status_code} {request.method} {request.url}",
            file=out,
            flush=True,
        )

    return log


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    time_limit: float,
    *,
    drop_keys: frozenset[str] = frozenset(),
) -> httpx.Response:
    """Send `request`, reading the whole body, and never take longer than `time_limit` seconds.

    With `drop_keys`, the values of those top-level keys of a JSON object body are dropped
    (read as `null`) while the body streams in, so they never fill memory.
    Transport failures and time-outs become RetryableError.
    """
    limit = max(time_limit, 0.001)
    request.extensions["timeout"] = httpx.Timeout(limit).as_dict()
    try:
        async with asyncio.timeout(limit):
            if not drop_keys:
                return await client.send(request)
            return await _send_dropping(client, request, drop_keys)
    except (TimeoutError, httpx.TimeoutException):
        raise RetryableError(f"no answer within {limit:.3g}s") from None
    except httpx.TransportError as exc:
        raise RetryableError(f"connection error: {describe_transport_error(exc)}") from None


# Bodies up to this size (by Content-Length) are read whole; bigger ones are filtered.
SMALL_BODY = 256 * 1024
_BODY_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding"})


async def _send_dropping(
    client: httpx.AsyncClient, request: httpx.Request, drop_keys: frozenset[str]
) -> httpx.Response:
    response = await client.send(request, stream=True)
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) <= SMALL_BODY:
        await response.aread()  # small: read as is, filtering would only cost time
        return response
    kept = TopLevelFilter(drop_keys)
    try:
        async for chunk in response.aiter_bytes():
            kept.feed(chunk)
    finally:
        await response.aclose()
    return httpx.Response(
        response.status_code,
        headers=[
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in _BODY_HEADERS
        ],
        content=bytes(kept.kept),
        request=request,
        extensions={
            name: value
            for name, value in response.extensions.items()
            if name in ("http_version", "reason_phrase")
        },
    )


def describe_transport_error(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Parse a Retry-After header: delta-seconds or an HTTP date. None when absent or garbled."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def body_text(response: httpx.Response, limit: int = 300) -> str:
    """The body as one short line, for messages; an HTML page (a proxy's) by its title."""
    if "html" in response.headers.get("Content-Type", "") or response.text.lstrip()[:1] == "<":
        title = _HTML_TITLE.search(response.text)
        named = f": {' '.join(title[1].split())}" if title else ""
        return f"an HTML page{named} (from a proxy or gateway?)"
    text = " ".join(response.text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def json_body(response: httpx.Response) -> Any | None:
    """The parsed JSON body, or None when the body is not JSON."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


def error_text(response: httpx.Response, *keys: str) -> str:
    """The provider's error message: the first of `keys` in a JSON body, else the plain text."""
    body = json_body(response)
    if isinstance(body, dict):
        for key in keys:
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return body_text(response) or response.reason_phrase or f"HTTP {response.status_code}"


def raise_for_status(response: httpx.Response, message: str, *, provider: str) -> None:
    """Map a non-2xx HTTP status to the error it means. `message` is the provider's own text."""
    status = response.status_code
    if status < 300:
        return
    detail = f"{provider}: HTTP {status}: {message}"
    if status in (401, 403):
        raise CredentialsError(detail)
    if status == 404:
        raise NotFoundError(detail)
    if status in RETRYABLE_STATUS or status >= 500:
        raise RetryableError(
            detail,
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            rate_limited=status == 429,
        )
    raise StateUnknownError(detail)


def expect_json_object(response: httpx.Response, *, provider: str) -> dict[str, Any]:
    """A 2xx body that must be a JSON object; anything else (a proxy's HTML page) is retried."""
    body = json_body(response)
    if not isinstance(body, dict):
        kind = response.headers.get("Content-Type", "unknown type").split(";")[0]
        raise RetryableError(
            f"{provider}: HTTP {response.status_code} answer is not a JSON object ({kind}): "
            f"{body_text(response, 120)}"
        )
    return body


def host_of(url: str) -> str:
    return httpx.URL(url).netloc.decode("ascii")
