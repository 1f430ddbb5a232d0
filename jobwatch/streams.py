"""Where output goes: stdout for data, stderr for people, and a stderr that a closed reader
cannot turn into an error (README: States and exit codes: a closed stderr only silences the human
output)."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import httpx


class SilentOnError(io.TextIOBase):
    """A text stream that drops what it cannot write (a closed pipe, a closed descriptor)
    instead of raising; `broken` tells that it happened."""

    def __init__(self, inner: TextIO | None) -> None:
        super().__init__()
        self.inner = inner
        self.broken = inner is None

    def write(self, text: str) -> int:
        if not self.broken and self.inner is not None:
            try:
                self.inner.write(text)
            except (OSError, ValueError):
                self.broken = True
        return len(text)

    def flush(self) -> None:
        if not self.broken and self.inner is not None:
            try:
                self.inner.flush()
            except (OSError, ValueError):
                self.broken = True

    def isatty(self) -> bool:
        try:
            return not self.broken and self.inner is not None and self.inner.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self.inner is None:
            raise io.UnsupportedOperation("no file descriptor")
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True


def guard_stderr() -> None:
    """Make sys.stderr one that never raises: called once by the console script."""
    if not isinstance(sys.stderr, SilentOnError):
        sys.stderr = SilentOnError(sys.stderr)


@dataclass
class Streams:
    """Where output goes, and the environment that decides how it looks. Injected by tests."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    transport: httpx.AsyncBaseTransport | None = None


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
