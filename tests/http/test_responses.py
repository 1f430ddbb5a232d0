"""Reading answers (Retry-After, JSON and text bodies, error texts), the debug log, and which
path a request takes (proxy variables, NO_PROXY, an injected transport)."""

from __future__ import annotations

import io
import json

import h11
import httpx
import pytest

from jobwatch.core.errors import RetryableError, StateUnknownError, UsageError
from jobwatch.http.client import Client, describe_transport_error, send
from jobwatch.http.pool import PoolTransport
from jobwatch.http.proxied import environment_proxies, proxied_client
from jobwatch.http.responses import (
    LOCATION,
    body_text,
    error_text,
    expect_json_object,
    json_body,
    raise_for_status,
    redirect_text,
    retry_after_seconds,
)
from tests.hostile import ForwardProxy, HostileServer, answer, request_line, serving
from tests.httpkit import get, run

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("inf", None),
        ("Infinity", None),
        ("nan", None),
        ("-5", None),
        ("1e400", None),
        ("9" * 400, None),
        ("1_000", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("Tue, 14 Nov 2023 22:13:30 GMT", 10.0),
        ("Tue, 14 Nov 2023 22:00:00 GMT", 0.0),  # a date in the past: now
        ("Tue, 14 Nov 99999 22:00:00 GMT", None),
    ],
)
def test_retry_after_counts_only_finite_non_negative_waits(
    value: str | None, seconds: float | None
) -> None:
    assert retry_after_seconds(value, now=lambda: NOW) == seconds


