"""The fast command-line path (jobwatch/fastargs.py) reads every job command line exactly as
the Typer app does (both are made from the option and provider tables), and leaves everything
it is not sure of to Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from jobwatch.cli import fastpath as fastargs
from jobwatch.cli import jobs as cli_jobs
from jobwatch.cli.app import app
from jobwatch.cli.command import read_command
from jobwatch.cli.commands import job_commands, options_of
from jobwatch.cli.options import ColorMode, ProgressMode, Region
from tests.cli_helpers import clean_environment, invoke


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setenv("JOBWATCH_CONFIG_DIR", str(tmp_path))


def typer_values(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, Any]]:
    """What the Typer app hands to jobcommand.read_command for this command line."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def capture(command: str, given: dict[str, Any]) -> str:
        seen.append((command, dict(given)))
        return command

    monkeypatch.setattr(cli_jobs, "read_command", capture)
    monkeypatch.setattr(cli_jobs, "run_command", lambda command, streams: 0)
    result = CliRunner().invoke(app, argv, prog_name="jobwatch")
    assert result.exit_code == 0, result.output
    (call,) = seen
    return call


SAME = [
    ["firecrawl", "a1"],
    ["firecrawl", "a1", "b2", "--crawl", "-w", "--interval", "2.5", "-t", "15m", "--json"],
    ["firecrawl", "--json", "a1", "-q", "--progress", "plain", "--color=never", "b2"],
    ["firecrawl", "a1", "--profile", "ci", "--api-key", "fc-x", "--base-url", "http://h:1"],
    ["firecrawl", "a1", "--max-retries", "0", "--request-timeout", "0.5", "--debug"],
    ["firecrawl", "a1", "--fail-fast", "--interval=7", "--timeout=90", "--max-retries=9"],
    ["firecrawl", "a1", "--interval", "1", "--interval", "3"],
    ["brightdata", "s_1", "s_2", "--watch", "--progress", "none"],
    ["zilliz", "job-1", "--cluster-id", "in01-abc", "--region", "cn", "-i", "5"],
    ["zilliz", "448761313698322011", "--base-url", "http://localhost:19530"],
    ["coze", "7441234567890123456", "7442585813587689472", "7442585813587689473"],
    ["coze", "7441", "7442", "--region", "global", "--color", "always", "-w"],
    ["watch", "firecrawl:a", "coze:1/2", "-t", "1h", "--json"],
    ["watch", "--file", "jobs.toml", "--region", "cn", "--progress", "live"],
    ["watch", "-f", "jobs.toml", "zilliz:in01/job", "--fail-fast", "--quiet"],
    ["watch", "brightdata:s_1", "--profile", "", "--timeout", ""],
]


@pytest.mark.parametrize("argv", SAME, ids=" ".join)
def test_both_parsers_read_the_same_values(argv: list[str], monkeypatch) -> None:
    assert fastargs.parse(argv) == typer_values(argv, monkeypatch)


def test_what_is_read_becomes_typed_options() -> None:
    parsed = fastargs.parse(
        ["zilliz", "j", "-i", "2", "--progress", "plain", "--color", "never", "--region", "cn"]
    )
    assert parsed is not None
    command = read_command(*parsed)
    assert command.run.interval == 2.0 and isinstance(command.run.interval, float)
    assert command.run.progress is ProgressMode.PLAIN
    assert command.run.color is ColorMode.NEVER
    assert command.access.region is Region.CN
    assert command.words == ("j",)
    parsed = fastargs.parse(["watch", "-f", "jobs.toml"])
    assert parsed is not None
    command = read_command(*parsed)
    assert command.file == Path("jobs.toml")
    assert command.words == ()
    assert command.run.watch


BAD_VALUES = [
    (["firecrawl", "a1", "--interval", "0"], "--interval must be a number of seconds more than 0"),
    (["firecrawl", "a1", "--interval", "1e999"], "--interval must be a number of seconds"),
    (["firecrawl", "a1", "--max-retries", "-1"], "--max-retries must be a whole number"),
    (["firecrawl", "a1", "--max-retries", "2.5"], "--max-retries must be a whole number"),
    (["firecrawl", "a1", "-t", "0"], "--timeout must be more than 0"),
    (["firecrawl", "a1", "-t", "soon"], "--timeout 'soon' is not a duration"),
    (["firecrawl", "a1", "--progress", "fancy"], "--progress must be one of auto, live, plain"),
]


