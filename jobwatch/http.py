"""HTTP plumbing shared by the providers: the client, sending with a hard time limit, and
turning transport failures and HTTP statuses into jobwatch errors."""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import httpx

from jobwatch import __version__
from jobwatch.bodyfilter import TopLevelFilter
from jobwatch.errors import CredentialsError, NotFoundError, RetryableError, StateUnknownError
from jobwatch.transport import PooledTransport

USER_AGENT = f"jobwatch/{__version__}"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


DEFAULT_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
}
_PROXY_SCHEMES = ("http", "https", "all")


class Client:
    """The run's HTTP client: builds requests with jobwatch's headers and sends them.

    Requests go straight to one transport: PooledTransport (keep-alive HTTP/1.1 on asyncio) or
    the one a test injects. httpx's own client is used only when the environment names a proxy
    (HTTPS_PROXY, ALL_PROXY, …), because it honours those variables and NO_PROXY; otherwise its
    per-request machinery (cookie jar, auth and redirect flows) would cost more CPU than a
    status poll itself.
    """

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        debug: TextIO | None = None,
        env: Mapping[str, str] = os.environ,
    ) -> None:
        self._debug = debug
        self._proxied: httpx.AsyncClient | None = None
        if transport is None and any(
            env.get(f"{scheme}_proxy") or env.get(f"{scheme.upper()}_PROXY")
            for scheme in _PROXY_SCHEMES
        ):
            # No time limits of its own: send() bounds every request as a whole.
            self._proxied = httpx.AsyncClient(trust_env=True, follow_redirects=False, timeout=None)
        self._transport = transport or PooledTransport()

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
        """The response; its body is read whole unless `stream` (then the caller closes it)."""
        if self._debug is not None:
            auth = request.headers.get("Authorization")
            suffix = f" Authorization: {redact(auth)}" if auth else ""
            self._log(f"debug: → {request.method} {request.url}{suffix}")
        if self._proxied is not None:
            response = await self._proxied.send(request, stream=True)
        else:
            response = await self._transport.handle_async_request(request)
            response.request = request
        if self._debug is not None:
            self._log(f"debug: ← {response.status_code} {request.method} {request.url}")
        if not stream:
            try:
                await response.aread()
            finally:
                await response.aclose()
        return response

    def _log(self, line: str) -> None:
        print(line, file=self._debug, flush=True)

    async def aclose(self) -> None:
        if self._proxied is not None:
            await self._proxied.aclose()
        await self._transport.aclose()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def redact(value: str) -> str:
    """A credential reduced to something safe to print: its scheme and last four characters."""
    scheme, _, token = value.partition(" ")
    if not token:
        scheme, token = "", value
    shown = token[-4:] if len(token) >= 12 else ""
    return f"{scheme} …{shown}".strip()


async def send(
    client: Client,
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
    # The limit, as httpx transports read it (the proxied client's do; ours and tests' see it).
    request.extensions["timeout"] = {"connect": limit, "read": limit, "write": limit, "pool": limit}
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
    client: Client, request: httpx.Request, drop_keys: frozenset[str]
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