def response(body: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": content_type}, content=body)


INDIGESTIBLE = {
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "invalid-utf8": b'{"status": "\xff\xfe"}',
    "float-overflow": b'{"count": 1e400}',
    "huge-int": b'{"count": ' + b"1" * 5000 + b"}",
    "nan": b'{"count": NaN}',
}


# What the message says of each (after `firecrawl: HTTP 200 answer is `).
SAID = {
    "deep-nesting": "not valid JSON (application/json): it is nested too deeply to read",
    "invalid-utf8": "not a JSON object (application/json)",
    "float-overflow": "not valid JSON (application/json): it holds a number too big for a float",
    "huge-int": "not a JSON object (application/json)",
    "nan": "not valid JSON (application/json): it holds NaN, which is not a JSON number",
}


@pytest.mark.parametrize("name", INDIGESTIBLE)
def test_a_body_jobwatch_cannot_hold_reads_as_not_json(name: str) -> None:
    answer_ = response(INDIGESTIBLE[name])
    assert json_body(answer_) is None
    with pytest.raises(RetryableError) as raised:
        expect_json_object(answer_, provider="firecrawl")
    assert raised.value.message.startswith(f"firecrawl: HTTP 200 answer is {SAID[name]}")
    assert len(error_text(answer_, "error")) <= 301
    assert "\n" not in body_text(answer_)


def test_json_helpers_read_a_good_body() -> None:
    good = response(json.dumps({"status": "ok", "n": 1.5, "error": "quota"}).encode())
    assert expect_json_object(good, provider="x") == {"status": "ok", "n": 1.5, "error": "quota"}
    assert error_text(good, "message", "error") == "quota"


def test_body_text_names_an_html_page_by_its_title_and_shortens_text() -> None:
    page = response(b"<html><title> Bad\n gateway </title>" + b"x" * 10**6, "text/html")
    assert body_text(page) == "an HTML page: Bad gateway (from a proxy or gateway?)"
    long = response(b"word " * 1000, "text/plain")
    assert body_text(long, 20) == "word word word word …"


@pytest.mark.parametrize(
    "error",
    [
        h11.LocalProtocolError("Illegal header value b'Bearer fc-0123456789abcdef\\n'"),
        httpx.LocalProtocolError("Illegal header value b'Bearer fc-0123456789abcdef\\n'"),
        httpx.RemoteProtocolError("bad header: bytearray(b'Bearer fc-0123456789abcdef')"),
        httpx.ReadError('echoed "Bearer fc-0123456789abcdef"'),
        httpx.ConnectError("proxy said Bearer fc-0123456789abcdef is wrong"),
    ],
    ids=["h11-local", "httpx-local", "remote-bytearray", "quoted", "bare"],
)
def test_a_transport_error_never_shows_a_header_value(error: Exception) -> None:
    request = httpx.Request(
        "GET", "http://e.x/", headers={"Authorization": "Bearer fc-0123456789abcdef"}
    )
    text = describe_transport_error(error, request)
    assert "0123456789abcdef" not in text
    assert text
    assert "\n" not in text


def test_send_maps_every_httpx_error_to_a_retryable_one() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.DecodingError("Error -3 while decompressing data")

    async def main() -> None:
        async with Client(httpx.MockTransport(handler)) as client:
            with pytest.raises(RetryableError, match="^connection error: Error -3 while"):
                await send(client, client.build_request("GET", "http://e.x/"), 1)

    run(main())


def test_debug_lines_redact_the_key() -> None:
    key = "sk-live-0123456789abcdef"

    async def main() -> str:
        log = io.StringIO()
        async with Client(env={}, debug=log) as client:
            url = f"{server.url}/v1/jobs/7"
            await get(client, url, Authorization=f"Bearer {key}")
            await send(client, client.build_request("DELETE", url), 5)
            await get(client, url, Authorization="Bearer short")
        return log.getvalue().replace(str(server.port), "PORT")

    with HostileServer(serving(answer(b"{}", status="404 Not Found"))) as server:
        lines = run(main()).splitlines()
    assert lines == [
        "debug: → GET http://127.0.0.1:PORT/v1/jobs/7 Authorization: Bearer …cdef",
        "debug: ← 404 GET http://127.0.0.1:PORT/v1/jobs/7",
        "debug: → DELETE http://127.0.0.1:PORT/v1/jobs/7",
        "debug: ← 404 DELETE http://127.0.0.1:PORT/v1/jobs/7",
        "debug: → GET http://127.0.0.1:PORT/v1/jobs/7 Authorization: Bearer …",
        "debug: ← 404 GET http://127.0.0.1:PORT/v1/jobs/7",
    ]
    assert "0123456789" not in "\n".join(lines)


def test_proxy_variables_become_httpx_mount_patterns() -> None:
    env = {
        "http_proxy": "proxy.corp:3128",
        "HTTP_PROXY": "http://ignored:1",
        "HTTPS_PROXY": "http://tls-proxy:8080",
        "no_proxy": "internal.corp, 10.0.0.1, ::1, localhost, http://plain.example",
    }
    assert environment_proxies(env) == {
        "http://": "http://proxy.corp:3128",
        "https://": "http://tls-proxy:8080",
        "all://*internal.corp": None,
        "all://10.0.0.1": None,
        "all://[::1]": None,
        "all://localhost": None,
        "http://plain.example": None,
    }
    assert environment_proxies({"ALL_PROXY": "http://p:1", "NO_PROXY": "a, *"}) == {}


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"])
def test_a_proxy_named_in_the_env_carries_every_request(variable: str) -> None:
    async def main() -> list[bytes]:
        async with Client(env={variable: proxy.url}) as client:
            return [(await get(client, f"{server.url}/jobs/{n}")).content for n in range(2)]

    with HostileServer(serving(answer(b"via proxy"))) as server, ForwardProxy() as proxy:
        assert run(main()) == [b"via proxy"] * 2
    assert proxy.targets == [f"GET {server.url}/jobs/{n} HTTP/1.1".encode() for n in range(2)]
    assert len(proxy.conns) == 1  # kept alive to the proxy too


def test_no_proxy_sends_straight_to_the_server() -> None:
    async def main() -> bytes:
        env = {"HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"}
        async with Client(env=env) as client:
            return (await get(client, server.url + "/direct")).content

    with HostileServer(serving(answer(b"direct"))) as server, ForwardProxy() as proxy:
        assert run(main()) == b"direct"
    assert proxy.conns == []
    assert request_line(server.requests[0]) == b"GET /direct HTTP/1.1"


def test_an_injected_transport_ignores_the_proxy() -> None:
    async def main() -> bytes:
        env = {"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url}
        async with Client(PoolTransport(), env=env) as client:
            return (await get(client, server.url + "/")).content

    with HostileServer(serving(answer(b"direct"))) as server, ForwardProxy() as proxy:
        assert run(main()) == b"direct"
    assert proxy.conns == []


def test_a_streamed_answer_is_left_to_the_caller() -> None:
    async def main() -> bytes:
        async with Client(env={}) as client:
            streamed = await client.send(client.build_request("GET", server.url), stream=True)
            try:
                return await streamed.aread()
            finally:
                await streamed.aclose()

    with HostileServer(serving(answer(b"streamed"))) as server:
        assert run(main()) == b"streamed"


# Redirects (issue 22): named, never followed, never with what could hold a secret

REQUESTED = "https://api.firecrawl.dev/v2/batch/scrape/j1"


def redirect(status: int, location: str | None) -> httpx.Response:
    headers = {"Location": location} if location is not None else {}
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", REQUESTED))


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("https://api.example.com/v2/x", "https://api.example.com/v2/x"),
        ("https://u:secret@api.example.com:8443/v2/x?key=secret#f", "https://api.example.com:8443/v2/x?…"),
        ("/v3/moved", "https://api.firecrawl.dev/v3/moved"),
        ("moved", "https://api.firecrawl.dev/v2/batch/scrape/moved"),
        ("https://[::1]:8080/p", "https://[::1]:8080/p"),
        ("https://a.example/" + "p" * 500, "https://a.example/" + "p" * 142 + "…"),
        ("https://a.example/\x1b[31mred", "https://a.example/\ufffdred"),
    ],
)  # fmt: skip
def test_a_redirect_says_where_it_points_and_nothing_that_could_hold_a_secret(
    location: str, shown: str
) -> None:
    assert redirect_text(redirect(301, location)) == (
        f"HTTP 301 redirect to {shown} (jobwatch does not follow redirects: use that base URL)"
    )


