"""Reading answers: HTTP statuses mapped to jobwatch errors, Retry-After, JSON and text bodies.

Nothing here raises on a body a server chose: deep nesting, invalid UTF-8, numbers too big
for a float or too long for an int all read as "not JSON"."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from jobwatch.core.errors import CredentialsError, NotFoundError, RetryableError, StateUnknownError
from jobwatch.core.sanitize import LINE_MAX, clean_text

if TYPE_CHECKING:
    import httpx

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
LOCATION_SHOWN = 160  # characters of a redirect's URL in its message
LOCATION = "jobwatch.location"  # a redirect's Location, set aside by the client
_DELTA_SECONDS = re.compile(r"\d+(?:\.\d+)?")


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Parse a Retry-After header: delta-seconds or an HTTP date.

    None when absent, garbled, negative or not finite (`inf`, `nan`, `1e400`)."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    import email.utils  # an HTTP date: rare, and the module costs start-up time

    try:
        when = email.utils.parsedate_to_datetime(value)
        wait = when.timestamp() - now()
    except (TypeError, ValueError, OverflowError, IndexError, OSError):
        return None
    return max(0.0, wait) if math.isfinite(wait) else None


class _NotHeld(ValueError):
    """Valid-looking JSON that jobwatch does not hold: its `why` is said in the message."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NotHeld(f"it holds a number too big for a float ({text[:20]})")
    return number


def _no_constant(text: str) -> Any:
    raise _NotHeld(f"it holds {text}, which is not a JSON number")


def _parse(response: httpx.Response) -> tuple[Any | None, str | None]:
    """The parsed body and None, or None and why it cannot be held (None: it is not JSON)."""
    try:
        return json.loads(response.content, parse_float=_finite, parse_constant=_no_constant), None
    except _NotHeld as exc:
        return None, exc.why
    except RecursionError:
        return None, "it is nested too deeply to read"
    except ValueError:  # UnicodeDecodeError is a ValueError
        return None, None


def json_body(response: httpx.Response) -> Any | None:
    """The parsed JSON body, or None when the body is not JSON (or not one jobwatch can hold)."""
    return _parse(response)[0]


def body_text(response: httpx.Response, limit: int = 300) -> str:
    """The body as one short line, for messages; an HTML page (a proxy's) by its title."""
    head = response.content[: limit * 8 + 4096]
    try:
        text = head.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = head.decode("utf-8", errors="replace")
    if "html" in response.headers.get("Content-Type", "") or text.lstrip()[:1] == "<":
        title = _HTML_TITLE.search(text)
        named = f": {' '.join(title[1].split())[:limit]}" if title else ""
        return f"an HTML page{named} (from a proxy or gateway?)"
    text = " ".join(text.split())
    more = len(text) > limit or len(response.content) > limit * 8 + 4096
    return text[:limit] + ("…" if more else "")


_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def error_text(response: httpx.Response, *keys: str) -> str:
    """The provider's error message: the first of `keys` in a JSON body, else the plain text;
    one line of at most LINE_MAX characters, control characters replaced (the run's keys are
    masked where it is shown: jobwatch/core/sanitize.py)."""
    body = json_body(response)
    if isinstance(body, dict):
        for key in keys:
            value = body.get(key)
            if isinstance(value, str) and value:
                return clean_text(value, (), LINE_MAX)
    text = body_text(response) or response.reason_phrase or f"HTTP {response.status_code}"
    return clean_text(text, ())  # body_text is short already


def raise_for_status(response: httpx.Response, message: str, *, provider: str) -> None:
    """Map a non-2xx HTTP status to the error it means. `message` is the provider's own text."""
    status = response.status_code
    if status < 300:
        return
    if status in REDIRECTS:
        raise StateUnknownError(f"{provider}: {redirect_text(response)}")
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


def redirect_text(response: httpx.Response) -> str:
    """`HTTP 301 redirect to https://host/path (…)`: where it points, without what could carry
    a secret (user and password, query, fragment), at most LOCATION_SHOWN characters (the
    run's keys are masked later, with the rest of the provider's text)."""
    status = response.status_code
    location = str(response.extensions.get(LOCATION) or response.headers.get("Location", ""))
    location = location.strip()
    if not location:
        return f"HTTP {status} redirect without a Location (jobwatch does not follow redirects)"
    try:
        base = urlsplit(str(response.request.url))
    except (RuntimeError, ValueError):  # an answer made without a request (tests)
        base = urlsplit("")
    try:
        target = urlsplit(urljoin(base.geturl(), location))
        host = target.hostname or ""
        port = target.port
    except ValueError:
        return f"HTTP {status} redirect to a Location that is not a URL (not followed)"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    more = "?…" if target.query or target.fragment else ""
    shown = f"{target.scheme}://{netloc}{target.path}" if netloc else target.path
    if len(shown) > LOCATION_SHOWN:
        shown, more = shown[:LOCATION_SHOWN], "…"
    shown = clean_text(shown + more, ())
    return (
        f"HTTP {status} redirect to {shown} (jobwatch does not follow redirects: use that base URL)"
    )


def expect_json_object(response: httpx.Response, *, provider: str) -> dict[str, Any]:
    """A 2xx body that must be a JSON object; anything else (a proxy's HTML page) is retried."""
    body, why = _parse(response)
    if not isinstance(body, dict):
        kind = response.headers.get("Content-Type", "unknown type").split(";")[0]
        if why is not None:
            raise RetryableError(
                f"{provider}: HTTP {response.status_code} answer is not valid JSON ({kind}): {why}"
            )
        raise RetryableError(
            f"{provider}: HTTP {response.status_code} answer is not a JSON object ({kind}): "
            f"{body_text(response, 120)}"
        )
    return body


def host_of(url: str) -> str:
    """`host:port` of a base URL, as the rate gates key hosts."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()
