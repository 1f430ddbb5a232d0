"""`auth` refuses what would break later commands, and reads well: unknown profiles are usage
errors, a stored base URL that is wrong names its profile, `auth list` aligns on a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import FC_KEY, Fake, clean_environment, invoke, reply


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "http://localhost:3002/v2"], "must not include /v2: give only the scheme"),
        (["--base-url", "http://localhost:3002/api"], "must not have a path: give only the scheme"),
        (["--base-url", "localhost:3002"], "must start with http:// or https://"),
        (["--region", "cn"], "firecrawl has no regions: --region is for zilliz, coze"),
        (["--cluster-id", "in01-a"], "firecrawl has no cluster id: --cluster-id is for zilliz"),
    ],
)
def test_auth_set_refuses_what_would_break_later(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = invoke(["auth", "set", "firecrawl", "--no-key", *args], tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "config.toml").exists()


def test_a_bad_stored_base_url_names_its_profile(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[profiles.ci.firecrawl]\nbase_url = "http://h:1/v1"\n', encoding="utf-8"
    )
    result = invoke(["firecrawl", "a", "--profile", "ci"], tmp_path, fake=Fake())
    assert result.exit_code == 2
    assert (
        f"(from profile 'ci' of {tmp_path / 'config.toml'}) must not include /v1" in result.stderr
    )


def test_auth_list_of_an_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    invoke(["auth", "set", "firecrawl", "--profile", "ci"], tmp_path, input=FC_KEY)
    result = invoke(["auth", "list", "--profile", "nope"], tmp_path)
    assert result.exit_code == 2
    assert "no profile 'nope'" in result.stderr and "(profiles: ci)" in result.stderr


def test_auth_list_aligns_on_a_terminal(tmp_path: Path) -> None:
    script = (
        "import pty, os, sys\n"
        "pid, fd = pty.fork()\n"
        "if pid == 0:\n"
        "    os.execvp(sys.executable, [sys.executable, '-m', 'jobwatch', 'auth', 'list'])\n"
        "out = b''\n"
        "while True:\n"
        "    try:\n"
        "        chunk = os.read(fd, 4096)\n"
        "    except OSError:\n"
        "        break\n"
        "    if not chunk:\n"
        "        break\n"
        "    out += chunk\n"
        "os.waitpid(pid, 0)\n"
        "sys.stdout.write(out.decode())\n"
    )
    (tmp_path / "config.toml").write_text(
        '[profiles.default.firecrawl]\napi_key = "fc-0123456789abcdef01234567"\n'
        '[profiles.production.zilliz]\napi_key = "z0123456789abcdef01234567"\nregion = "cn"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "JOBWATCH_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    lines = [line.rstrip() for line in done.stdout.splitlines() if line.strip()]
    assert lines == [
        "default (default)  firecrawl  fc-…4567",
        "production         zilliz     …4567  region=cn",
    ]


def test_a_coze_body_without_code_but_with_data_is_a_success(tmp_path: Path) -> None:
    body = {
        "data": {
            "data": [{"document_id": "7442", "status": 1, "progress": 100, "document_name": "a"}]
        }
    }
    fake = Fake([reply(body=body)])
    result = invoke(
        ["coze", "7441", "7442", "--json", "--api-key", "pat_" + "x" * 30], tmp_path, fake=fake
    )
    assert result.exit_code == 0, result.output
    assert result.json()["jobs"][0]["state"] == "succeeded"


def test_the_simulator_logs_requests(tmp_path: Path) -> None:
    log = tmp_path / "sim.log"
    env = {**os.environ, "JOBWATCH_CONFIG_DIR": str(tmp_path)}
    sim = subprocess.Popen(
        [sys.executable, "-m", "jobwatch", "sim", "--port", "0", "--log", str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert sim.stdout is not None
        url = sim.stdout.readline().split()[-1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "jobwatch",
                "firecrawl",
                "log-1",
                "--base-url",
                url,
                "--api-key",
                FC_KEY,
            ],  # fmt: skip
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 10
        while "GET /v2/batch/scrape/log-1" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        sim.terminate()
        sim.wait(timeout=10)
        if sim.stdout:
            sim.stdout.close()
    line = next(line for line in log.read_text().splitlines() if "log-1" in line)
    assert line.endswith(" 200") and FC_KEY not in log.read_text()


def test_a_rejected_key_at_another_endpoint_hints_at_api_key(tmp_path: Path) -> None:
    fake = Fake([reply(401, body={"success": False, "error": "Unauthorized"})])
    args = ["firecrawl", "a", "--base-url", "http://fc.internal:3002", "--api-key", FC_KEY]
    result = invoke(args, tmp_path, fake=fake)
    assert result.exit_code == 4
    # The key was given with --api-key: not "pass --api-key" again (issue 23).
    assert "(http://fc.internal:3002 refused the key given with --api-key: check that key)" in (
        result.stderr
    )
    fake = Fake([reply(401, body={"success": False, "error": "Unauthorized"})])
    result = invoke(["firecrawl", "a", "--api-key", FC_KEY], tmp_path, fake=fake)
    assert result.exit_code == 4 and "the key was sent to" not in result.stderr
