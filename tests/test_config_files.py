"""Writing and reading the config file when the disk or the folder says no (issue 10, files;
PRODUCT.md section 5): exit 2 naming the file, the old file intact, no temp file left behind,
and a symlinked config.toml written through to its target."""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from tests.cli_helpers import FC_KEY, clean_environment, invoke

OLD = {"profiles": {"default": {"coze": {"region": "cn"}}}}


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def auth_set(folder: Path, key: str = FC_KEY) -> Any:
    return invoke(["auth", "set", "firecrawl"], folder, input=key + "\n")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def one_clean_line(result: Any, path: Path) -> None:
    assert result.exit_code == 2, result.output
    assert f"cannot write config file {path}: " in result.stderr
    assert result.stderr.count("\n") == 1
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_config_folder_under_a_regular_file_is_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("I am a file\n")
    folder = blocker / "jobwatch"
    result = auth_set(folder)
    one_clean_line(result, folder / "config.toml")
    assert "Not a directory" in result.stderr
    assert blocker.read_text() == "I am a file\n"


def test_a_lock_file_that_cannot_be_opened_is_exit_2_and_the_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(OLD))
    (tmp_path / ".config.lock").mkdir()
    one_clean_line(auth_set(tmp_path), path)
    assert tomllib.loads(path.read_text()) == OLD


def test_a_directory_where_config_toml_should_be_is_exit_2_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    result = auth_set(tmp_path)
    assert result.exit_code == 2
    assert f"config file {path}: Is a directory" in result.stderr
    assert path.is_dir() and list(path.iterdir()) == []
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The disk fills up (fsync) or the rename is refused: nothing is lost or half written."""
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(OLD))
    before = path.read_bytes()

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, no_space)
    result = auth_set(tmp_path)
    monkeypatch.undo()
    one_clean_line(result, path)
    assert "No space left on device" in result.stderr
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_folder_is_exit_2(tmp_path: Path) -> None:  # pragma: no cover - not root
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(OLD))
    os.chmod(tmp_path, 0o500)
    try:
        result = auth_set(tmp_path)
    finally:
        os.chmod(tmp_path, 0o700)
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert tomllib.loads(path.read_text()) == OLD


def test_a_symlinked_config_is_written_through_to_its_target(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "jobwatch.toml"
    target.write_text(tomli_w.dumps(OLD))
    folder = tmp_path / "cfg"
    folder.mkdir()
    link = folder / "config.toml"
    link.symlink_to(target)
    result = auth_set(folder)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    written = tomllib.loads(target.read_text())
    assert written["profiles"]["default"] == {
        "coze": {"region": "cn"},
        "firecrawl": {"api_key": FC_KEY},
    }
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(folder) == [] and leftovers(dotfiles) == []
    # And `auth remove` writes through the link as well.
    assert invoke(["auth", "remove", "firecrawl"], folder).exit_code == 0
    assert link.is_symlink()
    assert tomllib.loads(target.read_text()) == OLD


def test_a_chain_of_symlinks_is_followed_to_the_end(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_text(tomli_w.dumps(OLD))
    (tmp_path / "middle.toml").symlink_to(target)
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "config.toml").symlink_to(tmp_path / "middle.toml")
    assert auth_set(folder).exit_code == 0
    assert (tmp_path / "middle.toml").is_symlink()
    assert "firecrawl" in tomllib.loads(target.read_text())["profiles"]["default"]


def test_a_symlink_into_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    link = folder / "config.toml"
    link.symlink_to(tmp_path / "gone" / "config.toml")
    one_clean_line(auth_set(folder), link)
    assert link.is_symlink()
    assert leftovers(folder) == []


def test_a_config_file_linked_to_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "config.toml").symlink_to("/dev/zero")
    result = invoke(["auth", "list"], tmp_path)
    assert result.exit_code == 2
    assert f"config file {tmp_path / 'config.toml'} is larger than 1 MiB" in result.stderr


def test_an_unreadable_config_file_is_exit_2_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.symlink_to(path)  # a loop: no one can read it, root included
    result = invoke(["auth", "list"], tmp_path)
    assert result.exit_code == 2
    assert f"cannot read config file {path}" in result.stderr
