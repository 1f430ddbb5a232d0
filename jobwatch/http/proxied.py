"""The client used when the environment names a proxy: httpx's own transports (httpcore), one
per proxy, chosen by URL the way httpx does with trust_env (HTTP_PROXY, HTTPS_PROXY,
ALL_PROXY, NO_PROXY; lower case wins), but read from the `env` jobwatch was given.

httpcore puts a connection back in its pool after an answer even when more bytes followed
it in the same read (h11 holds them): the next request on that connection would take them as
its answer. `_Guarded` closes such a connection instead, through h11's own `send_failed()`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING

import h11
import httpx

from jobwatch.core.errors import UsageError
from jobwatch.http.cookieless import CookielessClient

if TYPE_CHECKING:
    import ssl


def environment_proxies(env: Mapping[str, str]) -> dict[str, str | None]:
    """httpx's mount patterns for the proxies `env` names (None: no proxy for that pattern)."""

    def variable(name: str) -> str:
        return env.get(name) or env.get(name.upper()) or ""

    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if url := variable(f"{scheme}_proxy"):
            mounts[f"{scheme}://"] = url if "://" in url else f"http://{url}"
    for host in (host.strip() for host in variable("no_proxy").split(",")):
        if host == "*":
            return {}
        if "://" in host:
            mounts[host] = None
        elif host:
            mounts[_no_proxy_pattern(host)] = None
    return mounts


def _no_proxy_pattern(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"all://{host}" if host.lower() == "localhost" else f"all://*{host}"
    return f"all://[{host}]" if address.version == 6 else f"all://{host}"


def proxied_client(env: Mapping[str, str]) -> httpx.AsyncClient:
    """An httpx.AsyncClient on httpx's default transports, through the proxies `env` names."""
    tls = httpx.create_ssl_context()  # certifi, or SSL_CERT_FILE / SSL_CERT_DIR
    direct = _Guarded(httpx.AsyncHTTPTransport(verify=tls))
    mounts: dict[str, httpx.AsyncBaseTransport | None] = {
        pattern: _Guarded(_proxy_transport(pattern, url, tls)) if url else direct
        for pattern, url in environment_proxies(env).items()
    }
    return CookielessClient(
        transport=direct,
        mounts=mounts,
        trust_env=False,  # the proxies are mounted above, from `env`
        follow_redirects=False,
        timeout=None,  # send() bounds every request as a whole
    )


def _proxy_transport(pattern: str, url: str, tls: ssl.SSLContext) -> httpx.AsyncHTTPTransport:
    """httpx's transport through the proxy `url`; a usage error (exit 2) naming the variable
    when it cannot be one. The URL is never quoted: it may hold a password."""
    variable = f"{pattern.split(':', 1)[0].upper()}_PROXY (or {pattern.split(':', 1)[0]}_proxy)"
    try:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https"):
            why = "jobwatch uses http:// and https:// proxies (not SOCKS or others)"
        elif not parsed.host or (parsed.port is not None and not 0 < parsed.port < 65536):
            why = "it names no host, or a port that does not exist"
        else:
            return httpx.AsyncHTTPTransport(verify=tls, proxy=url)
    except (httpx.InvalidURL, ValueError, ImportError):  # UnicodeError is a ValueError
        why = "it is not a URL (http://HOST:PORT)"
    raise UsageError(f"the proxy in {variable} cannot be used: {why}")


class _Guarded(httpx.AsyncBaseTransport):
    """httpx's transport, minus the reuse of a connection holding bytes past an answer."""

    def __init__(self, inner: httpx.AsyncHTTPTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _GuardedStream(response.stream)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _GuardedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        state = _h11_state_of(self._inner)
        if state is not None and state.trailing_data[0]:
            state.send_failed()  # httpcore then closes the connection instead of pooling it
        await self._inner.aclose()


def _h11_state_of(stream: object) -> h11.Connection | None:
    """The h11 connection under an httpx/httpcore response stream (their private attributes:
    the tests on the proxy path fail if a new httpcore moves them)."""
    for _ in range(8):
        state = getattr(stream, "_h11_state", None)
        if isinstance(state, h11.Connection):
            return state
        stream = next(
            (
                getattr(stream, name)
                for name in ("_httpcore_stream", "_stream", "_connection")
                if hasattr(stream, name)
            ),
            None,
        )
        if stream is None:
            return None
    return None