@pytest.mark.parametrize(
    ("argv", "message"), BAD_VALUES, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_bad_values_get_one_message_from_both_paths(
    argv: list[str], message: str, tmp_path: Path
) -> None:
    fast = subprocess.run(
        [sys.executable, "-m", "jobwatch", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FIRECRAWL_API_KEY": "fc-test"},
    )
    # The Typer app alone, through the console entry's boundary (cli/main.py).
    typer_run = invoke(argv, tmp_path, env={"FIRECRAWL_API_KEY": "k"}, cli=app)
    assert fast.returncode == typer_run.exit_code == 2
    assert f"jobwatch: error: {message}" in fast.stderr
    assert f"jobwatch: error: {message}" in typer_run.stderr


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["auth", "list"],
        ["sim", "--port", "0"],
        ["demo"],
        ["coze"],  # missing dataset id
        ["firecrawl", "a1", "--help"],
        ["firecrawl", "a1", "-h"],
        ["firecrawl", "a1", "--bogus"],
        ["firecrawl", "a1", "-wq"],  # bundled short flags
        ["firecrawl", "a1", "-i2"],  # attached short value
        ["firecrawl", "a1", "--json=yes"],
        ["firecrawl", "a1", "--interval"],  # value missing
        ["firecrawl", "a1", "--max-retries", "-1"],  # a value that looks like an option
        ["firecrawl", "a1", "--", "-dash-id"],
        ["brightdata", "s_1", "--region", "cn"],  # brightdata has no --region
        ["brightdata", "s_1", "--crawl"],
        ["watch", "firecrawl:a", "--watch"],  # watch always watches: no --watch
    ],
    ids=lambda argv: " ".join(argv) or "(nothing)",
)
def test_lines_it_is_not_sure_of_go_to_typer(argv: list[str]) -> None:
    assert fastargs.parse(argv) is None


@pytest.mark.parametrize("argv", [["firecrawl"], ["coze", "7441"], ["zilliz", "--running"]])
def test_no_ids_is_read_here_and_judged_by_read_command(argv: list[str]) -> None:
    """Ids are optional where --running may stand in for them: read_command asks for one or
    the other (exit 2, jobwatch's own message: tests/e2e/test_acting.py)."""
    parsed = fastargs.parse(argv)
    assert parsed is not None
    command, given = parsed
    assert given["words"] is None
    assert given["running"] is (argv[-1] == "--running")


def test_shell_completion_goes_to_typer(monkeypatch) -> None:
    monkeypatch.setenv("_JOBWATCH_COMPLETE", "complete_bash")
    assert fastargs.parse(["firecrawl", "a1"]) is None


def _typer_options(command: str) -> dict[str, str]:
    group = get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    found: dict[str, str] = {}
    for param in group.commands[command].params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        for spelling in (*param.opts, *param.secondary_opts):
            found[spelling] = str(param.name)
    return found


@pytest.mark.parametrize("command", job_commands())
def test_both_know_every_option_of_the_table_and_no_other(command: str) -> None:
    table = {spelling: option.name for option in options_of(command) for spelling in option.flags}
    assert table == _typer_options(command)
    assert "--api-key" in table and "--request-timeout" in table


def test_the_console_script_checks_a_job_without_loading_typer_or_rich(tmp_path: Path) -> None:
    # A one-off --json check is the path the start-up benchmark measures; it must stay lean.
    from jobwatch.sim.server import start_sim

    with start_sim(speed=100.0) as server:
        script = (
            "import sys, runpy\n"
            "sys.argv = ['jobwatch', 'firecrawl', 'lean-1', '--json', '--api-key', 'k',"
            f" '--base-url', {server.base_url!r}]\n"
            "try:\n"
            "    runpy.run_module('jobwatch', run_name='__main__')\n"
            "except SystemExit as exit:\n"
            "    code = exit.code\n"
            "loaded = sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules)\n"
            "print('exit', code, 'loaded', loaded, file=sys.stderr)\n"
        )
        env = {**os.environ, "JOBWATCH_CONFIG_DIR": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
        )
    assert '"state": "running"' in done.stdout or '"state": "pending"' in done.stdout
    assert "exit 0 loaded []" in done.stderr, done.stderr
