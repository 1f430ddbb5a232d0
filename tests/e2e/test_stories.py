"""Every provider x every story of the simulator, through the real jobwatch process."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable

import pytest

from tests.contract import JOB_KEYS
from tests.e2e.conftest import PROCESS_TIMEOUT, Result, Sim, clean_env, jobwatch_command, unique

pytestmark = pytest.mark.e2e

# How each provider command names one job of a given id.
PROVIDERS: dict[str, Callable[[str], list[str]]] = {
    "brightdata": lambda job: ["brightdata", job],
    "zilliz": lambda job: ["zilliz", job, "--cluster-id", "in01-e2e0123456789"],
    "milvus": lambda job: ["zilliz", job],
    "coze": lambda job: ["coze", "7441234567890123456", job],
    "firecrawl": lambda job: ["firecrawl", job],
    "firecrawl-crawl": lambda job: ["firecrawl", job, "--crawl"],
}
PROVIDER_FIELD = {"milvus": "zilliz", "firecrawl-crawl": "firecrawl"}
# "not found" is final at once here (the --wait-for-start window is tested in test_beyond.py)
WATCH = ["--watch", "--json", "--interval", "0.1", "--progress", "none", "--timeout", "90",
         "--wait-for-start", "0"]  # fmt: skip

# story suffix -> (exit code, final state)
STORIES = {
    "": (0, "succeeded"),
    "-fail": (1, "failed"),
    "-startfail": (1, "failed"),
    "-429": (0, "succeeded"),
    "-500": (0, "succeeded"),
    "-flaky": (0, "succeeded"),
    "-gone": (3, "unknown"),
}


def watch(
    run_jobwatch: Callable[..., Result], sim: Sim, provider: str, job: str, *extra: str
) -> Result:
    return run_jobwatch(
        *PROVIDERS[provider](job),
        "--base-url",
        sim.base_url,
        "--api-key",
        "e2e-key",
        *WATCH,
        *extra,
    )


@pytest.mark.parametrize("story", list(STORIES))
@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_watch_each_story(
    run_jobwatch: Callable[..., Result], sim: Sim, provider: str, story: str
) -> None:
    job = unique(story)
    result = watch(run_jobwatch, sim, provider, job)
    code, state = STORIES[story]
    assert result.code == code, result.stderr
    events = result.ndjson()
    summary = events[-1]
    assert summary["event"] == "summary"
    assert summary["exit_code"] == code
    (final,) = summary["jobs"]
    assert final["id"] == job
    assert final["provider"] == PROVIDER_FIELD.get(provider, provider)
    assert final["state"] == state
    statuses = [event for event in events if event["event"] == "status"]
    if code != 3:
        assert statuses[-1]["job"]["state"] == state
    if story in ("-429", "-500", "-flaky"):
        retries = [event for event in events if event["event"] == "retry"]
        assert retries, "a retry event was expected"
        assert {"job_id", "attempt", "delay", "reason"} <= set(retries[0])
        assert retries[0]["job_id"] == job
        if story == "-429":
            assert retries[0]["delay"] >= 1.0  # the simulator's Retry-After: 1
        if story == "-500":
            assert [event["attempt"] for event in retries] == [1, 2, 3]
    if story == "-startfail" or (story == "-fail" and not provider.startswith("firecrawl")):
        # A Firecrawl job that fails mid-run has no reason in its status body (its pages'
        # reasons are at /errors); its kick-off failure (-startfail) carries one.
        assert final["message"], "the provider's failure reason is kept"
    if story == "":
        # Bright Data gives no numbers (a pulsing bar); the others end at 100 %.
        assert final["progress"] == (None if provider == "brightdata" else 1.0)
        if provider == "coze":
            assert final["dataset_id"] == "7441234567890123456"
        if provider in ("zilliz", "milvus"):
            assert len(final["items"]) >= 2
            assert all(item["state"] == "succeeded" for item in final["items"])


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_bad_key_exits_4(run_jobwatch: Callable[..., Result], sim: Sim, provider: str) -> None:
    result = run_jobwatch(
        *PROVIDERS[provider](unique()), "--base-url", sim.base_url, "--api-key", "bad-key", *WATCH
    )
    assert result.code == 4, result.stderr
    assert result.ndjson()[-1]["exit_code"] == 4
    assert "bad-key" not in result.stderr


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_slow_job_times_out_with_124(
    run_jobwatch: Callable[..., Result], sim: Sim, provider: str
) -> None:
    job = unique("-slow")
    result = run_jobwatch(
        *PROVIDERS[provider](job),
        "--base-url", sim.base_url, "--api-key", "e2e-key",
        "--watch", "--json", "--interval", "0.1", "--progress", "none", "--timeout", "1.5",
    )  # fmt: skip
    assert result.code == 124, result.stderr
    summary = result.ndjson()[-1]
    assert summary["exit_code"] == 124
    assert summary["jobs"][0]["state"] in ("pending", "running")
    assert "; the --timeout 1s deadline passed after " in result.stderr


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_one_off_json(run_jobwatch: Callable[..., Result], sim: Sim, provider: str) -> None:
    job = unique()
    result = run_jobwatch(
        *PROVIDERS[provider](job), "--base-url", sim.base_url, "--api-key", "e2e-key", "--json"
    )
    assert result.code == 0, result.stderr
    document = result.json()
    assert document["exit_code"] == 0
    (found,) = document["jobs"]
    assert found["id"] == job
    assert found["state"] in ("pending", "running")
    assert set(found) >= JOB_KEYS


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_plain_lines_on_stderr(
    run_jobwatch: Callable[..., Result], sim: Sim, provider: str
) -> None:
    job = unique()
    result = run_jobwatch(
        *PROVIDERS[provider](job),
        "--base-url", sim.base_url, "--api-key", "e2e-key", "--watch", "--interval", "0.1",
        env={"CI": "true"},
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].endswith(
        f"watching 1 job: {PROVIDER_FIELD.get(provider, provider)} "
        + (f"7441234567890123456/{job}" if provider == "coze" else job)
    )
    # The job's end, once: no summary block repeats it (issue 23).
    ends = [line for line in lines if job in line and " succeeded" in line]
    assert len(ends) == 1 and "summary:" not in ends[0]
    assert lines[-1].endswith("(exit code 0)")


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_ctrl_c_exits_130_and_says_how_to_reattach(
    sim: Sim, tmp_path: object, provider: str
) -> None:
    job = unique("-slow")
    process = subprocess.Popen(
        jobwatch_command(
            *PROVIDERS[provider](job),
            "--base-url",
            sim.base_url,
            "--api-key",
            "e2e-key",
            "--watch",
            "--interval",
            "0.1",
            "--progress",
            "plain",
        ),  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(str(tmp_path)),
    )
    assert process.stderr is not None
    # Wait for the first status line: the watch is under way.
    for line in process.stderr:
        if job in line and "watching" not in line:
            break
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=PROCESS_TIMEOUT)
    assert process.returncode == 130, rest
    assert "interrupted: the jobs keep running" in rest
    assert f"re-attach with:\n  jobwatch {PROVIDERS[provider](job)[0]}" in rest
    assert "Traceback" not in rest


def test_watch_several_providers_mixed_outcomes(
    run_jobwatch: Callable[..., Result], sim: Sim
) -> None:
    ok_snapshot, failing_batch, document = unique(), unique("-fail"), unique()
    result = run_jobwatch(
        "watch",
        f"brightdata:{ok_snapshot}",
        f"firecrawl:{failing_batch}",
        f"coze:7441234567890123456/{document}",
        f"zilliz:in01-e2e/{unique()}",
        "--base-url", sim.base_url, "--api-key", "e2e-key",
        "--json", "--interval", "0.1", "--progress", "none", "--timeout", "90",
    )  # fmt: skip
    assert result.code == 1, result.stderr
    summary = result.ndjson()[-1]
    assert summary["exit_code"] == 1
    states = {job["id"]: job["state"] for job in summary["jobs"]}
    assert states[ok_snapshot] == "succeeded"
    assert states[failing_batch] == "failed"
    assert states[document] == "succeeded"
    assert len(states) == 4


def test_big_firecrawl_bodies_are_read_but_never_printed(
    run_jobwatch: Callable[..., Result], sim: Sim
) -> None:
    job = unique("-big")
    result = watch(run_jobwatch, sim, "firecrawl", job)
    assert result.code == 0, result.stderr
    summary = result.ndjson()[-1]
    assert summary["jobs"][0]["state"] == "succeeded"
    # About 10 MB of scraped documents per status body; none of it reaches our output.
    assert len(result.stdout) < 20_000
    assert "markdown" not in result.stdout
