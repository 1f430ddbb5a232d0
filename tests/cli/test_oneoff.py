"""One-off checks through the CLI (no --watch), for each provider, against a fake API:
exit codes (PRODUCT.md section 3), the JSON document and plain lines (section 4)."""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

import jobwatch
from jobwatch.cli.app import app
from jobwatch.session.run import Streams
from tests.cli_helpers import (
    BD_KEY,
    CZ_KEY,
    FC_KEY,
    ZZ_KEY,
    Fake,
    Outcome,
    clean_environment,
    invoke,
    reply,
)
from tests.contract import ITEM_KEYS, JOB_KEYS


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


CHECKED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

FC_JOB = "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
BD_JOB = "s_m4x7enmven8djfqak"
ZZ_JOB = "job-0123456789abcdefghijk"
ZZ_CLUSTER = "in01-0123456789abcdef"
CZ_DATASET = "7441234567890123456"

# The command for one job of each provider, with its key.
COMMANDS: dict[str, list[str]] = {
    "brightdata": ["brightdata", BD_JOB, "--api-key", BD_KEY],
    "zilliz": ["zilliz", ZZ_JOB, "--cluster-id", ZZ_CLUSTER, "--api-key", ZZ_KEY],
    "coze": ["coze", CZ_DATASET, "744667080521909***", "--api-key", CZ_KEY],
    "firecrawl": ["firecrawl", FC_JOB, "--api-key", FC_KEY],
}


def check(args: list[str], tmp_path: Path, fake: Fake, **kw: Any) -> Outcome:
    """Run a one-off check; with --json, the document's exit_code must be the process's."""
    result = invoke(args, tmp_path, fake=fake, **kw)
    if "--json" in args and result.stdout:
        assert result.json()["exit_code"] == result.exit_code
    return result


def assert_job_shape(job: dict[str, Any], provider: str) -> None:
    expected = JOB_KEYS | ({"dataset_id"} if provider == "coze" else set())
    assert set(job) == expected
    assert job["provider"] == provider
    assert CHECKED_AT.match(job["checked_at"]), job["checked_at"]
    assert job["progress"] is None or 0.0 <= job["progress"] <= 1.0
    for item in job["items"]:
        assert set(item) == ITEM_KEYS


def only_job(result: Outcome, provider: str) -> dict[str, Any]:
    document = result.json()
    assert set(document) == {"jobs", "exit_code"}
    (job,) = document["jobs"]
    assert_job_shape(job, provider)
    return job


# -- success ------------------------------------------------------------------------------------


def test_brightdata_ready(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("brightdata", "progress_ready.json"))])
    result = check([*COMMANDS["brightdata"], "--json"], tmp_path, fake)
    assert result.exit_code == 0, result.output
    job = only_job(result, "brightdata")
    assert job["id"] == BD_JOB
    assert (job["state"], job["status"]) == ("succeeded", "ready")
    assert job["message"] is None
    assert job["extra"]["records"] == 1250
    (request,) = fake.requests
    assert (request.method, request.url.path) == ("GET", f"/datasets/v3/progress/{BD_JOB}")


def test_zilliz_completed_with_its_files_as_items(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("zilliz", "getprogress_completed.json"))])
    result = check([*COMMANDS["zilliz"], "--json"], tmp_path, fake)
    assert result.exit_code == 0, result.output
    job = only_job(result, "zilliz")
    assert job["id"] == ZZ_JOB
    assert (job["state"], job["status"], job["progress"]) == ("succeeded", "Completed", 1.0)
    assert job["items"] == [
        {
            "name": "medium_articles_2020_dpr.json",
            "state": "succeeded",
            "status": "Completed",
            "progress": 1.0,
            "message": None,
        }
    ]
    assert job["extra"]["totalRows"] == 100000
    (request,) = fake.requests
    assert request.method == "POST"
    assert request.url.path == "/v2/vectordb/jobs/import/getProgress"
    assert json.loads(request.content) == {"jobId": ZZ_JOB, "clusterId": ZZ_CLUSTER}


