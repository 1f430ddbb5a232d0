"""The command line of Zilliz Cloud control-plane jobs and Coze workflow runs and chats:
`--kind`, the first argument read as each kind's own, references, jobs-file keys, help and the
re-attach hint (README: Job kinds)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from jobwatch.cli import fastpath
from jobwatch.cli.command import read_command, reattach_hint
from jobwatch.cli.refs import JobRef, load_jobs_file, parse_ref
from jobwatch.core.errors import UsageError
from tests.cli_helpers import CZ_KEY, ZZ_KEY, Fake, clean_environment, invoke, reply

WORKFLOW, RUN = "7429635394645390123", "7431040978805850123"
CONVERSATION, CHAT = "7381365856095480123", "7381371876397940123"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setenv("JOBWATCH_CONFIG_DIR", str(tmp_path))


def answers(request: httpx.Request) -> httpx.Response:
    """Each new kind's documented success body, by path."""
    path = request.url.path
    if path.startswith("/v2/jobs/"):
        return reply(fixture=("zilliz", "job_successful.json"))
    if "/run_histories/" in path:
        return reply(fixture=("coze", "workflow_success.json"))
    if path == "/v3/chat/retrieve":
        return reply(fixture=("coze", "chat_completed.json"))
    raise AssertionError(f"unexpected {request.method} {request.url}")


def test_zilliz_kind_job_calls_the_control_plane_without_a_cluster_id(tmp_path: Path) -> None:
    fake = Fake(answers)
    args = ["zilliz", "job-03e1eefbd82dmo2oeb8pe2", "--kind", "job", "--region", "cn", "--json"]
    result = invoke([*args, "--api-key", ZZ_KEY], tmp_path, fake=fake)
    assert result.exit_code == 0, result.output
    assert fake.urls == ["https://api.cloud.zilliz.com.cn/v2/jobs/job-03e1eefbd82dmo2oeb8pe2"]
    assert fake.requests[0].method == "GET" and fake.requests[0].content == b""
    (job,) = result.json()["jobs"]
    assert (job["state"], job["status"], job["progress"]) == ("succeeded", "SUCCESSFUL", 1.0)


def test_a_stored_cluster_id_does_not_disturb_kind_job(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        f'[profiles.default.zilliz]\napi_key = "{ZZ_KEY}"\ncluster_id = "in01-stored"\n'
    )
    fake = Fake(answers)
    result = invoke(["zilliz", "job-1", "--kind", "job", "--json"], tmp_path, fake=fake)
    assert result.exit_code == 0, result.output
    assert fake.urls == ["https://api.cloud.zilliz.com/v2/jobs/job-1"]


def test_coze_reads_its_first_argument_as_each_kinds_own(tmp_path: Path) -> None:
    fake = Fake(answers)
    workflow = invoke(["coze", WORKFLOW, RUN, "--kind", "workflow", "--json", "--api-key", CZ_KEY],
                      tmp_path, fake=fake)  # fmt: skip
    assert workflow.exit_code == 0, workflow.output
    (run,) = workflow.json()["jobs"]
    assert (run["id"], run["workflow_id"], run["status"]) == (RUN, WORKFLOW, "Success")
    chat = invoke(["coze", CONVERSATION, CHAT, "--kind", "chat", "--json", "--api-key", CZ_KEY],
                  tmp_path, fake=fake)  # fmt: skip
    assert chat.exit_code == 0, chat.output
    (found,) = chat.json()["jobs"]
    assert (found["id"], found["conversation_id"]) == (CHAT, CONVERSATION)
    assert fake.urls == [
        f"https://api.coze.com/v1/workflows/{WORKFLOW}/run_histories/{RUN}",
        f"https://api.coze.com/v3/chat/retrieve?conversation_id={CONVERSATION}&chat_id={CHAT}",
    ]


def test_rows_name_scope_and_id(tmp_path: Path) -> None:
    result = invoke(
        ["coze", CONVERSATION, CHAT, "--kind", "chat", "--progress", "plain", "--api-key", CZ_KEY],
        tmp_path,
        fake=Fake(answers),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"coze {CONVERSATION}/{CHAT} succeeded (completed)\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zilliz-job:job-03e1", JobRef.of("zilliz", "job", "job-03e1")),
        (f"coze-workflow:{WORKFLOW}/{RUN}",
         JobRef.of("coze", "workflow", RUN, workflow_id=WORKFLOW)),
        (f"coze-chat:{CONVERSATION}/{CHAT}",
         JobRef.of("coze", "chat", CHAT, conversation_id=CONVERSATION)),
    ],
)  # fmt: skip
def test_references(text: str, expected: JobRef) -> None:
    assert parse_ref(text) == expected


