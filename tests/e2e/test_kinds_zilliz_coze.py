"""End-to-end: Zilliz Cloud control-plane jobs (`zilliz --kind job`), Coze workflow runs
(`coze WORKFLOW_ID EXECUTE_ID --kind workflow`) and Coze chats (`coze CONVERSATION_ID CHAT_ID
--kind chat`), the real `jobwatch` process against `jobwatch sim`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.contract import JOB_KEYS
from tests.e2e.conftest import Result, Sim, unique

pytestmark = pytest.mark.e2e

WORKFLOW = "7429635394645390123"
CONVERSATION = "7381365856095480123"
# How each kind's command names one job, and the key its JOB carries its scope under.
KINDS: dict[str, Callable[[str], list[str]]] = {
    "job": lambda job: ["zilliz", job, "--kind", "job"],
    "workflow": lambda job: ["coze", WORKFLOW, job, "--kind", "workflow"],
    "chat": lambda job: ["coze", CONVERSATION, job, "--kind", "chat"],
}
SCOPE = {
    "job": {},
    "workflow": {"workflow_id": WORKFLOW},
    "chat": {"conversation_id": CONVERSATION},
}
REF = {
    "job": lambda job: f"zilliz-job:{job}",
    "workflow": lambda job: f"coze-workflow:{WORKFLOW}/{job}",
    "chat": lambda job: f"coze-chat:{CONVERSATION}/{job}",
}
PROVIDER = {"job": "zilliz", "workflow": "coze", "chat": "coze"}
WATCH = ["--watch", "--json", "--interval", "0.1", "--progress", "none", "--timeout", "90",
         "--wait-for-start", "0"]  # fmt: skip
# story suffix -> (exit code, final state, the provider's final word per kind)
STORIES = {
    "": (0, "succeeded", {"job": "SUCCESSFUL", "workflow": "Success", "chat": "completed"}),
    "-fail": (1, "failed", {"job": "FAILED", "workflow": "Fail", "chat": "failed"}),
    "-429": (0, "succeeded", {}),
    "-500": (0, "succeeded", {}),
    "-flaky": (0, "succeeded", {}),
    "-gone": (3, "unknown", {}),
}


def jobwatch(run_jobwatch: Callable[..., Result], sim: Sim, *args: str) -> Result:
    return run_jobwatch(*args, "--base-url", sim.base_url, "--api-key", "e2e-key")


@pytest.mark.parametrize("story", list(STORIES))
@pytest.mark.parametrize("kind", list(KINDS))
def test_watch_each_story(
    run_jobwatch: Callable[..., Result], sim: Sim, kind: str, story: str
) -> None:
    job = unique(story)
    result = jobwatch(run_jobwatch, sim, *KINDS[kind](job), *WATCH)
    code, state, words = STORIES[story]
    assert result.code == code, result.stderr
    events = result.ndjson()
    summary = events[-1]
    assert (summary["event"], summary["exit_code"]) == ("summary", code)
    (final,) = summary["jobs"]
    assert (final["provider"], final["id"], final["state"]) == (PROVIDER[kind], job, state)
    assert final["extra"].get("kind") == kind or state == "unknown"
    for key, value in SCOPE[kind].items():
        assert final[key] == value
    if kind in words:
        assert final["status"] == words[kind]
    if story == "-fail":
        assert final["message"], "the provider's failure reason is kept"
        assert f"{PROVIDER[kind]} " in result.stderr and final["message"] in result.stderr
    if story == "" and kind == "job":
        assert final["progress"] == 1.0  # the percent in a string
    if story == "" and kind != "job":
        assert final["progress"] is None  # no numbers: a pulsing bar
    if story in ("-429", "-500", "-flaky"):
        retries = [event for event in events if event["event"] == "retry"]
        assert retries and retries[0]["job_id"] == job
    if story == "-gone":
        assert "not found" in result.stderr.lower()
    assert "output" not in final["extra"] and "Output" not in result.stdout


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_off_json(run_jobwatch: Callable[..., Result], sim: Sim, kind: str) -> None:
    job = unique()
    result = jobwatch(run_jobwatch, sim, *KINDS[kind](job), "--json")
    assert result.code == 0, result.stderr
    document = result.json()
    assert document["exit_code"] == 0
    (found,) = document["jobs"]
    assert found["id"] == job and found["state"] in ("pending", "running")
    assert set(found) == JOB_KEYS | set(SCOPE[kind])


@pytest.mark.parametrize("kind", list(KINDS))
def test_watch_draws_plain_lines(run_jobwatch: Callable[..., Result], sim: Sim, kind: str) -> None:
    job = unique()
    args = ["--watch", "--interval", "0.1", "--progress", "plain", "--timeout", "60"]
    result = jobwatch(run_jobwatch, sim, *KINDS[kind](job), *args)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    name = job if kind == "job" else f"{SCOPE[kind][next(iter(SCOPE[kind]))]}/{job}"
    assert f"] {PROVIDER[kind]} {name} succeeded" in result.stderr
    if kind == "job":
        assert "100%" in result.stderr


@pytest.mark.parametrize("kind", list(KINDS))
def test_bad_key_exits_4(run_jobwatch: Callable[..., Result], sim: Sim, kind: str) -> None:
    result = run_jobwatch(
        *KINDS[kind](unique()), "--base-url", sim.base_url, "--api-key", "bad-key", *WATCH
    )
    assert result.code == 4, result.stderr
    assert result.ndjson()[-1]["exit_code"] == 4
    assert "bad-key" not in result.stderr


@pytest.mark.parametrize("kind", list(KINDS))
def test_slow_times_out_with_124(run_jobwatch: Callable[..., Result], sim: Sim, kind: str) -> None:
    args = ["--watch", "--json", "--interval", "0.1", "--progress", "none", "--timeout", "1.5"]
    result = jobwatch(run_jobwatch, sim, *KINDS[kind](unique("-slow")), *args)
    assert result.code == 124, result.stderr
    assert result.ndjson()[-1]["jobs"][0]["state"] in ("pending", "running")


@pytest.mark.parametrize("kind", list(KINDS))
def test_stall_exits_5(run_jobwatch: Callable[..., Result], sim: Sim, kind: str) -> None:
    result = jobwatch(
        run_jobwatch, sim, *KINDS[kind](unique("-stall")), *WATCH, "--stall-timeout", "1"
    )
    assert result.code == 5, result.stderr
    (final,) = result.ndjson()[-1]["jobs"]
    assert final["state"] == "stalled" and "no change since" in final["message"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_late_is_waited_for(run_jobwatch: Callable[..., Result], sim: Sim, kind: str) -> None:
    watch = [*WATCH[:-1], "30"]  # --wait-for-start 30
    result = jobwatch(run_jobwatch, sim, *KINDS[kind](unique("-late")), *watch)
    assert result.code == 0, result.stderr
    statuses = [e["job"]["status"] for e in result.ndjson() if e["event"] == "status"]
    assert statuses[0] == "not found yet"


def test_a_chat_waiting_for_tool_outputs_stays_running_until_a_stall_or_the_timeout(
    run_jobwatch: Callable[..., Result], sim: Sim
) -> None:
    chat = unique("-action")
    stalled = jobwatch(run_jobwatch, sim, *KINDS["chat"](chat), *WATCH, "--stall-timeout", "1")
    assert stalled.code == 5, stalled.stderr
    (final,) = stalled.ndjson()[-1]["jobs"]
    assert (final["state"], final["status"]) == ("stalled", "requires_action")
    assert "waiting for tool outputs (get_weather)" in final["message"]
    args = ["--watch", "--progress", "plain", "--interval", "0.1", "--timeout", "1"]
    timed_out = jobwatch(run_jobwatch, sim, *KINDS["chat"](chat), *args)
    assert timed_out.code == 124, timed_out.stderr
    assert "running (requires_action) - waiting for tool outputs" in timed_out.stderr


def test_gates_judge_no_kind_without_counts(run_jobwatch: Callable[..., Result], sim: Sim) -> None:
    """A Zilliz job's percent is a bar, not counts: `--min-success` does not judge it."""
    result = jobwatch(
        run_jobwatch, sim, "watch", REF["job"](unique()), REF["workflow"](unique()),
        "--json", "--interval", "0.1", "--progress", "none", "--min-success", "0.99",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert [job["state"] for job in result.ndjson()[-1]["jobs"]] == ["succeeded", "succeeded"]
    assert "note: 2 succeeded jobs have no counts, so --min-success did not judge them" in (
        result.stderr
    )


def test_watch_mixes_old_and_new_kinds_from_references_and_a_jobs_file(
    run_jobwatch: Callable[..., Result], sim: Sim, tmp_path: Path
) -> None:
    run, chat, failing_job, document = unique(), unique(), unique("-fail"), unique()
    jobs = tmp_path / "jobs.toml"
    jobs.write_text(
        f'[[job]]\nprovider = "coze"\nkind = "workflow"\nworkflow_id = "{WORKFLOW}"\n'
        f'id = "{run}"\n\n'
        f'[[job]]\nprovider = "zilliz"\nkind = "job"\nid = "{failing_job}"\n',
        encoding="utf-8",
    )
    result = jobwatch(
        run_jobwatch, sim, "watch", REF["chat"](chat), f"coze:7441234567890123456/{document}",
        f"zilliz:in01-e2e/{unique()}", "--file", str(jobs),
        "--json", "--interval", "0.1", "--progress", "none", "--timeout", "90",
    )  # fmt: skip
    assert result.code == 1, result.stderr
    summary = result.ndjson()[-1]
    got = {(job["provider"], job["id"]): job for job in summary["jobs"]}
    assert len(got) == 5
    assert got[("coze", chat)]["conversation_id"] == CONVERSATION
    assert got[("coze", run)]["workflow_id"] == WORKFLOW
    assert got[("coze", document)]["dataset_id"] == "7441234567890123456"
    assert got[("zilliz", failing_job)]["state"] == "failed"
    assert [job["state"] for key, job in got.items() if key[1] != failing_job] == ["succeeded"] * 4


def test_cancel_a_chat_running_finished_waiting_and_unknown(
    run_jobwatch: Callable[..., Result], sim: Sim
) -> None:
    running, finished, waiting, gone = (
        unique("-slow"), unique(), unique("-action"), unique("-gone")
    )  # fmt: skip
    jobwatch(run_jobwatch, sim, "coze", CONVERSATION, running, finished, waiting, "--kind", "chat")
    time.sleep(1.0)  # the default story has ended, -action waits for tool outputs
    refs = [REF["chat"](job) for job in (running, finished, waiting)]
    result = jobwatch(run_jobwatch, sim, "cancel", *refs, "--json")
    assert result.code == 0, result.stderr
    assert [j["result"] for j in result.json()["jobs"]] == ["cancelled", "finished", "finished"]
    assert f"jobwatch: cancelled coze {running} (chat {CONVERSATION})" in result.stderr
    after = jobwatch(run_jobwatch, sim, "coze", CONVERSATION, running, "--kind", "chat", "--json")
    assert after.json()["jobs"][0]["status"] == "canceled"
    assert after.json()["jobs"][0]["state"] == "cancelled"
    unknown = jobwatch(run_jobwatch, sim, "cancel", REF["chat"](gone))
    assert unknown.code == 3
    assert f"cannot cancel coze {gone} (chat {CONVERSATION}): coze: code 4200" in unknown.stderr


def test_cancel_on_timeout_cancels_a_running_chat(
    run_jobwatch: Callable[..., Result], sim: Sim
) -> None:
    chat = unique("-slow")
    args = ["--watch", "--progress", "plain", "--interval", "0.1", "--timeout", "1.5",
            "--cancel-on-timeout"]  # fmt: skip
    result = jobwatch(run_jobwatch, sim, *KINDS["chat"](chat), *args)
    assert result.code == 124, result.stderr
    assert f"jobwatch: cancelled coze {chat} (chat {CONVERSATION})" in result.stderr


@pytest.mark.parametrize(
    ("ref", "named"),
    [
        (REF["job"]("job-03e1eefbd82dmo2oeb8pe2"), "zilliz --kind job has no cancel"),
        (REF["workflow"]("7431040978805850123"), "coze --kind workflow has no cancel"),
    ],
)
def test_cancel_where_the_kind_has_none_exits_2(
    run_jobwatch: Callable[..., Result], sim: Sim, ref: str, named: str
) -> None:
    result = jobwatch(run_jobwatch, sim, "cancel", ref)
    assert result.code == 2, result.stderr
    assert named in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["zilliz", "--kind", "job", "--running"],
         "zilliz --kind job cannot list its jobs (--running): name them instead"),
        (["coze", WORKFLOW, "--kind", "workflow", "--running"],
         "coze --kind workflow cannot list its jobs (--running): name them instead"),
        (["coze", CONVERSATION, "--kind", "chat", "--running"],
         "coze --kind chat cannot list its jobs (--running): name them instead"),
        (["zilliz", "job-1", "--kind", "job", "--cluster-id", "in01-x"],
         "--cluster-id is not for zilliz --kind job"),
        (["coze", WORKFLOW, "--kind", "workflow"], "name at least one EXECUTE_ID"),
        (["watch", "coze-chat:7381"], "bad job reference 'coze-chat:7381'"),
    ],
)  # fmt: skip
def test_usage_errors_name_the_kind(
    run_jobwatch: Callable[..., Result], sim: Sim, args: list[str], message: str
) -> None:
    result = jobwatch(run_jobwatch, sim, *args)
    assert result.code == 2, result.stderr
    assert f"jobwatch: error: {message}" in result.stderr