def test_milvus_needs_no_cluster_id_and_no_key(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("zilliz", "milvus_describe_importing.json"))])
    args = ["zilliz", "448761313698322011", "--base-url", "http://localhost:19530", "--json"]
    result = check(args, tmp_path, fake)
    assert result.exit_code == 0, result.output
    job = only_job(result, "zilliz")
    assert (job["state"], job["completed"], job["total"], job["unit"]) == (
        "running",
        25000,
        50000,
        "rows",
    )
    assert len(job["items"]) == 2
    assert fake.requests[0].url.path == "/v2/vectordb/jobs/import/describe"
    assert fake.auth == [None]


def test_coze_completed_carries_its_dataset(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("coze", "process_completed.json"))])
    result = check([*COMMANDS["coze"], "--json"], tmp_path, fake)
    assert result.exit_code == 0, result.output
    job = only_job(result, "coze")
    assert (job["id"], job["dataset_id"]) == ("744667080521909***", CZ_DATASET)
    assert (job["state"], job["status"], job["progress"]) == ("succeeded", "completed", 1.0)
    (request,) = fake.requests
    assert (request.method, request.url.path) == ("POST", f"/v1/datasets/{CZ_DATASET}/process")
    assert json.loads(request.content) == {"document_ids": ["744667080521909***"]}


def test_coze_reads_all_documents_with_one_request(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("coze", "process_two_documents.json"))])
    args = ["coze", CZ_DATASET, "7442585813587689472", "7442585813668012032", "--json"]
    result = check(args, tmp_path, fake, env={"COZE_API_TOKEN": CZ_KEY})
    assert len(fake.requests) == 1
    assert json.loads(fake.requests[0].content) == {
        "document_ids": ["7442585813587689472", "7442585813668012032"]
    }
    jobs = result.json()["jobs"]
    for job in jobs:
        assert_job_shape(job, "coze")
    assert [(j["id"], j["state"]) for j in jobs] == [
        ("7442585813587689472", "running"),
        ("7442585813668012032", "failed"),
    ]
    assert jobs[0]["eta_seconds"] == 12
    assert jobs[1]["message"] == "切片失败：文件内容为空"
    assert result.exit_code == 1


def test_firecrawl_completed_without_the_scraped_data(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("firecrawl", "status_completed.json"))])
    result = check([*COMMANDS["firecrawl"], "--json"], tmp_path, fake)
    assert result.exit_code == 0, result.output
    job = only_job(result, "firecrawl")
    assert job["id"] == FC_JOB
    assert (job["state"], job["status"]) == ("succeeded", "completed")
    assert (job["completed"], job["total"], job["unit"], job["progress"]) == (3, 3, "pages", 1.0)
    assert job["extra"]["creditsUsed"] == 3
    assert "SECRET-SCRAPED" not in result.output
    (request,) = fake.requests
    assert (request.method, request.url.path) == ("GET", f"/v2/batch/scrape/{FC_JOB}")
    assert fake.auth == [f"Bearer {FC_KEY}"]


def test_firecrawl_crawl_uses_the_crawl_endpoint(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("firecrawl", "status_crawl_scraping_warning.json"))])
    result = check([*COMMANDS["firecrawl"], "--crawl", "--json"], tmp_path, fake)
    assert result.exit_code == 0
    assert fake.requests[0].url.path == f"/v2/crawl/{FC_JOB}"
    job = only_job(result, "firecrawl")
    assert (job["state"], job["completed"], job["total"]) == ("running", 6, 8)


def test_a_running_job_is_a_successful_check(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("brightdata", "progress_running.json"))])
    result = check([*COMMANDS["brightdata"], "--json"], tmp_path, fake)
    assert result.exit_code == 0
    assert only_job(result, "brightdata")["state"] == "running"


