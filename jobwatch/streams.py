"""Where output goes: stdout for data, stderr for people, and a stderr that a closed reader
cannot turn into an error (README: States and exit codes: a closed stderr only silences the human
output). A stdout that cannot take jobwatch's data (closed at start, a reader that left, a full
disk) ends the run with 141 (README: Troubleshooting, Exit 141)."""

from __future__ import annotations

import codecs
import errno
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


class DataOut(io.TextIOBase):
    """stdout for data: the first write that fails (stdout closed at start, its reader gone,
    a full disk) says why on stderr (not when the reader merely left: `… | head -1`), sends
    what is left to /dev/null and raises BrokenPipeError, which ends the run with 141 (cli
    main). Each write is flushed, so a failure is raised here and never at exit. (The error
    carries no errno: Click turns an EPIPE OSError into exit 1.)"""

    def __init__(self, inner: TextIO | None) -> None:
        super().__init__()
        self.inner = inner
        self.lost = False

    def write(self, text: str) -> int:
        if self.lost:
            raise BrokenPipeError("stdout is lost")
        try:
            if self.inner is None:
                raise OSError(errno.EBADF, "stdout is closed")
            try:
                self.inner.write(text)
            except UnicodeEncodeError:  # an encoding that could not be told to escape
                self.inner.write(text.encode(self.encoding, ESCAPE_ERRORS).decode(self.encoding))
            self.inner.flush()
        except (OSError, ValueError) as exc:
            self._lose(exc)
            raise BrokenPipeError("stdout is lost") from None
        return len(text)

    def _lose(self, exc: Exception) -> None:
        self.lost = True
        stdout_lost(exc if self.inner is not None else None)

    def flush(self) -> None:
        if not self.lost and self.inner is not None:
            try:
                self.inner.flush()
            except (OSError, ValueError) as exc:
                self._lose(exc)

    def isatty(self) -> bool:
        try:
            return not self.lost and self.inner is not None and self.inner.isatty()
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


def stdout_lost(exc: BaseException | None) -> None:
    """Say why stdout cannot take data (`exc`; None: it was closed at start), unless its
    reader merely left, and send what is still buffered to /dev/null, so that it does not
    fail again when Python exits."""
    if not isinstance(exc, BrokenPipeError):
        if isinstance(exc, OSError) and exc.errno != errno.EBADF:
            why = exc.strerror or type(exc).__name__
        else:  # None, EBADF, or ValueError: I/O on a closed file
            why = "it is closed"
        try:
            print(f"jobwatch: error: cannot write to stdout: {why}", file=sys.stderr)
        except (OSError, ValueError):
            pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: what the stream's encoding cannot hold becomes a JSON
    escape (`\\u2026`, a surrogate pair beyond U+FFFF), valid inside a JSON string and
    readable in a line."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


ESCAPE_ERRORS = "jobwatch-json-escape"
codecs.register_error(ESCAPE_ERRORS, _json_escape)


def _escape_what_cannot_be_encoded(stream: TextIO | None, *, data: bool = False) -> None:
    """A stdout or stderr whose encoding is not UTF-8 (a C locale, PYTHONIOENCODING=latin-1)
    escapes what it cannot hold instead of raising. stdout (`data`) is then ASCII, every
    other character escaped: its JSON stays valid JSON whatever the encoding."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        if codecs.lookup(encoding).name != "utf-8":
            changes = {"encoding": "ascii"} if data else {}
            stream.reconfigure(errors=ESCAPE_ERRORS, **changes)  # type: ignore[union-attr]
    except (AttributeError, LookupError, ValueError, OSError):
        pass


def _occupy_if_closed(fd: int, flags: int) -> None:
    """/dev/null on a standard descriptor that was closed at start (`>&-`), so that no file or
    socket jobwatch opens later lands on it (and gets what is meant for stdout)."""
    try:
        os.fstat(fd)
    except OSError:
        try:
            null = os.open(os.devnull, flags)
        except OSError:
            return
        if null != fd:
            os.dup2(null, fd)
            os.close(null)


def guard_stdout() -> None:
    """Make sys.stdout a DataOut (and occupy standard descriptors closed at start): called
    once by the console script, before anything is written or opened. sys.stdin and
    sys.stderr stay None when they were closed: `-` then says stdin is closed."""
    for fd, flags in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        _occupy_if_closed(fd, flags)
    if not isinstance(sys.stdout, DataOut):
        _escape_what_cannot_be_encoded(sys.stdout, data=True)
        sys.stdout = DataOut(sys.stdout)


def guard_stderr() -> None:
    """Make sys.stderr one that never raises: called once by the console script."""
    if not isinstance(sys.stderr, SilentOnError):
        _escape_what_cannot_be_encoded(sys.stderr)
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
