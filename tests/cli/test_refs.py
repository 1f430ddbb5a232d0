"""`jobwatch watch`: job references, the jobs file, grouping, and their usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from jobwatch.cli.refs import JobRef, load_jobs_file, parse_ref
from jobwatch.core.errors import UsageError
from tests.cli_helpers import Fake, clean_environment, invoke, reply

KEY = "k-0123456789abcdef0123"
SIM = "http://sim.test"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "brightdata:s_m4x7enmven8djfqak",
            JobRef.of("brightdata", "snapshot", "s_m4x7enmven8djfqak"),
        ),
        ("zilliz:in01-abc/job-1", JobRef.of("zilliz", "import", "job-1", cluster_id="in01-abc")),
        ("zilliz:448761313698322011", JobRef.of("zilliz", "import", "448761313698322011")),
        (
            "coze:744/7442585813587689472",
            JobRef.of("coze", "document", "7442585813587689472", dataset_id="744"),
        ),
        ("firecrawl:6a1b-uuid", JobRef.of("firecrawl", "batch", "6a1b-uuid")),
        ("firecrawl-crawl:6a1b-uuid", JobRef.of("firecrawl", "crawl", "6a1b-uuid")),
    ],
)
def test_references(text: str, expected: JobRef) -> None:
    assert parse_ref(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "firecrawl",
        "firecrawl:",
        "nosuch:abc",
        "coze:744",
        "coze:744/",
        "coze:/doc",
        "coze:744/doc/extra",
        "zilliz:/job",
        "zilliz:cluster/",
        "brightdata:a/b",
        "firecrawl:a/b",
    ],
)
def test_bad_references_are_usage_errors_naming_them(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_ref(text)
    assert repr(text) in caught.value.message
    assert "coze:DATASET/DOCUMENT" in caught.value.message  # says what the forms are


JOBS_FILE = """\
# jobs of the nightly import
[[job]]
provider = "zilliz"
id = "job-1"
cluster_id = "in01-abc"

[[job]]
provider = "coze"
dataset_id = "744"
id = 7442585813587689472

[[job]]
provider = "firecrawl"
id = "fc-1"
crawl = true
"""


def test_jobs_file(tmp_path: Path) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text(JOBS_FILE)
    assert load_jobs_file(path) == [
        JobRef.of("zilliz", "import", "job-1", cluster_id="in01-abc"),
        JobRef.of("coze", "document", "7442585813587689472", dataset_id="744"),
        JobRef.of("firecrawl", "crawl", "fc-1"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[job]]\nprovider = "firecrawl"\n\n[[job]]\nprovider = "coze"\nid = "d"\n', 1, "id"),
        ('[[job]]\nprovider = "nosuch"\nid = "x"\n', 1, "unknown provider 'nosuch'"),
        ('[[job]]\nprovider = "firecrawl"\nid = "a"\n\n[[job]]\nprovider = "coze"\nid = "d"\n', 5,
         "dataset_id"),
        ('[[job]]\nprovider = "brightdata"\nid = "s"\nregion = "cn"\n', 1, "region"),
        ('[[job]]\nprovider = "firecrawl"\nid = "a"\ncrawl = "yes"\n', 1, "crawl must be"),
    ],
)  # fmt: skip
def test_bad_jobs_file_entries_name_the_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_jobs_file(path)
    message = caught.value.message
    assert str(path) in message and f"line {line}" in message and words in message


@pytest.mark.parametrize(
    ("text", "words"),
    [("[[job]\n", "not valid TOML"), ("title = 'x'\n", "no [[job]] tables")],
)
def test_unreadable_jobs_files(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_jobs_file(path)
    assert words in caught.value.message and str(path) in caught.value.message


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.startswith("/v1/datasets/"):
        ids = json.loads(request.content)["document_ids"]
        rows = [{"document_id": doc, "status": 1, "progress": 100, "update_type": 0} for doc in ids]
        return reply(body={"code": 0, "msg": "", "data": {"data": rows}, "detail": {"logid": "l"}})
    if path.startswith("/v2/batch/scrape/"):
        status = "failed" if path.endswith("-fail") else "completed"
        return reply(body={"success": True, "status": status, "completed": 3, "total": 3})
    if path.startswith("/datasets/v3/progress/"):
        return reply(body={"snapshot_id": path.rsplit("/", 1)[1], "status": "ready"})
    raise AssertionError(f"unexpected {request.url}")


def test_watch_several_providers_one_exit_code_and_one_coze_request(tmp_path: Path) -> None:
    fake = Fake(_answer)
    result = invoke(
        [
            "watch",
            "coze:744/d1",
            "brightdata:s1",
            "coze:744/d2",
            "firecrawl:b1-fail",
            "--base-url",
            SIM,
            "--api-key",
            KEY,
            "--json",
            "--interval",
            "0.1",
        ],  # fmt: skip
        tmp_path,
        fake=fake,
        secrets=[KEY],
    )
    assert result.exit_code == 1
    events = [json.loads(line) for line in result.stdout.splitlines()]
    summary = events[-1]
    assert summary["event"] == "summary" and summary["exit_code"] == 1
    assert [(job["provider"], job["id"], job["state"]) for job in summary["jobs"]] == [
        ("coze", "d1", "succeeded"),
        ("coze", "d2", "succeeded"),
        ("brightdata", "s1", "succeeded"),
        ("firecrawl", "b1-fail", "failed"),
    ]
    coze_requests = [r for r in fake.requests if r.url.path.startswith("/v1/datasets/744/")]
    assert len(coze_requests) == 1
    assert json.loads(coze_requests[0].content) == {"document_ids": ["d1", "d2"]}


def test_watch_reads_a_jobs_file(tmp_path: Path) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text('[[job]]\nprovider = "brightdata"\nid = "s9"\n')
    result = invoke(
        ["watch", "--file", str(path), "--base-url", SIM, "--api-key", KEY, "--json"],
        tmp_path,
        fake=Fake(_answer),
        secrets=[KEY],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[-1])["jobs"][0]["id"] == "s9"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["watch"], "name at least one job"),
        (["watch", "firecrawl"], "bad job reference 'firecrawl'"),
        (["watch", "--file", "missing.toml"], "cannot read jobs file missing.toml"),
    ],
)
def test_watch_usage_errors_are_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    fake = Fake()
    result = invoke([*args, "--api-key", KEY], tmp_path, fake=fake, secrets=[KEY])
    assert result.exit_code == 2
    assert words in result.stderr
    assert fake.requests == []