def test_an_unknown_status_word_is_shown_raw_as_running_with_a_warning(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("brightdata", "progress_unknown_status.json"))])
    result = check([*COMMANDS["brightdata"], "--json"], tmp_path, fake)
    assert result.exit_code == 0
    job = only_job(result, "brightdata")
    assert (job["state"], job["status"]) == ("running", "in_progress")
    assert result.stderr.count("in_progress") == 1
    assert "warning" in result.stderr


# -- failed and cancelled jobs: exit 1 ----------------------------------------------------------

FAILED = {
    "brightdata": (("brightdata", "progress_failed.json"), "No data found in discovery"),
    "zilliz": (("zilliz", "getprogress_failed.json"), "the field 'title_vector' is missing"),
    "firecrawl": (
        ("firecrawl", "status_start_failed_200.json"),
        "The job could not be started: the team's concurrency queue is full.",
    ),
}


@pytest.mark.parametrize("provider", list(FAILED))
def test_a_failed_job_is_exit_1_with_the_providers_reason(tmp_path: Path, provider: str) -> None:
    fixture, reason = FAILED[provider]
    fake = Fake([reply(fixture=fixture)])
    result = check([*COMMANDS[provider], "--json"], tmp_path, fake)
    assert result.exit_code == 1, result.output
    job = only_job(result, provider)
    assert job["state"] == "failed"
    assert job["message"].startswith(reason)


def test_a_failed_coze_document_is_exit_1_with_its_reason(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("coze", "process_two_documents.json"))])
    result = check(["coze", CZ_DATASET, "7442585813668012032", "--json"], tmp_path, fake,
                   env={"COZE_API_TOKEN": CZ_KEY})  # fmt: skip
    assert result.exit_code == 1
    job = only_job(result, "coze")
    assert (job["state"], job["message"]) == ("failed", "切片失败：文件内容为空")


@pytest.mark.parametrize(
    ("provider", "answer", "status"),
    [
        ("firecrawl", reply(fixture=("firecrawl", "status_cancelled.json")), "cancelled"),
        ("brightdata", reply(body={"snapshot_id": BD_JOB, "status": "canceled"}), "canceled"),
    ],
)
def test_a_cancelled_job_is_exit_1(
    tmp_path: Path, provider: str, answer: httpx.Response, status: str
) -> None:
    result = check([*COMMANDS[provider], "--json"], tmp_path, Fake([answer]))
    assert result.exit_code == 1
    job = only_job(result, provider)
    assert (job["state"], job["status"]) == ("cancelled", status)


# -- usage errors: exit 2, nothing sent ---------------------------------------------------------

USAGE = {
    "timeout-word": [*COMMANDS["firecrawl"], "--timeout", "soon"],
    "timeout-zero": [*COMMANDS["firecrawl"], "--timeout", "0"],
    "timeout-unit": [*COMMANDS["firecrawl"], "--timeout", "5d"],
    "progress-value": [*COMMANDS["firecrawl"], "--progress", "fancy"],
    "color-value": [*COMMANDS["firecrawl"], "--color", "purple"],
    "region-value": [*COMMANDS["coze"], "--region", "mars"],
    "max-retries-negative": [*COMMANDS["firecrawl"], "--max-retries", "-1"],
    "request-timeout-zero": [*COMMANDS["firecrawl"], "--request-timeout", "0"],
    "zilliz-cloud-without-cluster": ["zilliz", ZZ_JOB, "--api-key", ZZ_KEY],
    "base-url-no-scheme": [*COMMANDS["firecrawl"], "--base-url", "localhost:3002"],
    "base-url-other-scheme": [*COMMANDS["brightdata"], "--base-url", "ftp://example.com"],
    "base-url-with-v2": [*COMMANDS["firecrawl"], "--base-url", "https://api.firecrawl.dev/v2"],
    "base-url-with-v1": [*COMMANDS["coze"], "--base-url", "https://api.coze.com/v1/"],
    "no-job-id": ["firecrawl", "--api-key", FC_KEY],
    "coze-no-document": ["coze", CZ_DATASET, "--api-key", CZ_KEY],
    "unknown-option": [*COMMANDS["firecrawl"], "--frobnicate"],
}


