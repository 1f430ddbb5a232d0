"""Request heads as h11 events, validated once per request object.

h11 checks every header name and value (and the method and target) each time an
`h11.Request` is built from plain pairs; an `h11.Request` built once is immutable and can be
sent again on any connection. The poll loop sends the same httpx.Request every poll, so each
one's h11 event is kept (weakly: it goes with the request) and reused as long as the
request's method, target and headers are what they were when it was built."""

from __future__ import annotations

import weakref

import h11
import httpx

# What an h11.Request was built from: method, target, raw header pairs.
_Source = tuple[bytes, bytes, list[tuple[bytes, bytes]]]


class RequestHeads:
    """The h11.Request event of each httpx.Request, built (and validated by h11) once."""

    def __init__(self) -> None:
        self._built: weakref.WeakKeyDictionary[httpx.Request, tuple[_Source, h11.Request]] = (
            weakref.WeakKeyDictionary()
        )

    def head(self, request: httpx.Request) -> h11.Request:
        source = (request.method.encode("ascii"), request.url.raw_path, request.headers.raw)
        kept = self._built.get(request)
        if kept is not None and kept[0] == source:
            return kept[1]
        try:
            event = h11.Request(method=source[0], target=source[1], headers=source[2])
        except h11.LocalProtocolError:
            # h11's text quotes the offending value, which may be a credential: never shown.
            raise httpx.LocalProtocolError(
                "the request has a header h11 refuses to send (a line break or control "
                "character in a value?)"
            ) from None
        self._built[request] = (source, event)
        return event
