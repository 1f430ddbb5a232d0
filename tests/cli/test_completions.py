"""The shipped completion scripts match what the app generates, and completion works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _jobwatch(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "jobwatch", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
        timeout=60,
    )
    return done.stdout


# Typer's switch that makes `--show-completion SHELL` take the shell as a value instead of
# detecting the shell it runs in.
NAMED_SHELL = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shipped_completion_matches_the_app(shell: str) -> None:
    shipped = (ROOT / "completions" / f"jobwatch.{shell}").read_text()
    generated = _jobwatch("--show-completion", shell, env=NAMED_SHELL)
    assert shipped == generated, (
        f"completions/jobwatch.{shell} is stale: regenerate it with "
        f"`_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION=1 jobwatch --show-completion {shell} "
        f"> completions/jobwatch.{shell}`"
    )


def test_each_shell_gets_its_own_script() -> None:
    first_lines = {
        shell: (ROOT / "completions" / f"jobwatch.{shell}").read_text().splitlines()[0]
        for shell in ("bash", "zsh", "fish")
    }
    assert first_lines["zsh"] == "#compdef jobwatch"
    assert first_lines["bash"].startswith("_jobwatch_completion()")
    assert first_lines["fish"].startswith("complete --command jobwatch")


def _complete(words: str, tmp_path: Path) -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    out = _jobwatch(
        env={
            "_JOBWATCH_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
            "JOBWATCH_CONFIG_DIR": str(tmp_path),
        }
    )
    return out.split()


def test_completes_providers_and_option_values(tmp_path: Path) -> None:
    assert _complete("jobwatch auth set ", tmp_path) == [
        "brightdata",
        "zilliz",
        "coze",
        "firecrawl",
    ]
    assert _complete("jobwatch firecrawl x --progress ", tmp_path) == [
        "auto",
        "live",
        "plain",
        "none",
    ]
    assert _complete("jobwatch coze d x --color ", tmp_path) == ["auto", "always", "never"]
    assert "firecrawl" in _complete("jobwatch fi", tmp_path)


def test_kind_completes_each_providers_kinds(tmp_path: Path) -> None:
    assert _complete("jobwatch brightdata --kind ", tmp_path) == [
        "snapshot",
        "delivery",
        "marketplace",
    ]
    assert _complete("jobwatch firecrawl x --kind a", tmp_path) == ["agent"]


def test_watch_completes_the_reference_prefixes(tmp_path: Path) -> None:
    assert _complete("jobwatch watch ", tmp_path) == [
        "brightdata:",
        "brightdata-delivery:",
        "brightdata-marketplace:",
        "zilliz:",
        "zilliz-job:",
        "coze:",
        "coze-workflow:",
        "coze-chat:",
        "firecrawl:",
        "firecrawl-crawl:",
        "firecrawl-agent:",
        "firecrawl-extract:",
    ]
    assert _complete("jobwatch watch coze", tmp_path) == ["coze:", "coze-workflow:", "coze-chat:"]
    assert _complete("jobwatch watch firecrawl:a fi", tmp_path) == [
        "firecrawl:",
        "firecrawl-crawl:",
        "firecrawl-agent:",
        "firecrawl-extract:",
    ]


def test_completes_profile_names_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[profiles.ci.firecrawl]\napi_key = "fc-1"\n[profiles.work.coze]\napi_key = "c-2"\n'
    )
    assert _complete("jobwatch firecrawl x --profile ", tmp_path) == ["ci", "work"]
    assert _complete("jobwatch auth list --profile w", tmp_path) == ["work"]


def test_the_cli_offers_exactly_the_registered_providers() -> None:
    from typer.main import get_command

    from jobwatch.cli.app import app
    from jobwatch.providers import PROVIDERS

    group = get_command(app)
    commands = set(group.commands)  # type: ignore[attr-defined]
    assert set(PROVIDERS) <= commands
    assert commands - set(PROVIDERS) == {"watch", "cancel", "auth", "sim", "demo"}
