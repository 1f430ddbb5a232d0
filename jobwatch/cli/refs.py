"""Job references for `jobwatch watch` and `jobwatch cancel` (README: Several jobs): `provider:ID`
words and the `[[job]]` tables of a jobs file, read by each kind of job's own reference forms
and context fields into the session's JobRef (jobwatch/session/plan.py)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from jobwatch.core.errors import UsageError
from jobwatch.core.ids import check_job_id
from jobwatch.files import read_small_text
from jobwatch.providers import PROVIDERS
from jobwatch.providers.base import Provider, ProviderEntry
from jobwatch.session.plan import JobRef

__all__ = ["JobRef", "forms", "load_jobs_file", "parse_ref", "with_defaults"]


def _kinds() -> Iterator[type[Provider]]:
    for entry in PROVIDERS.values():
        yield from entry.kinds


def forms() -> str:
    """Every reference form, for messages and help."""
    return ", ".join(form.text for cls in _kinds() for form in cls.reference_forms())


def parse_ref(text: str) -> JobRef:
    """`firecrawl:ID` and friends; a bad one is a usage error naming it."""
    prefix, sep, rest = text.partition(":")
    for cls in _kinds():
        for form in cls.reference_forms():
            if sep and form.prefix == prefix and (read := form.read(rest)) is not None:
                context, job_id = read
                where = f"job reference {text!r}"
                context = {name: check_job_id(value, where) for name, value in context.items()}
                return JobRef.of(cls.name, cls.kind, check_job_id(job_id, where), **context)
    raise UsageError(f"bad job reference {text!r}: use {forms()}")


def load_jobs_file(path: Path) -> list[JobRef]:
    """`[[job]]` tables with `provider`, `id`, an optional `kind` and the kind's context keys
    (`cluster_id` for zilliz, `dataset_id` for coze; `crawl = true` for `kind = "crawl"`)."""
    text = read_small_text(path, "jobs file")  # bounded: `--file /dev/zero` ends at once
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"jobs file {path} is not valid TOML: {exc}") from None
    tables = data.get("job")
    if not isinstance(tables, list) or not tables:
        raise UsageError(f"jobs file {path} has no [[job]] tables")
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[job]]"]
    refs = []
    for number, table in enumerate(tables):
        line = f", line {lines[number]}" if number < len(lines) else ""
        refs.append(_ref_from_table(table, f"{path}{line} (job {number + 1}): "))
    return refs


def _ref_from_table(table: dict[str, Any], where: str) -> JobRef:
    provider, job_id = table.get("provider"), table.get("id")
    if not isinstance(provider, str) or not isinstance(job_id, (str, int)) or job_id == "":
        raise UsageError(f"{where}each [[job]] needs provider and id")
    if provider not in PROVIDERS:
        raise UsageError(f"{where}unknown provider {provider!r} (use {', '.join(PROVIDERS)})")
    entry = PROVIDERS[provider]
    cls = _kind_of_table(entry, table, where)
    fields = {field.name: field for field in cls.context_fields}
    switches = {kind.kind_switch for kind in entry.kinds if kind.kind_switch}
    extra = set(table) - {"provider", "id", "kind"} - switches - set(fields)
    if extra:
        kind = f" --kind {cls.kind}" if len(entry.kinds) > 1 else ""
        raise UsageError(f"{where}unknown key(s) {', '.join(sorted(extra))} for {provider}{kind}")
    context: dict[str, Any] = {}
    for name, field in fields.items():
        value = table.get(name)
        if value is not None:
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                raise UsageError(f"{where}{name} must be a string")
            value = check_job_id(str(value), f"{where}{name}")
        if field.required and not value:
            raise UsageError(f"{where}a {provider} job needs {name}")
        context[name] = value
    return JobRef.of(provider, cls.kind, check_job_id(str(job_id), f"{where}id"), **context)


def _kind_of_table(entry: ProviderEntry, table: dict[str, Any], where: str) -> type[Provider]:
    """The kind a table names with `kind = "K"`, or with a kind's switch (`crawl = true`)."""
    named = table.get("kind")
    if named is not None and not isinstance(named, str):
        raise UsageError(f"{where}kind must be a string")
    for cls in entry.kinds:
        switch = cls.kind_switch
        if switch is None or switch not in table:
            continue
        if not isinstance(table[switch], bool):
            raise UsageError(f"{where}{switch} must be true or false")
        if table[switch]:
            if named is not None and named != cls.kind:
                raise UsageError(f"{where}{switch} = true means kind = {cls.kind!r}")
            named = cls.kind
    try:
        return entry.kind(named)
    except UsageError as exc:
        raise UsageError(f"{where}{exc.message}") from None


def with_defaults(ref: JobRef, defaults: Mapping[str, Any]) -> JobRef:
    """The reference with `watch`'s context options (`--cluster-id`) where it names none."""
    cls = PROVIDERS[ref.provider].kind(ref.kind)
    names = {field.name for field in cls.context_fields}
    given = dict(ref.context)
    added = {name: value for name, value in defaults.items() if name in names and name not in given}
    return JobRef.of(ref.provider, ref.kind, ref.job_id, **given, **added) if added else ref
