"""`watch` as a user drives it: references on stdin, a cluster for `zilliz:JOB`, every missing
key named at once, and a re-attach hint that repeats what picks the jobs (never a key)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from jobwatch.cli import fastpath as fastargs
from jobwatch.cli.command import read_command, reattach_hint
from tests.cli_helpers import FC_KEY, ZZ_KEY, Fake, clean_environment, invoke, reply


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setenv("JOBWATCH_CONFIG_DIR", str(tmp_path))


def completed(request: httpx.Request) -> httpx.Response:
    if "zilliz" in request.url.host or request.url.path.endswith("getProgress"):
        return reply(fixture=("zilliz", "getprogress_completed.json"))
    return reply(fixture=("firecrawl", "status_completed.json"))


def test_references_from_stdin(tmp_path: Path) -> None:
    fake = Fake(completed)
    result = invoke(
        ["watch", "-", "firecrawl:c", "--json", "--api-key", FC_KEY],
        tmp_path,
        fake=fake,
        input="firecrawl:a\n  firecrawl:b\tfirecrawl:a\n",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert [job["id"] for job in summary["jobs"]] == ["a", "b", "c"]


def test_cluster_id_for_zilliz_references_that_name_none(tmp_path: Path) -> None:
    fake = Fake(completed)
    args = ["watch", "zilliz:job-1", "zilliz:in01-other/job-2", "--cluster-id", "in01-main"]
    result = invoke([*args, "--json", "--api-key", ZZ_KEY], tmp_path, fake=fake)
    assert result.exit_code == 0, result.output
    clusters = sorted(json.loads(request.content)["clusterId"] for request in fake.requests)
    assert clusters == ["in01-main", "in01-other"]


def test_every_provider_without_a_key_is_named_in_one_message(tmp_path: Path) -> None:
    result = invoke(["watch", "firecrawl:a", "coze:1/2", "zilliz:c/j"], tmp_path, fake=Fake())
    assert result.exit_code == 4
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("jobwatch: error: no API key for firecrawl, coze, zilliz: ")
    for variable in ("$FIRECRAWL_API_KEY", "$COZE_API_TOKEN", "$ZILLIZ_API_KEY"):
        assert variable in line


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (
            [
                "zilliz",
                "j1",
                "--cluster-id",
                "in01-a",
                "--region",
                "cn",
                "--profile",
                "ci",
                "--api-key",
                FC_KEY,
                "-i",
                "3",
            ],  # fmt: skip
            "jobwatch zilliz j1 --cluster-id in01-a --profile ci --region cn --watch",
        ),
        (
            ["coze", "7441", "7442", "--base-url", "http://127.0.0.1:8787"],
            "jobwatch coze 7441 7442 --base-url http://127.0.0.1:8787 --watch",
        ),
        (["firecrawl", "a b", "--crawl"], "jobwatch firecrawl 'a b' --crawl --watch"),
        (
            ["watch", "zilliz:j", "--cluster-id", "in01-a", "--api-key", FC_KEY, "-f", "j.toml"],
            "jobwatch watch zilliz:j --file j.toml --cluster-id in01-a",
        ),
    ],
)
def test_the_reattach_hint_repeats_what_picks_the_jobs_never_a_key(
    argv: list[str], hint: str
) -> None:
    parsed = fastargs.parse(argv)
    assert parsed is not None
    assert reattach_hint(read_command(*parsed)) == hint
