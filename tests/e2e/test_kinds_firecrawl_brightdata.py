"""Firecrawl agent and extract jobs, Bright Data deliveries and Marketplace snapshots (PRODUCT.md
section 9), through the real jobwatch process against `jobwatch sim`: one-off checks, watches,
JSON, every story's exit code, references and jobs files mixing old and new kinds, cancel."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.contract import JOB_KEYS
from tests.e2e.conftest import Result, Sim, unique

pytestmark = pytest.mark.e2e

Run = Callable[..., Result]
KEY = ("--api-key", "e2e-key")
WATCH = ("--watch", "--json", "--interval", "0.1", "--progress", "none", "--timeout", "90",
         "--wait-for-start", "0")  # fmt: skip

# kind -> (its provider command's words for one job, its `watch` reference prefix, the
# JOB's `extra.kind`)
KINDS: dict[str, tuple[Callable[[str], list[str]], str]] = {
    "agent": (lambda job: ["firecrawl", job, "--kind", "agent"], "firecrawl-agent"),
    "extract": (lambda job: ["firecrawl", job, "--kind", "extract"], "firecrawl-extract"),
    "delivery": (lambda job: ["brightdata", job, "--kind", "delivery"], "brightdata-delivery"),
    "marketplace": (
        lambda job: ["brightdata", job, "--kind", "marketplace"],
        "brightdata-marketplace",
    ),
}
PROVIDER = {"agent": "firecrawl", "extract": "firecrawl"} | dict.fromkeys(
    ("delivery", "marketplace"), "brightdata"
)
# Each kind's failure reason in the simulator (a delivery's body has none).
REASONS = {
    "agent": "Agent reached max credits (credit_limit_reached)",
    "extract": "All provided URLs failed to load: no content could be extracted",
    "delivery": None,
    "marketplace": "Snapshot is empty: the filter matched no records (empty_snapshot)",
}
# story suffix -> (exit code, final state)
STORIES = {
    "": (0, "succeeded"),
    "-fail": (1, "failed"),
    "-429": (0, "succeeded"),
    "-500": (0, "succeeded"),
    "-flaky": (0, "succeeded"),
    "-gone": (3, "unknown"),
}


def command(sim: Sim, kind: str, job: str, *extra: str) -> list[str]:
    return [*KINDS[kind][0](job), "--base-url", sim.base_url, *KEY, *extra]


@pytest.mark.parametrize("story", list(STORIES))
@pytest.mark.parametrize("kind", list(KINDS))
def test_watch_each_story(run_jobwatch: Run, sim: Sim, kind: str, story: str) -> None:
    job = unique(story)
    result = run_jobwatch(*command(sim, kind, job, *WATCH))
    code, state = STORIES[story]
    assert result.code == code, result.stderr
    events = result.ndjson()
    summary = events[-1]
    assert (summary["event"], summary["exit_code"]) == ("summary", code)
    (final,) = summary["jobs"]
    assert (final["provider"], final["id"], final["state"]) == (PROVIDER[kind], job, state)
    if code != 3:
        assert final["extra"]["kind"] == kind
        # No counts: a pulsing bar, never a made-up percent.
        assert (final["progress"], final["completed"], final["total"]) == (None, None, None)
    if story == "-fail":
        assert final["message"] == REASONS[kind]
    if story in ("-429", "-500", "-flaky"):
        retries = [event for event in events if event["event"] == "retry"]
        assert retries and retries[0]["job_id"] == job
    # The result (`data`, `partial`) never reaches the output.
    assert "Example Domain" not in result.stdout and '"partial"' not in result.stdout


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_off_json(run_jobwatch: Run, sim: Sim, kind: str) -> None:
    job = unique()
    result = run_jobwatch(*command(sim, kind, job, "--json"))
    assert result.code == 0, result.stderr
    document = result.json()
    (found,) = document["jobs"]
    assert document["exit_code"] == 0
    assert set(found) >= JOB_KEYS
    assert (found["id"], found["state"]) == (job, "pending" if kind == "marketplace" else "running")
    assert (
        found["status"]
        == {
            "agent": "processing",
            "extract": "processing",
            "delivery": "no status",
            "marketplace": "scheduled",
        }[kind]
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_watch_in_plain_lines_ends_with_the_summary(run_jobwatch: Run, sim: Sim, kind: str) -> None:
    job = unique()
    result = run_jobwatch(
        *command(sim, kind, job, "--watch", "--interval", "0.1"), env={"CI": "true"}
    )
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].endswith(f"watching 1 job: {PROVIDER[kind]} {job}")
    done = {"agent": "completed", "extract": "completed", "delivery": "done"}.get(kind, "ready")
    assert any(f"] {PROVIDER[kind]} {job} succeeded ({done})" in line for line in lines)
    assert lines[-1].endswith("(exit code 0)")
    assert "unknown status word" not in result.stderr  # a delivery without status is expected


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_failed_job_says_why_after_the_summary(run_jobwatch: Run, sim: Sim, kind: str) -> None:
    job = unique("-fail")
    result = run_jobwatch(
        *command(sim, kind, job, "--watch", "--interval", "0.1", "--progress", "plain")
    )
    assert result.code == 1, result.stderr
    tail = result.stderr.split("(exit code 1)\n", 1)[1].splitlines()
    reason = f": {REASONS[kind]}" if REASONS[kind] else ""
    assert tail == [f"{PROVIDER[kind]} {job} failed{reason}"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_bad_key_exits_4(run_jobwatch: Run, sim: Sim, kind: str) -> None:
    result = run_jobwatch(*KINDS[kind][0](unique()), "--base-url", sim.base_url,
                          "--api-key", "bad-key", *WATCH)  # fmt: skip
    assert result.code == 4, result.stderr
    assert result.ndjson()[-1]["exit_code"] == 4
    assert "bad-key" not in result.stderr


@pytest.mark.parametrize("kind", list(KINDS))
def test_slow_job_times_out_with_124(run_jobwatch: Run, sim: Sim, kind: str) -> None:
    result = run_jobwatch(
        *command(
            sim,
            kind,
            unique("-slow"),
            "--watch",
            "--json",
            "--interval",
            "0.1",
            "--progress",
            "none",
            "--timeout",
            "1.5",
        )
    )
    assert result.code == 124, result.stderr
    summary = result.ndjson()[-1]
    assert summary["exit_code"] == 124
    assert summary["jobs"][0]["state"] in ("pending", "running")


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_stalled_job_ends_stalled_exit_5(run_jobwatch: Run, sim: Sim, kind: str) -> None:
    job = unique("-stall")
    result = run_jobwatch(*command(sim, kind, job, *WATCH, "--stall-timeout", "1"))
    assert result.code == 5, result.stderr
    (final,) = result.ndjson()[-1]["jobs"]
    assert (final["id"], final["state"]) == (job, "stalled")
    assert final["message"].startswith("no change since ")


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_late_job_is_not_found_yet_then_runs(run_jobwatch: Run, sim: Sim, kind: str) -> None:
    job = unique("-late")
    result = run_jobwatch(*command(sim, kind, job, "--watch", "--json", "--interval", "0.1",
                                   "--progress", "none", "--wait-for-start", "10"))  # fmt: skip
    assert result.code == 0, result.stderr
    statuses = [e["job"]["status"] for e in result.ndjson() if e["event"] == "status"]
    assert statuses[0] == "not found yet"
    assert result.ndjson()[-1]["jobs"][0]["state"] == "succeeded"
    # Without the window, not found is final: exit 3.
    late = run_jobwatch(*command(sim, kind, unique("-late"), *WATCH))
    assert late.code == 3, late.stderr


def test_the_gates_do_not_judge_kinds_without_counts(run_jobwatch: Run, sim: Sim) -> None:
    agent, delivery = unique(), unique()
    result = run_jobwatch(
        "watch", f"firecrawl-agent:{agent}", f"brightdata-delivery:{delivery}",
        "--base-url", sim.base_url, *KEY, "--interval", "0.1", "--progress", "plain",
        "--timeout", "90", "--min-success", "0.9",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "2 succeeded jobs have no counts" in notes[0], notes


def test_a_watch_mixing_old_and_new_kinds(run_jobwatch: Run, sim: Sim) -> None:
    jobs = {
        "brightdata": unique(),
        "brightdata-delivery": unique(),
        "brightdata-marketplace": unique("-fail"),
        "firecrawl": unique(),
        "firecrawl-crawl": unique(),
        "firecrawl-agent": unique("-fail"),
        "firecrawl-extract": unique(),
        "coze": f"7441234567890123456/{unique()}",
    }
    result = run_jobwatch(
        "watch", *(f"{prefix}:{job}" for prefix, job in jobs.items()),
        "--base-url", sim.base_url, *KEY, "--json", "--interval", "0.1", "--progress", "none",
        "--timeout", "90",
    )  # fmt: skip
    assert result.code == 1, result.stderr
    summary = result.ndjson()[-1]
    assert summary["exit_code"] == 1
    states = {(job["provider"], job["id"]): job["state"] for job in summary["jobs"]}
    kinds = {job["id"]: job["extra"].get("kind") for job in summary["jobs"]}
    assert len(states) == len(jobs)
    failed = {jobs["brightdata-marketplace"], jobs["firecrawl-agent"]}
    for (_, job), state in states.items():
        assert state == ("failed" if job in failed else "succeeded"), (job, state)
    assert kinds[jobs["firecrawl-agent"]] == "agent"
    assert kinds[jobs["brightdata-delivery"]] == "delivery"
    assert kinds[jobs["firecrawl-crawl"]] == "crawl"
    assert kinds[jobs["brightdata"]] is None  # the snapshot's JOB is as before


def test_a_jobs_file_names_kinds_with_kind_keys(
    run_jobwatch: Run, sim: Sim, tmp_path: Path
) -> None:
    jobs = {kind: unique() for kind in ("agent", "extract", "delivery", "marketplace")}
    tables = [
        f'[[job]]\nprovider = "{PROVIDER[kind]}"\nkind = "{kind}"\nid = "{job}"\n'
        for kind, job in jobs.items()
    ]
    tables.append(f'[[job]]\nprovider = "firecrawl"\nid = "{unique()}"\ncrawl = true\n')
    path = tmp_path / "jobs.toml"
    path.write_text("\n".join(tables), encoding="utf-8")
    result = run_jobwatch(
        "watch",
        "--file",
        str(path),
        "--base-url",
        sim.base_url,
        *KEY,
        "--json",
        "--interval",
        "0.1",
        "--progress",
        "none",
        "--timeout",
        "90",
    )
    assert result.code == 0, result.stderr
    ended = {job["id"]: (job["extra"]["kind"], job["state"]) for job in result.ndjson()[-1]["jobs"]}
    for kind, job in jobs.items():
        assert ended[job] == (kind, "succeeded")
    assert sorted(kind for kind, _ in ended.values()) == [
        "agent", "crawl", "delivery", "extract", "marketplace"
    ]  # fmt: skip
    path.write_text('[[job]]\nprovider = "brightdata"\nkind = "agent"\nid = "x"\n', "utf-8")
    wrong = run_jobwatch("watch", "--file", str(path), "--base-url", sim.base_url, *KEY)
    assert wrong.code == 2
    assert "brightdata has no kind 'agent': use snapshot, delivery, marketplace" in wrong.stderr


def test_cancel_agents_running_finished_and_unknown(run_jobwatch: Run, sim: Sim) -> None:
    running, finished, gone = unique("-slow"), unique(), unique("-gone")
    base = ("--base-url", sim.base_url, *KEY)
    run_jobwatch("firecrawl", running, "--kind", "agent", *base)
    run_jobwatch("firecrawl", finished, "--kind", "agent", *base, "--watch", "-i", "0.1")
    result = run_jobwatch("cancel", f"firecrawl-agent:{running}", f"firecrawl-agent:{finished}",
                          *base, "--json")  # fmt: skip
    assert result.code == 0, result.stderr
    assert [j["result"] for j in result.json()["jobs"]] == ["cancelled", "finished"]
    assert f"jobwatch: cancelled firecrawl {running} (agent)" in result.stderr
    assert f"jobwatch: firecrawl {finished} (agent) had already finished" in result.stderr
    after = run_jobwatch("firecrawl", running, "--kind", "agent", *base, "--json")
    assert after.code == 1
    assert (after.json()["jobs"][0]["state"], after.json()["jobs"][0]["status"]) == (
        "cancelled",
        "cancelled",
    )
    unknown = run_jobwatch("cancel", f"firecrawl-agent:{gone}", *base)
    assert unknown.code == 3
    assert (
        f"jobwatch: error: cannot cancel firecrawl {gone} (agent): firecrawl: HTTP 404: "
        "Agent job not found" in unknown.stderr
    )


def test_cancel_on_timeout_stops_an_agent(run_jobwatch: Run, sim: Sim) -> None:
    job = unique("-slow")
    result = run_jobwatch(
        *command(
            sim,
            "agent",
            job,
            "--watch",
            "--interval",
            "0.1",
            "--progress",
            "plain",
            "--timeout",
            "1",
            "--cancel-on-timeout",
        )
    )
    assert result.code == 124, result.stderr
    assert f"jobwatch: cancelled firecrawl {job} (agent)" in result.stderr


@pytest.mark.parametrize(
    ("ref", "label"),
    [
        ("firecrawl-extract", "firecrawl extract"),
        ("brightdata-delivery", "brightdata delivery"),
        ("brightdata-marketplace", "brightdata marketplace snapshot"),
    ],
)
def test_cancel_of_a_kind_without_cancel_exits_2_naming_it(
    run_jobwatch: Run, sim: Sim, ref: str, label: str
) -> None:
    job = unique()
    result = run_jobwatch("cancel", f"{ref}:{job}", "--base-url", sim.base_url, *KEY)
    assert result.code == 2, result.stderr
    provider, kind = label.split(" ", 1)
    assert (
        f"jobwatch: error: cannot cancel {provider} {job} ({kind}): {label} has no cancel"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("firecrawl", "--running", "--kind", "agent"), "firecrawl --kind agent cannot list"),
        (("firecrawl", "--running", "--kind", "extract"), "firecrawl --kind extract cannot list"),
        (("brightdata", "--running", "--kind", "delivery"), "brightdata --kind delivery cannot"),
        (("brightdata", "--running", "--kind", "marketplace"), "--kind marketplace cannot list"),
        (("brightdata", "d1", "--kind", "delivery", "--dataset-id", "gd_1"),
         "--dataset-id is not for brightdata --kind delivery"),
        (("firecrawl", "a1", "--kind", "agents"),
         "has no kind 'agents': use batch, crawl, agent, extract"),
    ],
)  # fmt: skip
def test_usage_errors_name_the_kind(
    run_jobwatch: Run, sim: Sim, args: tuple[str, ...], message: str
) -> None:
    result = run_jobwatch(*args, "--base-url", sim.base_url, *KEY)
    assert result.code == 2, result.stderr
    assert result.stderr.startswith("jobwatch: error: ") and message in result.stderr, result.stderr


def test_hooks_and_github_outputs_for_a_new_kind(
    run_jobwatch: Run, sim: Sim, tmp_path: Path
) -> None:
    job = unique("-fail")
    out = tmp_path / "hook.json"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    result = run_jobwatch(
        *command(sim, "marketplace", job, "--watch", "--interval", "0.1", "--progress", "plain",
                 "--on-job-end", f'printf "%s" "$JOBWATCH_JOB" > {out}'),
        env=env,
    )  # fmt: skip
    assert result.code == 1, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert (written["id"], written["state"], written["status"]) == (job, "failed", "failed")
    assert written["extra"]["error_code"] == "empty_snapshot"
    assert (tmp_path / "output").read_text(encoding="utf-8") == "state=failed\nexit_code=1\n"
    assert f"::error title=jobwatch%3A brightdata {job} failed::Snapshot is empty" in result.stderr
    assert f"| brightdata | `{job}` | failed | failed |" in (tmp_path / "summary.md").read_text()
