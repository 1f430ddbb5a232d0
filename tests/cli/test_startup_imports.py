"""Start-up follows the command (README: Benchmarks): `jobwatch --help` and `--version` load no
HTTP stack, no Rich and no event loop; a one-off check loads only the provider it names. (A
command's own `--help` goes through Typer's parameter parsing, which loads pydantic.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("httpx", "rich", "asyncio", "pydantic", "typer._adapters")
_PROBE = """
import json, sys
sys.argv = ["jobwatch", *json.loads(sys.argv[1])]
from jobwatch.cli.main import main
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write(json.dumps(sorted(sys.modules)))
"""


def modules_after(*args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


@pytest.mark.parametrize("args", [("--version",), ("--help",)])
def test_help_and_version_load_nothing_heavy(args: tuple[str, ...]) -> None:
    loaded = modules_after(*args)
    assert [name for name in HEAVY if name in loaded] == []


def test_a_one_off_check_loads_only_its_provider(tmp_path) -> None:  # noqa: ANN001
    env = {"JOBWATCH_CONFIG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # A base URL nobody answers: the check fails fast (exit 3), having loaded what it needs.
    loaded = modules_after(
        "brightdata", "s_1", "--api-key", "k", "--base-url", "http://127.0.0.1:9",
        "--max-retries", "0", "--json", env=env,
    )  # fmt: skip
    providers = {name.split(".")[2] for name in loaded if name.startswith("jobwatch.providers.")}
    assert providers == {"base", "brightdata", "reading", "spec"}
    assert "jobwatch.sim" not in loaded and "typer" not in loaded
