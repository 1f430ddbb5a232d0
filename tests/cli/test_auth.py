"""`jobwatch auth set|list|remove|path` (PRODUCT.md section 5)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import platformdirs
import pytest
import tomli_w

from tests.cli_helpers import CZ_KEY, FC_KEY, ZZ_KEY, clean_environment, invoke


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def stored(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "config.toml").read_text(encoding="utf-8"))


def auth_set(folder: Path, *args: str, key: str | None = None, **kw: Any) -> Any:
    return invoke(["auth", "set", *args], folder, input=key, **kw)


# -- auth set -----------------------------------------------------------------------------------


def test_set_reads_the_key_from_stdin_and_prints_it_masked(tmp_path: Path) -> None:
    result = auth_set(tmp_path, "firecrawl", key=FC_KEY + "\n")
    assert result.exit_code == 0, result.output
    assert stored(tmp_path) == {"profiles": {"default": {"firecrawl": {"api_key": FC_KEY}}}}
    assert "fc-…9f2a" in result.stderr
    assert "default" in result.stderr
    assert str(tmp_path / "config.toml") in result.stderr
    # Data on stdout is nothing: the confirmation is for humans.
    assert result.stdout == ""


def test_set_strips_surrounding_white_space(tmp_path: Path) -> None:
    assert auth_set(tmp_path, "coze", key=f"  {CZ_KEY}\r\n\n").exit_code == 0
    assert stored(tmp_path)["profiles"]["default"]["coze"] == {"api_key": CZ_KEY}


def test_set_under_a_profile_from_option_or_environment(tmp_path: Path) -> None:
    assert auth_set(tmp_path, "firecrawl", "--profile", "ci", key=FC_KEY).exit_code == 0
    result = auth_set(tmp_path, "coze", key=CZ_KEY, env={"JOBWATCH_PROFILE": "team"})
    assert result.exit_code == 0
    assert stored(tmp_path) == {
        "profiles": {
            "ci": {"firecrawl": {"api_key": FC_KEY}},
            "team": {"coze": {"api_key": CZ_KEY}},
        }
    }


def test_set_replaces_a_key_and_keeps_the_other_settings(tmp_path: Path) -> None:
    first = auth_set(tmp_path, "zilliz", "--region", "cn", "--cluster-id", "in01-abc", key="old")
    assert first.exit_code == 0
    assert auth_set(tmp_path, "zilliz", key=ZZ_KEY).exit_code == 0
    assert stored(tmp_path)["profiles"]["default"]["zilliz"] == {
        "api_key": ZZ_KEY,
        "region": "cn",
        "cluster_id": "in01-abc",
    }


def test_set_with_base_url_region_and_cluster_id(tmp_path: Path) -> None:
    result = auth_set(
        tmp_path,
        "zilliz",
        "--base-url",
        "http://localhost:19530/",
        "--region",
        "cn",
        "--cluster-id",
        "in01-0123456789abcdef",
        key=ZZ_KEY,
    )
    assert result.exit_code == 0, result.output
    assert stored(tmp_path)["profiles"]["default"]["zilliz"] == {
        "api_key": ZZ_KEY,
        "base_url": "http://localhost:19530",
        "region": "cn",
        "cluster_id": "in01-0123456789abcdef",
    }


def test_set_no_key_stores_only_the_other_settings_and_keeps_a_stored_key(
    tmp_path: Path,
) -> None:
    result = auth_set(tmp_path, "firecrawl", "--no-key", "--base-url", "http://localhost:3002")
    assert result.exit_code == 0, result.output
    assert stored(tmp_path)["profiles"]["default"]["firecrawl"] == {
        "base_url": "http://localhost:3002"
    }
    assert auth_set(tmp_path, "firecrawl", key=FC_KEY).exit_code == 0
    again = auth_set(tmp_path, "firecrawl", "--no-key", "--base-url", "https://fc.example")
    assert again.exit_code == 0
    assert stored(tmp_path)["profiles"]["default"]["firecrawl"] == {
        "api_key": FC_KEY,
        "base_url": "https://fc.example",
    }


def test_set_no_key_with_nothing_else_is_a_usage_error(tmp_path: Path) -> None:
    result = auth_set(tmp_path, "firecrawl", "--no-key")
    assert result.exit_code == 2
    assert "nothing to store" in result.stderr
    assert not (tmp_path / "config.toml").exists()


@pytest.mark.parametrize("stdin", ["", "\n", "   \n\t\n"], ids=["empty", "newline", "blank"])
def test_set_with_empty_stdin_is_a_usage_error(tmp_path: Path, stdin: str) -> None:
    result = auth_set(tmp_path, "firecrawl", key=stdin)
    assert result.exit_code == 2
    assert "no key given" in result.stderr
    assert "jobwatch auth set firecrawl" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "config.toml").exists()


def test_set_with_two_words_on_stdin_is_a_usage_error(tmp_path: Path) -> None:
    result = auth_set(tmp_path, "firecrawl", key=f"{FC_KEY} {FC_KEY}\n")
    assert result.exit_code == 2
    assert "white space" in result.stderr
    assert not (tmp_path / "config.toml").exists()


def test_set_with_a_bad_base_url_is_a_usage_error(tmp_path: Path) -> None:
    result = auth_set(tmp_path, "firecrawl", "--no-key", "--base-url", "localhost:3002")
    assert result.exit_code == 2
    assert "--base-url" in result.stderr
    assert not (tmp_path / "config.toml").exists()


@pytest.mark.parametrize("args", [["nosuchprovider"], ["zilliz", "--region", "mars"], []], ids=str)
def test_set_with_bad_arguments_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    result = auth_set(tmp_path, *args, key=FC_KEY)
    assert result.exit_code == 2
    assert not (tmp_path / "config.toml").exists()


# -- auth list ----------------------------------------------------------------------------------


def write(folder: Path, data: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(tomli_w.dumps(data), encoding="utf-8")


ENV_KEY = "fc-from-the-environment-0123456789ab4e4e"


def test_list_shows_masked_keys_and_env_keys_marked(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "default_profile": "team",
            "profiles": {
                "team": {
                    "firecrawl": {"api_key": FC_KEY, "base_url": "http://localhost:3002"},
                    "zilliz": {"api_key": ZZ_KEY, "region": "cn", "cluster_id": "in01-x"},
                },
                "ci": {"coze": {"api_key": CZ_KEY}},
            },
        },
    )
    result = invoke(
        ["auth", "list"],
        tmp_path,
        env={"FIRECRAWL_API_KEY": ENV_KEY},
        secrets=[FC_KEY, ZZ_KEY, CZ_KEY, ENV_KEY],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4, lines
    team_fc = next(line for line in lines if line.startswith("team") and "firecrawl" in line)
    assert "(default)" in team_fc
    assert "fc-…9f2a" in team_fc
    assert "base_url=http://localhost:3002" in team_fc
    zilliz = next(line for line in lines if "zilliz" in line)
    assert "…5c22" in zilliz and "region=cn" in zilliz and "cluster_id=in01-x" in zilliz
    ci = next(line for line in lines if line.startswith("ci"))
    assert "coze" in ci and "pat_…3d33" in ci and "(default)" not in ci
    env_line = next(line for line in lines if "(env)" in line)
    assert "firecrawl" in env_line
    assert "$FIRECRAWL_API_KEY" in env_line
    assert "fc-…4e4e" in env_line


def test_list_marks_jobwatch_and_brightdata_variables(tmp_path: Path) -> None:
    keys = {
        "JOBWATCH_ZILLIZ_API_KEY": "zz-jobwatch-0123456789abcdef0001",
        "BRIGHTDATA_API_KEY": "bd-own-0123456789abcdef0002",
    }
    result = invoke(["auth", "list"], tmp_path, env=keys, secrets=list(keys.values()))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any("(env)" in x and "zilliz" in x and "$JOBWATCH_ZILLIZ_API_KEY" in x for x in lines)
    assert any("(env)" in x and "brightdata" in x and "$BRIGHTDATA_API_KEY" in x for x in lines)


def test_list_filters_by_profile(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "profiles": {
                "default": {"firecrawl": {"api_key": FC_KEY}},
                "ci": {"coze": {"api_key": CZ_KEY}},
            }
        },
    )
    result = invoke(["auth", "list", "--profile", "ci"], tmp_path)
    assert result.exit_code == 0
    assert "coze" in result.stdout
    assert "firecrawl" not in result.stdout


def test_list_with_nothing_stored_says_how_to_add_one(tmp_path: Path) -> None:
    result = invoke(["auth", "list"], tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "jobwatch auth set" in result.stderr


def test_list_shows_an_entry_without_a_key(tmp_path: Path) -> None:
    auth_set(tmp_path, "firecrawl", "--no-key", "--base-url", "http://localhost:3002")
    result = invoke(["auth", "list"], tmp_path)
    assert "no key" in result.stdout
    assert "base_url=http://localhost:3002" in result.stdout


# -- auth remove --------------------------------------------------------------------------------


def test_remove_deletes_one_entry_and_keeps_the_others(tmp_path: Path) -> None:
    assert auth_set(tmp_path, "firecrawl", key=FC_KEY).exit_code == 0
    assert auth_set(tmp_path, "coze", key=CZ_KEY).exit_code == 0
    assert auth_set(tmp_path, "firecrawl", "--profile", "ci", key=FC_KEY).exit_code == 0
    result = invoke(["auth", "remove", "firecrawl"], tmp_path)
    assert result.exit_code == 0, result.output
    assert "removed firecrawl" in result.stderr
    assert stored(tmp_path) == {
        "profiles": {
            "default": {"coze": {"api_key": CZ_KEY}},
            "ci": {"firecrawl": {"api_key": FC_KEY}},
        }
    }
    # And from a named profile; the emptied profile goes away.
    assert invoke(["auth", "remove", "firecrawl", "--profile", "ci"], tmp_path).exit_code == 0
    assert stored(tmp_path) == {"profiles": {"default": {"coze": {"api_key": CZ_KEY}}}}
    listed = invoke(["auth", "list"], tmp_path).stdout
    assert "firecrawl" not in listed and "coze" in listed


def test_remove_of_an_absent_entry_changes_nothing(tmp_path: Path) -> None:
    assert auth_set(tmp_path, "coze", key=CZ_KEY).exit_code == 0
    before = (tmp_path / "config.toml").read_bytes()
    result = invoke(["auth", "remove", "zilliz"], tmp_path)
    assert result.exit_code == 0
    assert "nothing to remove" in result.stderr
    assert (tmp_path / "config.toml").read_bytes() == before


def test_remove_without_a_file_creates_none(tmp_path: Path) -> None:
    folder = tmp_path / "none"
    result = invoke(["auth", "remove", "firecrawl"], folder)
    assert result.exit_code == 0
    assert "nothing to remove" in result.stderr
    assert not folder.exists()


# -- auth path ----------------------------------------------------------------------------------


def test_path_prints_the_moved_config_file(tmp_path: Path) -> None:
    result = invoke(["auth", "path"], tmp_path / "somewhere")
    assert result.exit_code == 0
    assert result.stdout == f"{tmp_path / 'somewhere' / 'config.toml'}\n"
    assert not (tmp_path / "somewhere").exists()


def test_path_defaults_to_the_platform_config_folder(tmp_path: Path) -> None:
    result = invoke(["auth", "path"], tmp_path, env={"JOBWATCH_CONFIG_DIR": ""})
    assert result.exit_code == 0
    assert result.stdout.strip() == str(platformdirs.user_config_path("jobwatch") / "config.toml")
