"""A jobs file read with a bounded read (issue 10, files): over 1 MiB refused at once with exit
2, also for /dev/zero and endless pipes; not UTF-8 named; a FIFO under the cap is fine."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from jobwatch.cli.refs import load_jobs_file
from jobwatch.core.errors import UsageError
from jobwatch.files import ONE_MIB, read_small_bytes, read_small_text
from tests.cli_helpers import clean_environment, invoke
from tests.e2e.conftest import clean_env

JOB = '[[job]]\nprovider = "firecrawl"\nid = "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"\n'


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def test_a_file_of_exactly_1_mib_is_read(tmp_path: Path) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text(JOB + "#" * (ONE_MIB - len(JOB) - 1) + "\n")
    assert path.stat().st_size == ONE_MIB
    assert [ref.job_id for ref in load_jobs_file(path)] == ["1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"]


def test_one_byte_more_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text(JOB + "#" * (ONE_MIB - len(JOB)) + "\n")
    with pytest.raises(UsageError) as info:
        load_jobs_file(path)
    assert info.value.exit_code == 2
    assert info.value.message == f"jobs file {path} is larger than 1 MiB"


def test_a_file_that_is_not_utf8_is_exit_2_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "jobs.toml"
    path.write_bytes(JOB.encode() + b"# caf\xe9\n")
    result = invoke(["watch", "--file", str(path)], tmp_path / "cfg")
    assert result.exit_code == 2
    assert f"jobs file {path} is not UTF-8 text" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("folder", "Is a directory"),
        ("missing", "No such file or directory"),
        ("file/under", "Not a directory"),
    ],
)
def test_what_cannot_be_read_is_exit_2_naming_it(tmp_path: Path, name: str, says: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    path = tmp_path / name
    with pytest.raises(UsageError) as info:
        read_small_text(path, "jobs file")
    assert info.value.message == f"cannot read jobs file {path}: {says}"


def test_watch_file_dev_zero_ends_at_once_with_exit_2(tmp_path: Path) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "jobwatch", "watch", "--file", "/dev/zero"],
        capture_output=True,
        text=True,
        env=clean_env(str(tmp_path)),
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == "jobwatch: error: jobs file /dev/zero is larger than 1 MiB"
    assert time.monotonic() - started < 30


def test_an_endless_pipe_is_cut_at_the_cap(tmp_path: Path) -> None:
    fifo = tmp_path / "jobs.fifo"
    os.mkfifo(fifo)
    written: list[int] = []

    def endless_writer() -> None:
        total = 0
        try:
            with open(fifo, "wb") as pipe:
                while total < 64 * ONE_MIB:  # bounded; the reader stops long before
                    total += pipe.write(b"#" * 65536)
        except BrokenPipeError:
            pass
        written.append(total)

    writer = threading.Thread(target=endless_writer)
    writer.start()
    with pytest.raises(UsageError, match="larger than 1 MiB"):
        read_small_bytes(fifo, "jobs file")
    writer.join(timeout=30)
    assert written and written[0] < 64 * ONE_MIB  # the reader closed the pipe: not read to the end


def test_a_fifo_under_the_cap_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "jobs.fifo"
    os.mkfifo(fifo)

    def writer() -> None:
        with open(fifo, "w") as pipe:
            pipe.write(JOB)

    thread = threading.Thread(target=writer)
    thread.start()
    refs = load_jobs_file(fifo)
    thread.join(timeout=30)
    assert [(ref.provider, ref.job_id) for ref in refs] == [
        ("firecrawl", "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b")
    ]


def test_a_smaller_cap_is_named_in_bytes(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("x" * 11)
    with pytest.raises(UsageError) as info:
        read_small_text(path, "notes file", limit=10)
    assert info.value.message == f"notes file {path} is larger than 10 bytes"
    assert read_small_text(path, "notes file", limit=11) == "x" * 11
