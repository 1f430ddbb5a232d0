"""HTTP plumbing shared by the providers: the client, sending with a hard time limit, and
turning transport failures and HTTP statuses into jobwatch errors."""

from __future__ import annotations

import asyncio
import email.utils
import json
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import httpx

from jobwatch import __version__
from jobwatch.errors import CredentialsError, NotFoundError, RetryableError, StateUnknownError

USER_AGENT = f"jobwatch/{__version__}"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def make_client(
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    debug: TextIO | None = None,
    max_connections: int = 64,
) -> httpx.AsyncClient:
    """One client for the whole run: a keep-alive connection pool per host."""
    hooks: dict[str, list[Callable[..., Any]]] = {}
    if debug is not None:
        hooks = {"request": [_debug_request(debug)], "response": [_debug_response(debug)]}
    return httpx.AsyncClient(
        transport=transport,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=32),
        event_hooks=hooks,
        follow_redirects=False,
        trust_env=True,
    )


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
    client: httpx.AsyncClient, request: httpx.Request, time_limit: float
) -> httpx.Response:
    """Send `request`, reading the whole body, and never take longer than `time_limit` seconds.

    Transport failures and time-outs become RetryableError.
    """
    limit = max(time_limit, 0.001)
    request.extensions["timeout"] = httpx.Timeout(limit).as_dict()
    try:
        async with asyncio.timeout(limit):
            return await client.send(request)
    except (TimeoutError, httpx.TimeoutException):
        raise RetryableError(f"no answer within {limit:.3g}s") from None
    except httpx.TransportError as exc:
        raise RetryableError(f"connection error: {describe_transport_error(exc)}") from None


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
    """The body as one short line, for messages."""
    text = " ".join(response.text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


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


def print_debug(out: TextIO | None, text: str) -> None:
    print(f"debug: {text}", file=out or sys.stderr, flush=True)
