"""jobwatch/files.py's atomic writer: a reader sees the old file or the new one, the old one
stays whole when writing fails, and what is not a regular file is never replaced."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from jobwatch.files import append_text, write_atomically


def test_a_new_file_then_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_atomically(path, b"one\n")
    assert path.read_bytes() == b"one\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o600)
    inode = path.stat().st_ino
    write_atomically(path, b"two\n")
    assert path.read_bytes() == b"two\n"
    assert path.stat().st_ino != inode  # renamed over, not written in place
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temp file left


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    target, link = tmp_path / "target", tmp_path / "link"
    target.write_text("old")
    link.symlink_to(target)
    write_atomically(link, b"new", mode=0o600)
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_folder_a_missing_folder_and_a_device(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_atomically(tmp_path, b"x")
    with pytest.raises(FileNotFoundError, match="making a temporary file in"):
        write_atomically(tmp_path / "no" / "file", b"x")
    with pytest.raises(OSError, match="No space left on device"):
        write_atomically(Path("/dev/full"), b"x")  # written in place: the device stays
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    write_atomically(Path(os.devnull), b"x")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a read-only file anyway")
def test_a_read_only_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "kept"
    path.write_text("keep")
    path.chmod(0o444)
    with pytest.raises(PermissionError):
        write_atomically(path, b"x")
    assert path.read_text() == "keep"


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    """A write that fails halfway (a file-size limit: the disk filling up would do the same)."""
    path = tmp_path / "out"
    path.write_text("old")
    script = (
        "import resource, signal, sys; from pathlib import Path; "
        "from jobwatch.files import write_atomically; "
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000)); "
        "write_atomically(Path(sys.argv[1]), b'x' * 100_000)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1 and "File too large" in done.stderr, done.stderr
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_append_text(tmp_path: Path) -> None:
    path = tmp_path / "log"
    append_text(path, "a\n")
    append_text(path, "b\n")
    assert path.read_text() == "a\nb\n"
