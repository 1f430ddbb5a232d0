"""Reading a small text file the user names (a jobs file, the config file) with a bounded read:
a huge file, /dev/zero or an endless pipe ends at once with exit 2 instead of eating memory."""

from __future__ import annotations

from pathlib import Path

from jobwatch.core.errors import UsageError

ONE_MIB = 1 << 20


def _size_text(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit % ONE_MIB == 0 else f"{limit} bytes"


def read_small_bytes(path: Path, what: str, limit: int = ONE_MIB) -> bytes:
    """At most `limit` bytes of `path` (a FIFO or a character device too). A file that does not
    exist raises FileNotFoundError (or NotADirectoryError: a folder on its way is a file) for
    the caller to decide; any other failure is a UsageError naming `what` and the path."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise UsageError(f"{what} {path} is larger than {_size_text(limit)}")
    return raw


def read_small_text(path: Path, what: str, limit: int = ONE_MIB) -> str:
    """The UTF-8 text of `path`, read as read_small_bytes does; a missing file or one that is
    not UTF-8 is a UsageError (exit 2) naming `what` and the path."""
    try:
        raw = read_small_bytes(path, what, limit)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{what} {path} is not UTF-8 text (bad byte at offset {exc.start})"
        ) from None