def test_a_redirect_without_a_location_or_with_a_broken_one_says_so() -> None:
    assert redirect_text(redirect(307, None)) == (
        "HTTP 307 redirect without a Location (jobwatch does not follow redirects)"
    )
    assert redirect_text(redirect(302, "http://[::1")) == (
        "HTTP 302 redirect to a Location that is not a URL (not followed)"
    )


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_a_state_unknown_error(status: int) -> None:
    with pytest.raises(StateUnknownError) as raised:
        raise_for_status(redirect(status, "/elsewhere"), "an HTML page", provider="firecrawl")
    assert raised.value.message == (
        f"firecrawl: HTTP {status} redirect to https://api.firecrawl.dev/elsewhere "
        "(jobwatch does not follow redirects: use that base URL)"
    )


def test_the_client_sets_a_location_aside_so_httpx_never_parses_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "http://[::1"})

    async def main() -> httpx.Response:
        async with Client(httpx.MockTransport(handler)) as client:
            return await get(client, REQUESTED)

    answered = run(main())
    assert answered.status_code == 301 and "Location" not in answered.headers
    assert answered.extensions[LOCATION] == "http://[::1"


def test_an_error_text_is_one_clean_bounded_line() -> None:
    body = json.dumps({"error": "\x1b[31mbad\x1b[0m " + "z" * 5000}).encode()
    text = error_text(httpx.Response(400, content=body), "error")
    assert text == "\ufffdbad\ufffd " + "z" * 294 + "… (5,006 characters)"


NOT_HTTP = "jobwatch uses http:// and https:// proxies (not SOCKS or others)"


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("HTTP_PROXY", "http://[::1", "it is not a URL (http://HOST:PORT)"),
        ("HTTPS_PROXY", "ftp://p:21", NOT_HTTP),
        ("ALL_PROXY", "socks5h://p:1080", NOT_HTTP),
        ("HTTP_PROXY", "http://:8080", "it names no host, or a port that does not exist"),
        ("HTTP_PROXY", "http://u:pass@p:70000", "it names no host, or a port that does not exist"),
    ],
)  # fmt: skip
def test_a_proxy_jobwatch_cannot_use_is_a_usage_error_that_never_quotes_it(
    variable: str, value: str, why: str
) -> None:
    with pytest.raises(UsageError) as raised:
        proxied_client({variable: value})
    assert raised.value.message == (
        f"the proxy in {variable} (or {variable.lower()}) cannot be used: {why}"
    )
    assert "pass" not in raised.value.message