@pytest.mark.parametrize("name", list(USAGE))
def test_usage_errors_are_exit_2_and_send_nothing(tmp_path: Path, name: str) -> None:
    fake = Fake()
    result = check(USAGE[name], tmp_path, fake)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip()
    assert result.stdout == ""
    assert fake.requests == []


def test_usage_error_messages_say_what_to_do(tmp_path: Path) -> None:
    timeout = check(USAGE["timeout-word"], tmp_path, Fake())
    assert "--timeout" in timeout.stderr and "15m" in timeout.stderr
    zilliz = check(USAGE["zilliz-cloud-without-cluster"], tmp_path, Fake())
    assert "--cluster-id" in zilliz.stderr
    base_url = check(USAGE["base-url-no-scheme"], tmp_path, Fake())
    assert "http://" in base_url.stderr
    progress = check(USAGE["progress-value"], tmp_path, Fake())
    assert "fancy" in progress.stderr
    versioned = check(USAGE["base-url-with-v2"], tmp_path, Fake())
    assert "must not include /v2" in versioned.stderr
    assert "https://api.firecrawl.dev)" in versioned.stderr


@pytest.mark.parametrize("timeout", ["90", "90s", "15m", "2h", "1.5m"])
def test_valid_timeouts_are_accepted(tmp_path: Path, timeout: str) -> None:
    fake = Fake([reply(fixture=("firecrawl", "status_completed.json"))])
    assert check([*COMMANDS["firecrawl"], "-t", timeout], tmp_path, fake).exit_code == 0


# -- the state could not be learned: exit 3 -----------------------------------------------------

NOT_FOUND = {
    "firecrawl": (
        reply(404, fixture=("firecrawl", "error_404_job_not_found.json")),
        "Job not found",
    ),
    "coze": (reply(fixture=("coze", "error_4200_not_found.json")), "4200"),
    "brightdata": (reply(404, fixture=("brightdata", "error_404.json")), "Snapshot not found"),
    "zilliz": (reply(fixture=("zilliz", "milvus_error_2100_import_failed.json")), "not found"),
}  # fmt: skip


@pytest.mark.parametrize("provider", list(NOT_FOUND))
def test_not_found_is_exit_3_with_the_providers_words(tmp_path: Path, provider: str) -> None:
    answer, words = NOT_FOUND[provider]
    fake = Fake([answer])
    result = check([*COMMANDS[provider], "--json"], tmp_path, fake)
    assert result.exit_code == 3, result.output
    job = only_job(result, provider)
    assert job["state"] == "unknown"
    assert words in job["message"]
    # The human sees it on stderr too, in one line.
    error_lines = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(error_lines) == 1 and words in error_lines[0]
    assert len(fake.requests) == 1


def test_not_found_in_plain_output(tmp_path: Path) -> None:
    answer, _ = NOT_FOUND["firecrawl"]
    result = check(COMMANDS["firecrawl"], tmp_path, Fake([answer]))
    assert result.exit_code == 3
    assert "Job not found" in result.stderr
    assert f"jobwatch: error: firecrawl {FC_JOB}" in result.stderr


BAD_SHAPE = {
    "firecrawl-no-status": ("firecrawl", {"success": True, "completed": 1}),
    "firecrawl-wrong-type": ("firecrawl", {"status": "scraping", "completed": "many"}),
    "brightdata-no-status": ("brightdata", {"snapshot_id": BD_JOB}),
    "zilliz-no-state": ("zilliz", {"code": 0, "data": {"jobId": ZZ_JOB}}),
    "coze-no-list": ("coze", {"code": 0, "msg": "", "data": {}}),
    "coze-document-missing": ("coze", {"code": 0, "msg": "", "data": {"data": []}}),
}


