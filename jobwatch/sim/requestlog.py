"""The simulator's request log: one line per request served, to a stream or a file.

A line reads `2026-03-01T12:00:00.123Z GET /v2/crawl/abc?skip=10 200` (`-` for a connection
closed without an answer). Headers are never written, so no Authorization value is; query
values whose name looks like a credential are written as `***`.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import quote

from jobwatch.sim.replies import SimRequest, iso_millis

LogTarget = TextIO | str | os.PathLike[str]

_SECRET = re.compile(r"key|token|secret|password|auth|signature", re.IGNORECASE)


def request_line(request: SimRequest, status: int | None) -> str:
    """The log line of one request (without its time), credentials in the query masked."""
    pairs = [
        f"{quote(name, safe='')}={'***' if _SECRET.search(name) else quote(value, safe='')}"
        for name, values in request.query.items()
        for value in values
    ]
    target = quote(request.path, safe="/") + ("?" + "&".join(pairs) if pairs else "")
    return f"{request.method} {target} {status if status is not None else '-'}"


class RequestLog:
    """Writes request lines to a stream (left open) or a file it opened (closed by close)."""

    def __init__(self, stream: TextIO, owned: bool) -> None:
        self._stream = stream
        self._owned = owned
        self._lock = threading.Lock()

    @classmethod
    def open(cls, target: LogTarget | None) -> RequestLog | None:
        """A log on `target`: a text stream, or a path opened for appending; None for none."""
        if target is None:
            return None
        if isinstance(target, str | os.PathLike):
            return cls(open(target, "a", encoding="utf-8"), owned=True)  # noqa: SIM115
        return cls(target, owned=False)

    def write(self, request: SimRequest, status: int | None) -> None:
        line = f"{iso_millis(datetime.now(UTC))} {request_line(request, status)}\n"
        with self._lock:
            if self._stream.closed:
                return
            self._stream.write(line)
            self._stream.flush()

    def close(self) -> None:
        with self._lock:
            if self._owned and not self._stream.closed:
                self._stream.close()
