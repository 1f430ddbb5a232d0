"""Drop a big top-level member of a JSON object while the body streams in, so it is never held
in memory or decoded (a Firecrawl status body carries its scraped documents in `data`: up to
10 MiB per page, PROVIDERS.md section 4, which jobwatch never reads).

`TopLevelFilter` is fed the body chunk by chunk and keeps every byte except the values of the
chosen top-level keys, which become `null`. The kept bytes parse (`json.loads`) to the same
object as the whole body, minus those values, for any key order, whitespace and escapes:
strings are tracked exactly (an escaped quote, or a bracket inside a string, never counts as
structure). The dropped values are skipped, not validated: their brackets and strings must
balance, but their contents are not checked. Anything that is not a JSON object (an HTML page
from a proxy, plain text) passes through unchanged.
"""

from __future__ import annotations

import json
import re

_STRUCTURE = re.compile(rb'["{}\[\],:]')
_QUOTE = 0x22
_BACKSLASH = 0x5C
_WHITESPACE = b" \t\r\n"


class TopLevelFilter:
    """Keeps a JSON object's bytes minus the values of `drop` keys at the top level."""

    def __init__(self, drop: frozenset[str]) -> None:
        self.drop = drop
        self.kept = bytearray()
        self._depth = 0
        self._in_string = False
        self._backslashes = 0  # length of the backslash run just before `pos` in a string
        self._skipping = False  # inside a dropped value
        self._started = False  # saw the first non-blank byte
        self._passthrough = False  # not a JSON object: keep everything
        self._key_start = -1  # where in `kept` the last top-level string began and ended
        self._key_end = -1

    def feed(self, chunk: bytes) -> None:
        if not self._started:
            stripped = chunk.lstrip(_WHITESPACE)
            if not stripped:
                self.kept += chunk
                return
            self._started = True
            self._passthrough = stripped[0] != ord("{")
        if self._passthrough:
            self.kept += chunk
            return
        pos, end = 0, len(chunk)
        while pos < end:
            if self._in_string:
                pos = self._string(chunk, pos, end)
            else:
                pos = self._structure(chunk, pos, end)

    def _keep(self, chunk: bytes, start: int, stop: int) -> None:
        if not self._skipping and stop > start:
            self.kept += chunk[start:stop]

    def _string(self, chunk: bytes, pos: int, end: int) -> int:
        """Inside a string: find its closing quote (one not escaped by a backslash)."""
        begin = start = pos  # kept from `begin`; backslashes counted from `start`
        while True:
            quote = chunk.find(b'"', start, end)
            if quote < 0:
                # No end here: remember how many backslashes the chunk ends with.
                run = _backslash_run(chunk, start, end)
                self._backslashes = run + self._backslashes if run == end - start else run
                self._keep(chunk, begin, end)
                return end
            run = _backslash_run(chunk, start, quote)
            if run == quote - start:
                run += self._backslashes
            if run % 2 == 0:
                break
            start, self._backslashes = quote + 1, 0  # an escaped quote: still in the string
        self._in_string = False
        self._backslashes = 0
        self._keep(chunk, begin, quote + 1)
        if self._depth == 1 and not self._skipping:
            self._key_end = len(self.kept)
        return quote + 1

    def _structure(self, chunk: bytes, pos: int, end: int) -> int:
        """Outside strings: the next quote, bracket, comma or colon."""
        match = _STRUCTURE.search(chunk, pos, end)
        if match is None:
            self._keep(chunk, pos, end)
            return end
        at = match.start()
        char = chunk[at]
        self._keep(chunk, pos, at)
        if char == _QUOTE:
            self._in_string = True
            self._backslashes = 0
            if self._depth == 1 and not self._skipping:
                self._key_start, self._key_end = len(self.kept), -1
        elif char in b"{[":
            self._depth += 1
        elif char in b"}]" or char == ord(","):
            if self._depth == 1 and self._skipping:
                self._skipping = False  # the dropped value ended
                self.kept += b"null"
            if char != ord(","):
                self._depth -= 1
        elif char == ord(":") and self._depth == 1 and not self._skipping:
            self.kept += b":"
            if self._key() in self.drop:
                self._skipping = True
            return at + 1
        self._keep(chunk, at, at + 1)
        return at + 1

    def _key(self) -> str | None:
        """The top-level string just before this colon, if only blanks stand between."""
        if self._key_start < 0 or self._key_end < 0:
            return None
        if self.kept[self._key_end :].strip(_WHITESPACE) != b":":
            return None
        try:
            key = json.loads(self.kept[self._key_start : self._key_end])
        except ValueError:
            return None
        return key if isinstance(key, str) else None


def _backslash_run(chunk: bytes, start: int, stop: int) -> int:
    """How many backslashes end chunk[start:stop]."""
    at = stop
    while at > start and chunk[at - 1] == _BACKSLASH:
        at -= 1
    return stop - at


def without_keys(body: bytes, drop: frozenset[str], chunk_size: int = 65536) -> bytes:
    """`body` minus the values of the top-level `drop` keys (see TopLevelFilter)."""
    keep = TopLevelFilter(drop)
    for start in range(0, len(body), chunk_size):
        keep.feed(body[start : start + chunk_size])
    return bytes(keep.kept)