@pytest.mark.parametrize("name", list(BAD_SHAPE))
def test_a_body_that_is_not_the_documented_shape_is_exit_3(tmp_path: Path, name: str) -> None:
    provider, body = BAD_SHAPE[name]
    fake = Fake([reply(body=body)])
    result = check([*COMMANDS[provider], "--json"], tmp_path, fake)
    assert result.exit_code == 3, result.output
    assert only_job(result, provider)["state"] == "unknown"
    assert len(fake.requests) == 1


# -- credentials: exit 4 ------------------------------------------------------------------------

OWN_VARS = {
    "brightdata": ["BRIGHTDATA_API_TOKEN", "BRIGHTDATA_API_KEY"],
    "zilliz": ["ZILLIZ_API_KEY"],
    "coze": ["COZE_API_TOKEN"],
    "firecrawl": ["FIRECRAWL_API_KEY"],
}


@pytest.mark.parametrize("provider", list(OWN_VARS))
def test_a_missing_key_is_exit_4_naming_every_way_to_give_one(
    tmp_path: Path, provider: str
) -> None:
    args = COMMANDS[provider][: COMMANDS[provider].index("--api-key")]
    fake = Fake()
    result = check(args, tmp_path, fake)
    assert result.exit_code == 4, result.output
    message = result.stderr.strip()
    assert "\n" not in message
    assert f"jobwatch auth set {provider}" in message
    assert f"JOBWATCH_{provider.upper()}_API_KEY" in message
    for var in OWN_VARS[provider]:
        assert var in message
    assert "--api-key" in message
    assert fake.requests == []


REJECTED = {
    "firecrawl-401": ("firecrawl", reply(401, fixture=("firecrawl", "error_401.json"))),
    "firecrawl-403": ("firecrawl", reply(403, body={"success": False, "error": "Forbidden"})),
    "brightdata-401-text": (
        "brightdata",
        reply(401, fixture=("brightdata", "error_401_invalid_credentials.txt")),
    ),
    "zilliz-80001-in-200": ("zilliz", reply(fixture=("zilliz", "error_80001_token_illegal.json"))),
    "zilliz-code-0-token-illegal": (
        "zilliz",
        reply(fixture=("zilliz", "error_code0_token_illegal_no_data.json")),
    ),
    "coze-4100-in-200": ("coze", reply(fixture=("coze", "error_4100_authentication_invalid.json"))),
    "coze-4101-in-200": ("coze", reply(fixture=("coze", "error_4101_no_permission.json"))),
}  # fmt: skip


@pytest.mark.parametrize("name", list(REJECTED))
def test_a_rejected_key_is_exit_4(tmp_path: Path, name: str) -> None:
    provider, answer = REJECTED[name]
    fake = Fake([answer])
    result = check([*COMMANDS[provider], "--json"], tmp_path, fake)
    assert result.exit_code == 4, result.output
    assert only_job(result, provider)["state"] == "unknown"
    # Not retried: a rejected key stays rejected.
    assert len(fake.requests) == 1


def test_coze_4100_hints_at_the_other_site(tmp_path: Path) -> None:
    _, answer = REJECTED["coze-4100-in-200"]
    result = check(COMMANDS["coze"], tmp_path, Fake([answer]))
    assert result.exit_code == 4
    assert "--region" in result.stderr


# -- retries ------------------------------------------------------------------------------------


def unavailable() -> httpx.Response:
    return reply(503, body={"error": "Service Unavailable"})


def test_max_retries_0_gives_up_after_the_first_server_error(tmp_path: Path) -> None:
    fake = Fake([unavailable()])
    started = time.monotonic()
    result = check([*COMMANDS["firecrawl"], "--max-retries", "0", "--json"], tmp_path, fake)
    assert time.monotonic() - started < 2.0
    assert result.exit_code == 3, result.output
    assert len(fake.requests) == 1
    job = only_job(result, "firecrawl")
    assert job["state"] == "unknown" and "503" in job["message"]
    assert "503" in result.stderr
    assert "retrying" not in result.stderr


