"""The first word's completion, answered without the Typer app (jobwatch/cli/completion.py),
is Typer's answer to the byte, for every shell, and fast: it never loads the app."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jobwatch.cli import completion
from jobwatch.cli.app import make_app

CASES = ["", "fi", "w", "a", "c", "zz", "'fi", "co"]


def env_for(shell: str, typed: str, fish_action: str = "get-args") -> dict[str, str]:
    line = f"jobwatch {typed}"
    if shell == "bash":
        return {"_JOBWATCH_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": "1"}
    env = {"_JOBWATCH_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = fish_action
    return env


def typer_answer(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[str, int]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as ended:
        make_app()(prog_name="jobwatch", args=[])
    return capsys.readouterr().out, int(ended.value.code or 0)


@pytest.mark.parametrize("typed", CASES)
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_first_word_is_completed_as_typer_would(
    shell: str, typed: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = env_for(shell, typed)
    fast = completion.answer(env)
    assert fast is not None
    text, code = fast
    assert typer_answer(env, monkeypatch, capsys) == (text + "\n", code)


@pytest.mark.parametrize("typed", ["fi", "zz"])
def test_fish_asks_whether_there_is_anything_to_offer(
    typed: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = env_for("fish", typed, "is-args")
    fast = completion.answer(env)
    assert fast is not None and fast[0] == ""
    assert typer_answer(env, monkeypatch, capsys) == ("", fast[1])


@pytest.mark.parametrize(
    "line", ["jobwatch firecrawl --", "jobwatch watch fire", "jobwatch auth set "]
)
def test_every_other_completion_is_left_to_typer(line: str) -> None:
    env = {"_JOBWATCH_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    assert completion.answer(env) is None


def test_the_console_script_answers_without_loading_the_app() -> None:
    probe = (
        "import json, sys\n"
        "from jobwatch.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env_for("bash", "fi"), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout == "firecrawl\n"
    loaded = set(json.loads(done.stderr))
    assert "typer" not in loaded and "httpx" not in loaded
