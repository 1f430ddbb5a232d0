"""Files the user names: reading a small text file (a jobs file, the config file) with a bounded
read, so that a huge file, /dev/zero or an endless pipe ends at once with exit 2 instead of eating
memory; and writing a file atomically (the config file, --summary-file, --jobs-out)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
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


def write_atomically(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace the file at `path` with `data` in one rename: a reader sees the old file or the
    new one, never half of either, and the old file stays whole when anything fails. The temp
    file is made in the target's own folder (a rename never crosses file systems). A symlink is
    written through to its target, so the link stays a link. `mode`: the new file's
    permissions (default: an existing file's, else 0644).

    A path that exists and is not a regular file (`/dev/stdout`, a FIFO, `/dev/full`) is
    written in place: renaming over a device would replace the device. An existing file
    without write permission is refused, as the shell's `>` refuses it."""
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        with open(target, "wb") as handle:
            handle.write(data)
        return
    if info is not None and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    if mode is None:
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o644
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        where = f"{exc.strerror or exc} (making a temporary file in {target.parent})"
        raise OSError(exc.errno, where) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def append_text(path: Path, text: str) -> None:
    """Append `text` to the file at `path` (created if missing) in one write."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)