def test_max_retries_1_recovers_after_one_server_error(tmp_path: Path) -> None:
    fake = Fake([unavailable(), reply(fixture=("firecrawl", "status_completed.json"))])
    result = check([*COMMANDS["firecrawl"], "--max-retries", "1", "--json"], tmp_path, fake)
    assert result.exit_code == 0, result.output
    assert len(fake.requests) == 2
    retry_lines = [line for line in result.stderr.splitlines() if line.startswith("retrying")]
    assert len(retry_lines) == 1
    assert FC_JOB in retry_lines[0] and "503" in retry_lines[0]
    assert only_job(result, "firecrawl")["state"] == "succeeded"


def test_retry_lines_are_kept_off_stdout(tmp_path: Path) -> None:
    fake = Fake([unavailable(), reply(fixture=("firecrawl", "status_completed.json"))])
    result = check([*COMMANDS["firecrawl"], "--max-retries", "1", "--json"], tmp_path, fake)
    json.loads(result.stdout)  # stdout is exactly one JSON document
    assert "retrying" not in result.stdout


# -- several jobs: one exit code ----------------------------------------------------------------


def by_job(answers: dict[str, httpx.Response]) -> Fake:
    return Fake(lambda request: answers[request.url.path.rsplit("/", 1)[-1]])


FC_FAILED = reply(fixture=("firecrawl", "status_failed.json"))
FC_RUNNING = reply(fixture=("firecrawl", "status_scraping.json"))
FC_DONE = reply(fixture=("firecrawl", "status_completed.json"))
FC_404 = reply(404, fixture=("firecrawl", "error_404_job_not_found.json"))
FC_401 = reply(401, fixture=("firecrawl", "error_401.json"))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"a": FC_FAILED, "b": FC_404}, 1),
        ({"a": FC_404, "b": FC_FAILED, "c": FC_401}, 1),
        ({"a": FC_404, "b": FC_401}, 4),
        ({"a": FC_RUNNING, "b": FC_404}, 3),
        ({"a": FC_DONE, "b": FC_RUNNING}, 0),
    ],
    ids=["failed+unknown", "unknown+failed+auth", "unknown+auth", "running+unknown", "ok"],
)
def test_several_jobs_one_exit_code(
    tmp_path: Path, answers: dict[str, httpx.Response], expected: int
) -> None:
    ids = list(answers)
    result = check(["firecrawl", *ids, "--api-key", FC_KEY, "--json"], tmp_path, by_job(answers))
    assert result.exit_code == expected, result.output
    jobs = result.json()["jobs"]
    assert [job["id"] for job in jobs] == ids
    for job in jobs:
        assert_job_shape(job, "firecrawl")


def test_several_jobs_failed_and_unknown_states(tmp_path: Path) -> None:
    fake = by_job({"a": FC_FAILED, "b": FC_404})
    result = check(["firecrawl", "a", "b", "--api-key", FC_KEY, "--json"], tmp_path, fake)
    assert [job["state"] for job in result.json()["jobs"]] == ["failed", "unknown"]


# -- how the answer looks -----------------------------------------------------------------------


def test_plain_lines_on_stdout_when_not_a_terminal(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("firecrawl", "status_scraping.json"))])
    result = check(COMMANDS["firecrawl"], tmp_path, fake)
    assert result.exit_code == 0
    assert result.stdout == f"firecrawl {FC_JOB} running (scraping) 40/100 pages 40%\n"
    assert "\r" not in result.output and "\x1b" not in result.output


