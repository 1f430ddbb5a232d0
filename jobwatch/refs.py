"""Job references for `jobwatch watch` (PRODUCT.md section 6): `provider:ID` words and the
`[[job]]` tables of a jobs file, turned into groups of jobs that share a provider instance."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobwatch.errors import UsageError
from jobwatch.smallfile import read_small_text

FORMS = (
    "brightdata:SNAPSHOT, zilliz:CLUSTER/JOB (zilliz:JOB for Milvus), coze:DATASET/DOCUMENT, "
    "firecrawl:JOB, firecrawl-crawl:JOB"
)


@dataclass(frozen=True)
class JobRef:
    """One job: which provider, its id, and the context it shares with others."""

    provider: str
    job_id: str
    cluster_id: str | None = None
    dataset_id: str | None = None
    crawl: bool = False

    @property
    def context(self) -> tuple[str, str | None, str | None, bool]:
        return (self.provider, self.cluster_id, self.dataset_id, self.crawl)


def parse_ref(text: str) -> JobRef:
    """`firecrawl:ID` and friends; a bad one is a usage error naming it."""
    prefix, sep, rest = text.partition(":")
    culprit = repr(text)
    if not sep or not rest:
        raise UsageError(f"bad job reference {culprit}: use {FORMS}")
    head, slash, tail = rest.partition("/")
    if prefix == "brightdata" and not slash:
        return JobRef("brightdata", rest)
    if prefix in ("firecrawl", "firecrawl-crawl") and not slash:
        return JobRef("firecrawl", rest, crawl=prefix == "firecrawl-crawl")
    two_parts = bool(slash and head and tail and "/" not in tail)
    if prefix == "zilliz" and not slash:
        return JobRef("zilliz", rest)  # a Milvus job: no cluster
    if prefix == "zilliz" and two_parts:
        return JobRef("zilliz", tail, cluster_id=head)
    if prefix == "coze" and two_parts:
        return JobRef("coze", tail, dataset_id=head)
    raise UsageError(f"bad job reference {culprit}: use {FORMS}")


def load_jobs_file(path: Path) -> list[JobRef]:
    """`[[job]]` tables with `provider`, `id` and the provider's other keys
    (`cluster_id` for zilliz, `dataset_id` for coze, `crawl = true` for firecrawl)."""
    text = read_small_text(path, "jobs file")  # bounded: `--file /dev/zero` ends at once
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"jobs file {path} is not valid TOML: {exc}") from None
    tables = data.get("job")
    if not isinstance(tables, list) or not tables:
        raise UsageError(f"jobs file {path} has no [[job]] tables")
    lines = _job_table_lines(text)
    refs = []
    for number, table in enumerate(tables):
        line = lines[number] if number < len(lines) else None
        where = f"{path}" + (f", line {line}" if line else "") + f" (job {number + 1}): "
        refs.append(_ref_from_table(table, where))
    return refs


def _job_table_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[job]]"]


def _ref_from_table(table: dict[str, Any], where: str) -> JobRef:
    provider, job_id = table.get("provider"), table.get("id")
    if not isinstance(provider, str) or not isinstance(job_id, (str, int)) or job_id == "":
        raise UsageError(f"{where}each [[job]] needs provider and id")
    job_id = str(job_id)
    known = {
        "brightdata": set(),
        "zilliz": {"cluster_id"},
        "coze": {"dataset_id"},
        "firecrawl": {"crawl"},
    }
    if provider not in known:
        raise UsageError(f"{where}unknown provider {provider!r} (use {', '.join(known)})")
    extra = set(table) - {"provider", "id"} - known[provider]
    if extra:
        raise UsageError(f"{where}unknown key(s) {', '.join(sorted(extra))} for {provider}")
    if provider == "coze" and not isinstance(table.get("dataset_id"), (str, int)):
        raise UsageError(f"{where}a coze job needs dataset_id")
    crawl = table.get("crawl", False)
    if not isinstance(crawl, bool):
        raise UsageError(f"{where}crawl must be true or false")
    cluster = table.get("cluster_id")
    dataset = table.get("dataset_id")
    return JobRef(
        provider,
        job_id,
        cluster_id=str(cluster) if cluster is not None else None,
        dataset_id=str(dataset) if dataset is not None else None,
        crawl=crawl,
    )


def group(refs: Sequence[JobRef], make: Callable[[JobRef], Any]) -> list[tuple[Any, list[str]]]:
    """Refs that share a provider context become one group, in first-seen order."""
    groups: dict[tuple[str, str | None, str | None, bool], tuple[Any, list[str]]] = {}
    for ref in refs:
        if ref.context not in groups:
            groups[ref.context] = (make(ref), [])
        ids = groups[ref.context][1]
        if ref.job_id not in ids:
            ids.append(ref.job_id)
    return list(groups.values())
