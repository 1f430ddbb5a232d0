"""`jobwatch cancel` is a command of its own kind (not a watch): its deadline is a one-off
check's, it retries as polls do (`--max-retries`), and its exit code comes from the one table."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from jobwatch.cli.command import CANCEL, read_command
from tests.cli_helpers import FC_KEY, Fake, clean_environment, invoke, reply


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setenv("JOBWATCH_CONFIG_DIR", str(tmp_path))


def test_cancel_is_read_as_a_cancel_never_a_watch() -> None:
    command = read_command(CANCEL, {"words": ["firecrawl:a"], "max_retries": "1"})
    assert command.command == CANCEL and not command.run.watch
    assert command.run.deadline_seconds({"CI": "true"}) == 30.0
    assert command.run.max_retries == 1


def test_cancel_retries_up_to_max_retries(tmp_path: Path) -> None:
    busy = reply(503, body={"error": "busy"}, headers={"Retry-After": "0"})
    fake = Fake([busy, busy])
    args = ["cancel", "firecrawl:a", "--max-retries", "1", "--api-key", FC_KEY]
    result = invoke(args, tmp_path, fake=fake)
    assert result.exit_code == 3, result.output
    assert len(fake.requests) == 2
    assert "jobwatch: error: cannot cancel firecrawl a (batch scrape): firecrawl: HTTP 503" in (
        result.stderr
    )


def test_no_cancel_wins_over_a_job_not_found(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return reply(404, body={"success": False, "error": "Job not found"})

    args = ["cancel", "firecrawl:gone", "coze:7441/7442", "--json", "--api-key", FC_KEY]
    result = invoke(args, tmp_path, fake=Fake(answer))
    assert result.exit_code == 2, result.output
    assert result.json()["exit_code"] == 2
    assert [job["result"] for job in result.json()["jobs"]] == ["error", "error"]