def test_plain_lines_for_parts_and_documents(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("zilliz", "milvus_describe_importing.json"))])
    args = ["zilliz", "448761313698322011", "--base-url", "http://localhost:19530"]
    lines = check(args, tmp_path, fake).stdout.splitlines()
    assert lines[0] == "zilliz 448761313698322011 running (Importing) 25000/50000 rows 50%"
    assert lines[1].startswith("  [a.parquet] succeeded (Completed) 100%")
    assert len(lines) == 3

    fake = Fake([reply(fixture=("coze", "process_two_documents.json"))])
    args = ["coze", CZ_DATASET, "7442585813587689472", "7442585813668012032"]
    result = check(args, tmp_path, fake, env={"COZE_API_TOKEN": CZ_KEY})
    assert result.stdout.splitlines() == [
        f"coze {CZ_DATASET}/7442585813587689472 running (processing) 40% eta 12s",
        f"coze {CZ_DATASET}/7442585813668012032 failed 0% - 切片失败：文件内容为空",
    ]
    assert result.exit_code == 1


def test_plain_failed_line_carries_the_reason(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("brightdata", "progress_failed.json"))])
    result = check(COMMANDS["brightdata"], tmp_path, fake)
    assert result.exit_code == 1
    assert result.stdout == f"brightdata {BD_JOB} failed - No data found in discovery\n"


def test_square_brackets_from_the_provider_are_shown_as_they_are(tmp_path: Path) -> None:
    # Milvus file names look like `[a.parquet]`, messages like `…[collection=x]`: text, not
    # markup for the terminal library.
    fake = Fake([reply(fixture=("zilliz", "milvus_describe_failed.json"))])
    args = ["zilliz", "448761313698322011", "--base-url", "http://localhost:19530"]
    result = check(args, tmp_path, fake)
    assert result.exit_code == 1
    assert "  [a.parquet] failed (Failed) 0% - failed to read parquet" in result.stdout

    fake = Fake([reply(fixture=("zilliz", "milvus_error_100_collection_not_found.json"))])
    result = check(args, tmp_path, fake)
    assert result.exit_code == 3
    assert "collection not found[collection=medium_articles]" in result.stdout
    assert "collection not found[collection=medium_articles]" in result.stderr

    fake = Fake([reply(404, body={"success": False, "error": "gone [/bold] [red]x"})])
    result = check(COMMANDS["firecrawl"], tmp_path, fake)
    assert result.exit_code == 3
    assert "gone [/bold] [red]x" in result.stdout