@pytest.mark.parametrize("text", ["coze-workflow:743", "coze-chat:7381/", "zilliz-job:a/b"])
def test_a_reference_without_its_scope_or_with_one_too_many_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="bad job reference"):
        parse_ref(text)


def test_jobs_file_kind_keys(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.toml"
    jobs.write_text(
        f'[[job]]\nprovider = "zilliz"\nkind = "job"\nid = "job-1"\n\n'
        f'[[job]]\nprovider = "coze"\nkind = "workflow"\nworkflow_id = "{WORKFLOW}"\nid = "{RUN}"\n'
        f'\n[[job]]\nprovider = "coze"\nkind = "chat"\nconversation_id = {CONVERSATION}\n'
        f"id = {CHAT}\n",
        encoding="utf-8",
    )
    assert load_jobs_file(jobs) == [
        JobRef.of("zilliz", "job", "job-1"),
        JobRef.of("coze", "workflow", RUN, workflow_id=WORKFLOW),
        JobRef.of("coze", "chat", CHAT, conversation_id=CONVERSATION),
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('provider = "coze"\nkind = "workflow"\nid = "1"\n', "a coze job needs workflow_id"),
        ('provider = "coze"\nkind = "chat"\ndataset_id = "1"\nid = "2"\n',
         "unknown key(s) dataset_id for coze --kind chat"),
        ('provider = "zilliz"\nkind = "job"\ncluster_id = "in01-x"\nid = "j"\n',
         "unknown key(s) cluster_id for zilliz --kind job"),
    ],
)  # fmt: skip
def test_jobs_file_errors_name_the_kind(tmp_path: Path, table: str, message: str) -> None:
    jobs = tmp_path / "jobs.toml"
    jobs.write_text("[[job]]\n" + table, encoding="utf-8")
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_jobs_file(jobs)


def test_watch_mixes_the_new_kinds_with_the_old_ones(tmp_path: Path) -> None:
    def mixed(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/process"):
            return reply(fixture=("coze", "process_completed.json"))
        return answers(request)

    fake = Fake(mixed)
    args = ["watch", "zilliz-job:job-1", f"coze-workflow:{WORKFLOW}/{RUN}",
            f"coze-chat:{CONVERSATION}/{CHAT}", "coze:7441/744667080521909***",
            "--json"]  # fmt: skip
    env = {"JOBWATCH_ZILLIZ_API_KEY": ZZ_KEY, "JOBWATCH_COZE_API_KEY": CZ_KEY}
    result = invoke(args, tmp_path, fake=fake, env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert [(job["provider"], job["state"]) for job in summary["jobs"]] == [
        ("zilliz", "succeeded"),
        ("coze", "succeeded"),
        ("coze", "succeeded"),
        ("coze", "succeeded"),
    ]
    assert [job["extra"].get("kind") for job in summary["jobs"]] == [
        "job",
        "workflow",
        "chat",
        None,
    ]


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["coze", WORKFLOW, RUN, "--kind", "workflow", "--api-key", CZ_KEY],
         f"jobwatch coze {WORKFLOW} {RUN} --kind workflow --watch"),
        (["coze", CONVERSATION, CHAT, "--kind", "chat", "--region", "cn"],
         f"jobwatch coze {CONVERSATION} {CHAT} --kind chat --region cn --watch"),
        (["zilliz", "job-1", "--kind", "job", "-w"], "jobwatch zilliz job-1 --kind job --watch"),
    ],
)  # fmt: skip
def test_the_reattach_hint_names_the_kind(argv: list[str], hint: str) -> None:
    parsed = fastpath.parse(argv)
    assert parsed is not None
    assert reattach_hint(read_command(*parsed)) == hint


def test_help_says_what_the_first_argument_is_for_each_kind(tmp_path: Path) -> None:
    text = invoke(["coze", "--help"], tmp_path).stdout
    flat = " ".join(text.split())
    assert (
        "DATASET_ID The knowledge base; --kind workflow: WORKFLOW_ID, the workflow; --kind chat: "
        "CONVERSATION_ID, the conversation." in flat
    )
    assert "--kind workflow: EXECUTE_ID, the runs' execute ids; --kind chat: CHAT_ID" in flat
    assert "--kind document|workflow|chat" in flat
    text = re.sub(r" \\\n\s+", " ", text)  # examples broken between words with ` \`
    assert f"jobwatch coze {WORKFLOW} {RUN} --kind workflow --watch" in text
    assert f"jobwatch coze {CONVERSATION} {CHAT} --kind chat --watch" in text
    zilliz = " ".join(invoke(["zilliz", "--help"], tmp_path).stdout.split())
    assert "--kind import|job" in zilliz and "GET /v2/jobs/{id}, no cluster id" in zilliz
    assert "jobwatch zilliz job-03e1eefbd82dmo2oeb8pe2 --kind job --watch" in zilliz
