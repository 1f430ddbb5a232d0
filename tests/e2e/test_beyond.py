"""Beyond the status word (PRODUCT.md section 8), through the real jobwatch process against
`jobwatch sim`: `-stall` with --stall-timeout (exit 5), `-late` with --wait-for-start (0, or 3
without a window), `-partial` with --min-success / --min-completed (exit 1), the errors of an
ended Firecrawl job (v1 fallback on an old server), and exit precedence in a mixed watch."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import PROCESS_TIMEOUT, Result, Sim, clean_env, jobwatch_command, unique
from tests.e2e.test_stories import PROVIDER_FIELD, PROVIDERS

pytestmark = pytest.mark.e2e

KEY = ["--api-key", "e2e-key"]
JSON_WATCH = ["--watch", "--json", "--interval", "0.1", "--progress", "none", "--timeout", "90"]
PLAIN_WATCH = ["--watch", "--interval", "0.1", "--progress", "plain", "--timeout", "90"]
Run = Callable[..., Result]


def provider_watch(run: Run, sim: Sim, provider: str, job: str, *extra: str, **kw) -> Result:  # noqa: ANN003
    return run(*PROVIDERS[provider](job), "--base-url", sim.base_url, *KEY, *extra, **kw)


def github_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
    }


# --- stalled ----------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_a_stalled_job_ends_stalled_exit_5(run_jobwatch: Run, sim: Sim, provider: str) -> None:
    job = unique("-stall")
    result = provider_watch(run_jobwatch, sim, provider, job, *JSON_WATCH, "--stall-timeout", "1")
    assert result.code == 5, result.stderr
    events = result.ndjson()
    summary = events[-1]
    assert summary["exit_code"] == 5
    (final,) = summary["jobs"]
    assert (final["provider"], final["id"]) == (PROVIDER_FIELD.get(provider, provider), job)
    assert final["state"] == "stalled"
    assert final["status"] not in ("stalled", "not read yet")  # the provider's word, kept
    assert final["message"].startswith("no change since ")
    assert final["extra"]["stalled_since"].endswith("Z")
    last_status = [event for event in events if event["event"] == "status"][-1]
    assert last_status["job"]["state"] == "stalled"


def test_stalled_in_plain_lines_and_github(run_jobwatch: Run, sim: Sim, tmp_path: Path) -> None:
    job = unique("-stall")
    env = github_env(tmp_path)
    result = provider_watch(
        run_jobwatch, sim, "firecrawl", job, *PLAIN_WATCH, "--stall-timeout", "1", env=env
    )
    assert result.code == 5, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    stalled = [line for line in lines if f"firecrawl {job} stalled (scraping) 8/20 pages" in line]
    assert len(stalled) == 1  # the change, not repeated by the summary block
    assert "- no change since " in stalled[0] and " UTC (for " in stalled[0]
    assert any(line.endswith("(exit code 5)") and "1 stalled" in line for line in lines)
    assert f"::error title=jobwatch%3A firecrawl {job} stalled::no change since " in result.stderr
    assert (tmp_path / "output").read_text(encoding="utf-8") == "state=stalled\nexit_code=5\n"
    table = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "### jobwatch: stalled (exit code 5)" in table
    assert (
        f"| firecrawl | `{job}` | stalled | scraping | 8/20 pages 40% | no change since " in table
    )


def test_a_moving_job_never_stalls(run_jobwatch: Run, sim: Sim) -> None:
    result = provider_watch(
        run_jobwatch, sim, "firecrawl", unique(), *JSON_WATCH, "--stall-timeout", "2"
    )
    assert result.code == 0, result.stderr


# --- not created yet -------------------------------------------------------------------------


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_a_late_job_is_not_found_yet_then_runs(run_jobwatch: Run, sim: Sim, provider: str) -> None:
    job = unique("-late")
    result = provider_watch(run_jobwatch, sim, provider, job, *JSON_WATCH)  # default window: 30 s
    assert result.code == 0, result.stderr
    statuses = [event["job"] for event in result.ndjson() if event["event"] == "status"]
    assert (statuses[0]["state"], statuses[0]["status"]) == ("pending", "not found yet")
    assert "--wait-for-start 30s" in statuses[0]["message"]
    assert statuses[-1]["state"] == "succeeded"


@pytest.mark.parametrize("provider", ["firecrawl", "coze", "milvus"])
def test_without_a_window_a_late_job_is_unknown_exit_3(
    run_jobwatch: Run, sim: Sim, provider: str
) -> None:
    result = provider_watch(
        run_jobwatch, sim, provider, unique("-late"), *JSON_WATCH, "--wait-for-start", "0"
    )
    assert result.code == 3, result.stderr
    assert result.ndjson()[-1]["jobs"][0]["state"] == "unknown"


def test_a_gone_job_ends_3_when_the_window_closes(run_jobwatch: Run, sim: Sim) -> None:
    result = provider_watch(
        run_jobwatch, sim, "firecrawl", unique("-gone"), *JSON_WATCH, "--wait-for-start", "0.5"
    )
    assert result.code == 3
    (final,) = result.ndjson()[-1]["jobs"]
    assert final["message"].endswith("(still not found after --wait-for-start 0.5s)")


def test_a_one_off_check_waits_only_when_asked(run_jobwatch: Run, sim: Sim) -> None:
    asked = provider_watch(
        run_jobwatch, sim, "firecrawl", unique("-late"), "--json", "--interval", "0.05",
        "--wait-for-start", "10",
    )  # fmt: skip
    assert asked.code == 0, asked.stderr
    assert asked.json()["jobs"][0]["status"] in ("scraping", "completed")
    default = provider_watch(run_jobwatch, sim, "firecrawl", unique("-late"), "--json")
    assert default.code == 3


# --- partial results and why ------------------------------------------------------------------


def test_a_short_crawl_fails_the_gate_with_its_errors(
    run_jobwatch: Run, sim: Sim, tmp_path: Path
) -> None:
    job = unique("-partial")
    env = github_env(tmp_path)
    result = provider_watch(
        run_jobwatch, sim, "firecrawl-crawl", job, *PLAIN_WATCH, "--json",
        "--min-success", "0.95", env=env,
    )  # fmt: skip
    assert result.code == 1, result.stderr
    (final,) = result.ndjson()[-1]["jobs"]
    assert (final["state"], final["status"]) == ("failed", "completed")
    assert final["message"] == "12 of 40 pages (30 %) < --min-success 0.95"
    extra = final["extra"]
    assert extra["errors_total"] == 28 and len(extra["errors"]) == 20
    assert set(extra["errors"][0]) == {"url", "error", "code"}
    assert extra["robots_blocked"] == ["https://example.com/private/"]
    assert extra["robots_blocked_total"] == 1
    # After the summary: the reason, the first 5 errors, how many more, robots.txt.
    tail = result.stderr.split("(exit code 1)\n", 1)[1].splitlines()
    assert (
        tail[0] == f"firecrawl {job} failed (completed): 12 of 40 pages (30 %) < --min-success 0.95"
    )
    first = extra["errors"][0]
    code = f" ({first['code']})" if first["code"] else ""
    assert tail[1] == f"  {first['url']} — {first['error']}{code}"
    assert tail[6] == "  … and 23 more errors"
    assert tail[7] == "  blocked by robots.txt: https://example.com/private/"
    table = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert f"**firecrawl {job}**" in table and f"- {first['url']} — " in table
    assert (tmp_path / "output").read_text(encoding="utf-8") == "state=failed\nexit_code=1\n"
    assert f"::error title=jobwatch%3A firecrawl {job} failed::12 of 40 pages" in result.stderr


def test_min_completed_and_a_gate_that_passes(run_jobwatch: Run, sim: Sim) -> None:
    short = provider_watch(
        run_jobwatch, sim, "firecrawl", unique("-partial"), *JSON_WATCH, "--min-completed", "20"
    )
    assert short.code == 1
    assert short.ndjson()[-1]["jobs"][0]["message"] == "12 pages < --min-completed 20"
    fine = provider_watch(
        run_jobwatch, sim, "firecrawl", unique("-partial"), *JSON_WATCH, "--min-success", "0.3"
    )
    assert fine.code == 0
    # Succeeded with pages failed: the errors were read all the same.
    assert fine.ndjson()[-1]["jobs"][0]["extra"]["errors_total"] == 28


def test_an_old_server_without_the_batch_errors_route_answers_on_v1(
    run_jobwatch: Run, sim: Sim
) -> None:
    result = provider_watch(
        run_jobwatch, sim, "firecrawl", unique("-oldserver-partial"), *JSON_WATCH
    )
    assert result.code == 0, result.stderr
    extra = result.ndjson()[-1]["jobs"][0]["extra"]
    assert extra["errors_total"] == 28
    assert "errors_unavailable" not in extra


def test_a_failed_batch_lists_its_errors(run_jobwatch: Run, sim: Sim) -> None:
    job = unique("-fail")
    result = provider_watch(run_jobwatch, sim, "firecrawl", job, *PLAIN_WATCH)
    assert result.code == 1
    tail = result.stderr.split("(exit code 1)\n", 1)[1].splitlines()
    assert tail[0] == f"firecrawl {job} failed"  # the sim's failed body gives no reason
    assert len(tail) == 4 and all(line.startswith("  https://example.com/") for line in tail[1:])


def test_milvus_rows_short_of_the_gate(run_jobwatch: Run, sim: Sim) -> None:
    result = provider_watch(
        run_jobwatch, sim, "milvus", unique("-partial"), *JSON_WATCH, "--min-success", "0.95"
    )
    assert result.code == 1
    (final,) = result.ndjson()[-1]["jobs"]
    assert (final["state"], final["status"]) == ("failed", "Completed")
    assert " rows (" in final["message"] and final["message"].endswith("< --min-success 0.95")


def test_failed_files_and_provider_reasons_after_the_summary(run_jobwatch: Run, sim: Sim) -> None:
    job = unique("-fail")
    result = provider_watch(run_jobwatch, sim, "milvus", job, *PLAIN_WATCH)
    assert result.code == 1
    tail = result.stderr.split("(exit code 1)\n", 1)[1].splitlines()
    assert tail[0].startswith(f"zilliz {job} failed (Failed): failed to parse file")
    assert any(line.startswith("  [part-2.parquet] — failed to parse file") for line in tail)
    snapshot = unique("-fail")
    bright = provider_watch(run_jobwatch, sim, "brightdata", snapshot, *PLAIN_WATCH)
    tail = bright.stderr.split("(exit code 1)\n", 1)[1].splitlines()
    assert tail == [f"brightdata {snapshot} failed: No data found in discovery"]


def test_jobs_without_counts_are_not_judged_and_the_run_says_so(
    run_jobwatch: Run, sim: Sim
) -> None:
    snapshot = unique()
    result = provider_watch(
        run_jobwatch, sim, "brightdata", snapshot, *PLAIN_WATCH, "--min-success", "0.9"
    )
    assert result.code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [
        f"note: 1 succeeded job has no counts, so --min-success did not judge it: "
        f"brightdata {snapshot}"
    ]


# --- exit precedence in a mixed watch ---------------------------------------------------------


@pytest.mark.parametrize(
    ("stories", "code"),
    [
        (["-stall", "-gone", "-fail", ""], 1),
        (["-stall", "-gone", ""], 3),
        (["-stall", ""], 5),
        (["-stall", "-slow"], 5),  # stalled beats the deadline
        (["", "-late"], 0),
    ],
)
def test_exit_precedence_in_a_mixed_watch(
    run_jobwatch: Run, sim: Sim, stories: list[str], code: int
) -> None:
    refs = [f"firecrawl:{unique(story)}" for story in stories]
    result = run_jobwatch(
        "watch", *refs, "--base-url", sim.base_url, *KEY, "--json", "--interval", "0.1",
        "--progress", "none", "--timeout", "3", "--stall-timeout", "1", "--wait-for-start", "1",
    )  # fmt: skip
    assert result.code == code, result.stderr
    assert result.ndjson()[-1]["exit_code"] == code


def test_a_stalled_job_does_not_hide_a_sigterm(sim: Sim, tmp_path: Path) -> None:
    # The slow job must keep moving, or it would stall too and end the run before the signal:
    # a Coze document's percent moves every 0.3 s at the simulator's speed.
    stalled, slow = unique("-stall"), unique("-slow")
    process = subprocess.Popen(
        jobwatch_command(
            "watch", f"firecrawl:{stalled}", f"coze:7441/{slow}", "--base-url", sim.base_url,
            *KEY, "--interval", "0.1", "--progress", "plain", "--stall-timeout", "0.5",
        ),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env=clean_env(str(tmp_path)),
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:
        if f"firecrawl {stalled} stalled" in line:
            break
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=PROCESS_TIMEOUT)
    assert process.returncode == 143, rest
