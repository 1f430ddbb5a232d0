"""Job ids and the ids around them (datasets, clusters) are checked before anything is sent:
an empty id, `.`, `..` or a control character is a usage error naming the argument (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import FC_KEY, Fake, clean_environment, invoke

KEYS = {
    "FIRECRAWL_API_KEY": FC_KEY,
    "COZE_API_TOKEN": "pat_" + "x" * 30,
    "ZILLIZ_API_KEY": "z" * 30,
}


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["firecrawl", ""], "JOB_ID: an empty job id names no job"),
        (["firecrawl", "ok", ".."], "JOB_ID: '..' is not a job id"),
        (["brightdata", "."], "SNAPSHOT_ID: '.' is not a job id"),
        (["firecrawl", "a\nb"], "JOB_ID: the job id 'a\\nb' contains a control character (U+000A)"),
        (["coze", "..", "7442"], "DATASET_ID: '..' is not a job id"),
        (
            ["coze", "7441", "doc\x1b[31m"],
            "DOCUMENT_ID: the job id 'doc\\x1b[31m' contains a control",
        ),
        (["zilliz", "job-1", "--cluster-id", ".."], "--cluster-id: '..' is not a job id"),
        (["watch", "firecrawl:.."], "job reference 'firecrawl:..': '..' is not a job id"),
        (["watch", "zilliz:../job-1"], "job reference 'zilliz:../job-1': '..' is not a job id"),
    ],
)
def test_a_bad_id_is_refused_before_anything_is_sent(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = invoke(args, tmp_path, fake=Fake(), env=KEYS)
    assert result.exit_code == 2
    assert f"jobwatch: error: {message}" in result.stderr
    assert "\x1b" not in result.output and "\n" not in result.stderr.strip()


def test_a_bad_id_in_a_jobs_file_names_the_line(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.toml"
    jobs.write_text('[[job]]\nprovider = "firecrawl"\nid = "a\\tb"\n', encoding="utf-8")
    result = invoke(["watch", "--file", str(jobs)], tmp_path, fake=Fake(), env=KEYS)
    assert result.exit_code == 2
    assert f"{jobs}, line 1 (job 1): id: the job id 'a\\tb' contains a control" in result.stderr
