"""Reading an answer's body into one buffer, with a cap on the bytes received and on the bytes
after decompression: a gzip bomb or an endless body fails that poll, never the machine."""

from __future__ import annotations

import zlib

import httpx

from jobwatch.core.errors import RetryableError

MAX_BODY = 32 * 1024 * 1024  # a Firecrawl page is at most 10 MB (docs/providers/firecrawl.md#pages)
_MIB = 1024 * 1024
_BODY_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding"})


class _Inflater:
    """gzip or deflate, decompressed a bounded piece at a time (zlib's `max_length`)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._gzip = encoding != "deflate"
        self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._first = True

    def feed(self, data: bytes, out: bytearray, cap: int) -> None:
        while data and not self._zlib.eof:
            room = cap - len(out)
            try:
                out += self._zlib.decompress(data, room + 1)
            except zlib.error:
                if self._gzip or not self._first:
                    raise
                # "deflate" is meant to be zlib-wrapped, but some servers send it raw.
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                continue
            self._first = False
            if len(out) > cap:
                raise RetryableError(
                    f"answer larger than {cap // _MIB} MiB once decompressed ({self.encoding}); "
                    "not read"
                )
            data = self._zlib.unconsumed_tail

    def finish(self) -> None:
        if not self._zlib.eof:
            raise zlib.error("the compressed data ends too early")


def _inflater(response: httpx.Response) -> _Inflater | None:
    codings = [
        coding.strip().lower()
        for coding in response.headers.get("Content-Encoding", "").split(",")
        if coding.strip().lower() not in ("", "identity")
    ]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflater(codings[0])
    raise RetryableError(f"answer in an encoding jobwatch cannot read: {', '.join(codings)[:60]}")


async def read_capped(response: httpx.Response, cap: int = MAX_BODY) -> bytes:
    """The whole body of a streamed `response`, decompressed, or RetryableError past `cap`.

    The response is closed in every case; a connection left unread is not reused.
    """
    try:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise RetryableError(
                f"answer larger than {cap // _MIB} MiB ({int(declared):,} bytes announced); "
                "not read"
            )
        inflater = _inflater(response)
        out = bytearray()
        received = 0
        # The response's stream itself, as httpx's aiter_raw() reads it, minus that wrapper's
        # own layers (an async generator and a context manager per answer).
        stream = response.stream
        if not isinstance(stream, httpx.AsyncByteStream):
            raise RuntimeError("the answer cannot be read asynchronously")
        if response.is_stream_consumed:
            raise httpx.StreamConsumed()
        response.is_stream_consumed = True
        async for chunk in stream:
            received += len(chunk)
            if received > cap:
                raise RetryableError(f"answer larger than {cap // _MIB} MiB; not read past it")
            if inflater is None:
                out += chunk
            else:
                try:
                    inflater.feed(chunk, out, cap)
                except zlib.error as exc:
                    raise RetryableError(f"corrupt {inflater.encoding} answer: {exc}") from None
        if inflater is not None:
            try:
                inflater.finish()
            except zlib.error as exc:
                raise RetryableError(f"corrupt {inflater.encoding} answer: {exc}") from None
        return bytes(out)
    finally:
        await response.aclose()


async def read_whole(response: httpx.Response, cap: int = MAX_BODY) -> httpx.Response:
    """A streamed response, read: its `content` is the (capped, decoded) body."""
    if response.is_stream_consumed:
        ready = response.content  # read already: a test's httpx.MockTransport built it whole
        if len(ready) > cap:
            raise RetryableError(f"answer larger than {cap // _MIB} MiB; not read past it")
        return response
    content = await read_capped(response, cap)
    # The body goes into the response itself (where httpx's own read() puts it), instead of a
    # second Response built around it: `content`, `text` and `json()` read it from there.
    response._content = content
    # httpx's client left the response and its stream pointing at each other (a cycle only the
    # garbage collector frees): a plain stream over the content lets the body go with the
    # response, as it does for one built with content=.
    response.stream = httpx.ByteStream(content)
    if "Content-Encoding" in response.headers:
        # Decoded already: the response must not claim otherwise.
        for name in _BODY_HEADERS:
            response.headers.pop(name, None)
    return response
