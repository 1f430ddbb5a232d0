"""`--help` of every command ends with examples, and the examples are accepted by the command."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from jobwatch.cli.app import app


def command_paths(group: Any = None, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and command group of the app, found by walking it (a new command is
    checked without anyone adding it here)."""
    group = group or typer.main.get_command(app)
    paths = [prefix]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        paths += command_paths(command, (*prefix, name))
    return paths


PATHS = command_paths()


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="jobwatch")
    assert result.exit_code == 0, result.output
    return result.output


def examples(text: str) -> list[str]:
    """The lines after the last `Examples:` heading; asserts that nothing else follows them."""
    lines = [line.strip() for line in text.rstrip().splitlines()]
    assert "Examples:" in lines, f"no Examples section:\n{text}"
    start = len(lines) - lines[::-1].index("Examples:")
    shown: list[str] = []
    for line in (line for line in lines[start:] if line):
        if shown and shown[-1].endswith(" \\"):  # a long example, broken between words
            shown[-1] = f"{shown[-1][:-2]} {line}"
        else:
            shown.append(line)
    assert shown, f"an empty Examples section:\n{text}"
    for line in shown:
        assert re.search(r"(^|\| )jobwatch ", line), f"not an example command: {line!r}"
    return shown


def example_args(line: str) -> list[str]:
    """`jobwatch …`'s arguments in an example line (no pipe, redirect, `&` or note)."""
    (part,) = [segment for segment in line.split(" | ") if segment.startswith("jobwatch ")]
    part = re.sub(r"\s{2,}\(.*\)$", "", part)  # a trailing "(note)"
    part = re.sub(r"\s*>.*$", "", part).removesuffix("&")
    return shlex.split(part)[1:]


def test_every_command_is_checked() -> None:
    names = {" ".join(path) for path in PATHS}
    expected = {"", "brightdata", "zilliz", "coze", "firecrawl", "watch", "sim", "demo", "auth"}
    assert expected | {"auth set", "auth list", "auth remove", "auth path"} <= names


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "jobwatch" for p in PATHS])
def test_help_ends_with_examples(path: tuple[str, ...]) -> None:
    shown = examples(help_text(path))
    if path:
        command = " ".join(("jobwatch", *path)) + " "
        assert any(command in line + " " for line in shown), f"no example of {command}: {shown}"


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "jobwatch" for p in PATHS])
def test_help_examples_use_options_that_exist(path: tuple[str, ...]) -> None:
    """Each example, with --help added, parses: a renamed option would fail here."""
    for line in examples(help_text(path)):
        args = example_args(line)
        result = CliRunner().invoke(app, [*args, "--help"], prog_name="jobwatch")
        assert result.exit_code == 0, f"{line!r}:\n{result.output}"
        assert "Examples:" in result.output


def test_an_example_with_a_renamed_option_is_refused() -> None:
    """The check above can fail."""
    result = CliRunner().invoke(app, ["firecrawl", "x", "--wacth", "--help"])
    assert result.exit_code == 2


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "jobwatch")
@pytest.mark.parametrize("width", [60, 80, 120])
def test_help_shows_no_python_types(path: tuple[str, ...], width: int) -> None:
    result = CliRunner().invoke(
        app,
        [*path, "--help"],
        prog_name="jobwatch",
        terminal_width=width,
        env={"COLUMNS": str(width)},
    )
    assert result.exit_code == 0
    for python_word in ("<list[", "<int", "<float", "<str>", "<path>", "{", "range>"):
        assert python_word not in result.output.replace("{id}", "").replace("{tenant}", "")
    for line in result.output.splitlines():
        assert not line.rstrip().endswith("..") or line.rstrip().endswith("..."), line
        assert len(line) <= max(width, 100), line


def test_the_command_list_is_not_cut_mid_phrase() -> None:
    result = CliRunner().invoke(app, ["--help"], prog_name="jobwatch", terminal_width=80)
    commands = result.output.split("Commands:")[1].split("Examples:")[0]
    assert "Zilliz Cloud and Milvus import jobs" in commands
    assert "Firecrawl batch scrapes, crawls, agent jobs and extract jobs" in commands
    assert "Bright Data dataset snapshots, deliveries and Marketplace\n              snapshots" in (
        commands
    )
    assert "..." not in commands


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["firecrawl", "a1", "--bogus"],
            "No such option: --bogus (see `jobwatch firecrawl --help`)",
        ),
        (["firecrawl"], "name at least one JOB_ID (or --running)"),
        (["coze"], "Missing argument 'DATASET_ID' (see `jobwatch coze --help`)"),
        (["auth", "set"], "Missing argument 'PROVIDER' (see `jobwatch auth set --help`)"),
        (["sim", "--port", "x"], "Invalid value for '--port'"),
    ],
)
def test_usage_errors_read_like_every_other_error(args: list[str], message: str, tmp_path) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "jobwatch", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "JOBWATCH_CONFIG_DIR": str(tmp_path)},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("jobwatch: error: "), done.stderr
    assert message in done.stderr
    assert "Usage:" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize("path", [("firecrawl",), ("zilliz",), ("watch",), ("cancel",)])
def test_help_wraps_at_words_and_examples_stay_whole(columns, path) -> None:
    """Issue 23: `--timeout 30` / `m`, `[default:` / `5]`. Every line fits; an example is
    one line or broken between shell words with ` \\`; `[default: N]` stays on one line."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": str(columns)}
    text = subprocess.run(
        [sys.executable, "-m", "jobwatch", *path, "--help"],
        capture_output=True, text=True, env=env, check=True, timeout=60,
    ).stdout  # fmt: skip
    lines = text.splitlines()
    assert all(len(line) <= columns for line in lines), [x for x in lines if len(x) > columns]
    assert not any(line.rstrip().endswith("[default:") for line in lines)
    for example in examples(text):
        assert example.startswith("jobwatch ") or "| jobwatch " in example
    start = lines.index("  Examples:")
    for before, after in zip(lines[start + 1 :], lines[start + 2 :], strict=False):
        if after.startswith("        "):  # a continuation line
            assert before.endswith(" \\"), (before, after)


def test_cancel_help_speaks_of_cancels_not_watches() -> None:
    text = " ".join(help_text(("cancel",)).split())
    assert "--watch" not in text
    assert "Deadline for every cancel request" in text


def test_progress_none_is_explained() -> None:
    text = " ".join(help_text(("watch",)).split())
    assert "none = nothing while jobs run, only the summary line and the reasons at the end" in text
