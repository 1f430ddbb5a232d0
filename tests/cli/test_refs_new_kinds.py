"""`watch` references and jobs-file `kind` keys of the Firecrawl agent/extract and Bright Data
delivery/Marketplace kinds: read by cli/refs.py from each kind's own class data."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobwatch.cli.command import read_command, reattach_hint
from jobwatch.cli.refs import JobRef, load_jobs_file, parse_ref
from jobwatch.core.errors import UsageError
from tests.cli_helpers import clean_environment


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setenv("JOBWATCH_CONFIG_DIR", str(tmp_path / "config"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("firecrawl-agent:0c4e8a62-uuid", JobRef.of("firecrawl", "agent", "0c4e8a62-uuid")),
        ("firecrawl-extract:5f1d-uuid", JobRef.of("firecrawl", "extract", "5f1d-uuid")),
        ("brightdata-delivery:d_m4x9a2b3", JobRef.of("brightdata", "delivery", "d_m4x9a2b3")),
        ("brightdata-marketplace:snap_m5b2", JobRef.of("brightdata", "marketplace", "snap_m5b2")),
        # The old prefixes are untouched.
        ("firecrawl:6a1b", JobRef.of("firecrawl", "batch", "6a1b")),
        ("brightdata:s_m4x7", JobRef.of("brightdata", "snapshot", "s_m4x7")),
    ],
)
def test_references(text: str, expected: JobRef) -> None:
    assert parse_ref(text) == expected


@pytest.mark.parametrize(
    "text", ["firecrawl-agent:", "firecrawl-agent:a/b", "brightdata-delivery:"]
)
def test_bad_references_name_every_form(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_ref(text)
    message = caught.value.message
    assert repr(text) in message
    for form in ("firecrawl-agent:JOB", "firecrawl-extract:JOB", "brightdata-delivery:DELIVERY",
                 "brightdata-marketplace:SNAPSHOT"):  # fmt: skip
        assert form in message


def test_a_jobs_file_picks_kinds_with_kind(tmp_path: Path) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text(
        '[[job]]\nprovider = "firecrawl"\nkind = "agent"\nid = "a-1"\n\n'
        '[[job]]\nprovider = "firecrawl"\nkind = "extract"\nid = "e-1"\n\n'
        '[[job]]\nprovider = "brightdata"\nkind = "delivery"\nid = "d_1"\n\n'
        '[[job]]\nprovider = "brightdata"\nkind = "marketplace"\nid = "snap_1"\n\n'
        '[[job]]\nprovider = "brightdata"\nid = "s_1"\n',
        encoding="utf-8",
    )
    assert load_jobs_file(path) == [
        JobRef.of("firecrawl", "agent", "a-1"),
        JobRef.of("firecrawl", "extract", "e-1"),
        JobRef.of("brightdata", "delivery", "d_1"),
        JobRef.of("brightdata", "marketplace", "snap_1"),
        JobRef.of("brightdata", "snapshot", "s_1"),
    ]


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('kind = "agent"\ncrawl = true', "crawl = true means kind = 'crawl'"),
        ('kind = "delivery"\ndataset_id = "gd_1"', "unknown key(s) dataset_id for brightdata "
         "--kind delivery"),
        ('kind = "agents"', "firecrawl has no kind 'agents': use batch, crawl, agent, extract"),
    ],
)  # fmt: skip
def test_bad_kind_tables_name_the_line(tmp_path: Path, table: str, words: str) -> None:
    provider = "brightdata" if "delivery" in table else "firecrawl"
    path = tmp_path / "jobs.toml"
    path.write_text(f'[[job]]\nprovider = "{provider}"\nid = "x"\n{table}\n', encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_jobs_file(path)
    assert f"{path}, line 1" in caught.value.message and words in caught.value.message


def test_the_reattach_hint_names_the_kind() -> None:
    given = {"words": ["a-1"], "kind": "agent", "watch": True}
    assert reattach_hint(read_command("firecrawl", given)) == (
        "jobwatch firecrawl a-1 --kind agent --watch"
    )
    given = {"words": ["d_1"], "kind": "delivery"}
    assert reattach_hint(read_command("brightdata", given)) == (
        "jobwatch brightdata d_1 --kind delivery --watch"
    )
