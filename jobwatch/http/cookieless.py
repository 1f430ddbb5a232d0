"""httpx.AsyncClient without cookies: jobwatch's APIs use keys, never cookies.

httpx offers no switch for this: even with a cookie jar that keeps nothing, its client wraps
every response and request for http.cookiejar (a urllib.request.Request, the headers copied
into a dict, the URL parsed again): about a tenth of the CPU of a poll. Here the client's
cookie store is one whose extract and merge steps do nothing at all."""

from __future__ import annotations

import httpx


class NoCookies(httpx.Cookies):
    """A cookie store that stays empty: nothing is extracted from answers, nothing is sent."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set_cookie_header(self, request: httpx.Request) -> None:
        return None

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        return None


class CookielessClient(httpx.AsyncClient):
    """An httpx.AsyncClient whose `cookies` is always an empty NoCookies store."""

    _no_cookies = NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        return None  # httpx's __init__ sets it; nothing to keep