class TerminalIO(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_a_terminal(tmp_path: Path, args: list[str], answer: httpx.Response) -> list[str]:
    out = TerminalIO()
    streams = Streams(
        stdout=out,
        stderr=io.StringIO(),
        env={"TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "160"},
        transport=httpx.MockTransport(Fake([answer])),
    )
    env = {"JOBWATCH_CONFIG_DIR": str(tmp_path), "JOBWATCH_TRACEBACK": "1"}
    result = CliRunner().invoke(app, args, obj=streams, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return out.getvalue().splitlines()


def test_a_table_on_a_terminal(tmp_path: Path) -> None:
    answer = reply(fixture=("firecrawl", "status_scraping.json"))
    header, row = on_a_terminal(tmp_path, COMMANDS["firecrawl"], answer)[:2]
    assert header.split() == ["provider", "job", "state", "status", "progress"]
    assert row.split()[:4] == ["firecrawl", FC_JOB, "running", "scraping"]
    assert "40/100 pages" in row and "40%" in row


def test_a_table_on_a_terminal_keeps_square_brackets(tmp_path: Path) -> None:
    answer = reply(fixture=("zilliz", "milvus_describe_failed.json"))
    args = ["zilliz", "448761313698322011", "--base-url", "http://localhost:19530"]
    lines = on_a_terminal(tmp_path, args, answer)
    assert any("[a.parquet]" in line for line in lines), lines


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (reply(fixture=("firecrawl", "status_completed.json")), 0),
        (reply(fixture=("firecrawl", "status_failed.json")), 1),
        (reply(404, fixture=("firecrawl", "error_404_job_not_found.json")), 3),
    ],
)
def test_quiet_prints_nothing_on_stdout(tmp_path: Path, answer: httpx.Response, code: int) -> None:
    result = check([*COMMANDS["firecrawl"], "-q"], tmp_path, Fake([answer]))
    assert result.exit_code == code
    assert result.stdout == ""
    if code == 3:
        # ... but errors still reach stderr.
        assert "Job not found" in result.stderr
    else:
        assert result.stderr == ""


def test_debug_logs_requests_with_the_key_redacted(tmp_path: Path) -> None:
    fake = Fake([reply(fixture=("firecrawl", "status_completed.json"))])
    result = check([*COMMANDS["firecrawl"], "--debug"], tmp_path, fake)
    assert result.exit_code == 0
    assert fake.auth == [f"Bearer {FC_KEY}"]  # the real key was sent ...
    assert FC_KEY not in result.stderr  # ... and never shown
    lines = [line for line in result.stderr.splitlines() if line.startswith("debug:")]
    url = f"https://api.firecrawl.dev/v2/batch/scrape/{FC_JOB}"
    assert any("GET" in line and url in line and "Authorization" in line for line in lines)
    assert any("200" in line and url in line for line in lines)
    assert "…9f2a" in result.stderr
    assert FC_KEY[:-4] not in result.stderr


@pytest.mark.parametrize("provider", list(COMMANDS))
def test_debug_never_shows_any_provider_key_from_the_environment(
    tmp_path: Path, provider: str
) -> None:
    answers = {
        "brightdata": ("brightdata", "progress_ready.json"),
        "zilliz": ("zilliz", "getprogress_completed.json"),
        "coze": ("coze", "process_completed.json"),
        "firecrawl": ("firecrawl", "status_completed.json"),
    }
    keys = {"brightdata": BD_KEY, "zilliz": ZZ_KEY, "coze": CZ_KEY, "firecrawl": FC_KEY}
    args = COMMANDS[provider][: COMMANDS[provider].index("--api-key")]
    env = {f"JOBWATCH_{provider.upper()}_API_KEY": keys[provider]}
    fake = Fake([reply(fixture=answers[provider])])
    result = check([*args, "--debug"], tmp_path, fake, env=env)
    assert result.exit_code == 0, result.output
    assert "debug:" in result.stderr
    assert keys[provider][-4:] in result.stderr
    assert keys[provider][:-4] not in result.output


def test_an_error_body_that_echoes_the_key_does_not_leak_it(tmp_path: Path) -> None:
    echo = reply(401, body={"success": False, "error": f"Unauthorized: Invalid token {FC_KEY}"})
    result = check([*COMMANDS["firecrawl"], "--json"], tmp_path, Fake([echo]))
    assert result.exit_code == 4


def test_version(tmp_path: Path) -> None:
    result = invoke(["--version"], tmp_path)
    assert result.exit_code == 0
    assert result.stdout == f"jobwatch {jobwatch.__version__}\n"
    assert jobwatch.__version__ == importlib.metadata.version("jobwatch")


def test_github_actions_gets_outputs_even_when_no_job_was_read(tmp_path: Path) -> None:
    outputs, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = invoke(["firecrawl", "6a1b2c3d"], tmp_path, env=env)  # no key anywhere
    assert result.exit_code == 4
    assert outputs.read_text() == "state=credentials_error\nexit_code=4\n"
    assert "credentials_error (exit code 4)" in summary.read_text()
    assert "::error title=jobwatch%3A credentials_error::no API key for firecrawl" in result.stderr


def test_a_proxy_html_page_is_named_by_its_title_not_dumped(tmp_path: Path) -> None:
    page = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>"
    html = httpx.Response(502, text=page, headers={"Content-Type": "text/html"})
    fake = Fake([html, html])
    result = check([*COMMANDS["firecrawl"], "--max-retries", "1"], tmp_path, fake)
    assert result.exit_code == 3
    assert "an HTML page: 502 Bad Gateway (from a proxy or gateway?)" in result.stderr
    assert "gave up after 2 failed polls in a row" in result.stderr
    assert "<html>" not in result.output
