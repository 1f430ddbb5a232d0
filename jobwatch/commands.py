"""What the provider commands and `watch` do, and the one place where errors become exit codes.

Typer-free, so that the fast command-line path (jobwatch/fastargs.py) and the Typer app
(jobwatch/cli.py) run the very same code: both hand over the command's parameter values by
their Typer parameter names.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobwatch import exitcodes
from jobwatch.errors import JobwatchError, UsageError
from jobwatch.options import RunOptions

if TYPE_CHECKING:
    from jobwatch.poll import JobGroup
    from jobwatch.providers.base import Provider
    from jobwatch.refs import JobRef
    from jobwatch.run import Streams


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")


def exit_code_of(
    action: Callable[[], int | None], *, passthrough: tuple[type[BaseException], ...] = ()
) -> int:
    """THE place where errors become exit codes: a JobwatchError prints one line and gives its
    code; Ctrl-C gives 130; anything else is a bug, reported in one line, exit 3.
    `passthrough` exceptions (the CLI framework's own) are raised as they are."""
    try:
        return action() or 0
    except JobwatchError as exc:
        print(f"jobwatch: error: {exc.message}", file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            from jobwatch.render import github

            github.report_error(exc.message, exc.exit_code, os.environ, sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return exitcodes.INTERRUPTED
    except passthrough:
        raise
    except Exception as exc:
        if os.environ.get("JOBWATCH_TRACEBACK"):
            raise
        print(
            f"jobwatch: internal error: {type(exc).__name__}: {exc} "
            "(set JOBWATCH_TRACEBACK=1 for details, and please report it)",
            file=sys.stderr,
        )
        return exitcodes.UNKNOWN


def parse_duration(text: str) -> float:
    """`90`, `90s`, `15m`, `2h` → seconds."""
    match = _DURATION.match(text)
    if not match or float(match[1]) <= 0:
        raise UsageError(f"--timeout {text!r} is not a duration: use e.g. 90, 90s, 15m or 2h")
    return float(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600}[match[2]]


def run_options(values: Mapping[str, Any], reattach_hint: str | None = None) -> RunOptions:
    """The shared options from a command's parameter values."""
    timeout = values["timeout"]
    return RunOptions(
        watch=values["watch"],
        interval=values["interval"],
        timeout=parse_duration(timeout) if timeout is not None else None,
        json=values["json"],
        quiet=values["quiet"],
        progress=values["progress"],
        color=values["color"],
        fail_fast=values["fail_fast"],
        max_retries=values["max_retries"],
        request_timeout=values["request_timeout"],
        debug=values["debug"],
        reattach_hint=reattach_hint,
    )


class ProviderFactory:
    """Builds provider instances from the options and the config file (read once)."""

    def __init__(self, values: Mapping[str, Any], *, cluster_id: str | None = None) -> None:
        from jobwatch import config

        region = values.get("region")
        self.cli: dict[str, Any] = {
            "cli_profile": values.get("profile"),
            "cli_api_key": values.get("api_key"),
            "cli_base_url": values.get("base_url"),
            "cli_region": str(region) if region else None,
        }
        self.cluster_id = cluster_id
        self.data = config.load(config.config_path())

    def make(self, name: str, **context: Any) -> Provider:
        from jobwatch import config
        from jobwatch.providers import PROVIDERS

        cls = PROVIDERS[name]
        cluster_id = context.pop("cluster_id", None) or self.cluster_id
        settings = config.resolve(
            name,
            key_env_vars=cls.key_env_vars,
            base_url_env_vars=cls.base_url_env_vars,
            cli_cluster_id=cluster_id,
            data=self.data,
            **self.cli,
        )
        return cls(settings, **context)


def run_jobs(command: str, values: Mapping[str, Any], streams: Streams | None = None) -> int:
    """Check or watch the jobs a provider command or `watch` names; the exit code."""
    groups, hint = _PLANS[command](values)
    if command == "watch":
        values = {**values, "watch": True}
    options = run_options(values, reattach_hint=hint)
    from jobwatch.run import run

    return run(groups, options, streams)


Plan = tuple[list["JobGroup"], str]


def _brightdata(values: Mapping[str, Any]) -> Plan:
    from jobwatch.poll import JobGroup

    ids: list[str] = values["snapshot_ids"]
    provider = ProviderFactory(values).make("brightdata")
    return [JobGroup(provider, ids)], _hint(f"brightdata {' '.join(ids)}")


def _zilliz(values: Mapping[str, Any]) -> Plan:
    from jobwatch.poll import JobGroup

    ids: list[str] = values["job_ids"]
    cluster_id = values["cluster_id"]
    provider = ProviderFactory(values, cluster_id=cluster_id).make("zilliz")
    where = f" --cluster-id {cluster_id}" if cluster_id else ""
    return [JobGroup(provider, ids)], _hint(f"zilliz {' '.join(ids)}{where}")


def _coze(values: Mapping[str, Any]) -> Plan:
    from jobwatch.poll import JobGroup

    dataset_id: str = values["dataset_id"]
    ids: list[str] = values["document_ids"]
    provider = ProviderFactory(values).make("coze", dataset_id=dataset_id)
    return [JobGroup(provider, ids)], _hint(f"coze {dataset_id} {' '.join(ids)}")


def _firecrawl(values: Mapping[str, Any]) -> Plan:
    from jobwatch.poll import JobGroup

    ids: list[str] = values["job_ids"]
    crawl: bool = values["crawl"]
    provider = ProviderFactory(values).make("firecrawl", crawl=crawl)
    kind = " --crawl" if crawl else ""
    return [JobGroup(provider, ids)], _hint(f"firecrawl {' '.join(ids)}{kind}")


def _watch(values: Mapping[str, Any]) -> Plan:
    from jobwatch.poll import JobGroup
    from jobwatch.refs import group, load_jobs_file, parse_ref

    refs: Sequence[str] = values["refs"] or []
    file: Path | None = values["file"]
    parsed = [parse_ref(text) for text in refs]
    if file is not None:
        parsed += load_jobs_file(file)
    if not parsed:
        raise UsageError("name at least one job (e.g. firecrawl:JOB_ID) or --file jobs.toml")
    factory = ProviderFactory(values)

    def make(ref: JobRef) -> Provider:
        context: dict[str, Any] = {}
        if ref.provider == "zilliz":
            context["cluster_id"] = ref.cluster_id
        elif ref.provider == "coze":
            context["dataset_id"] = ref.dataset_id
        elif ref.provider == "firecrawl":
            context["crawl"] = ref.crawl
        return factory.make(ref.provider, **context)

    groups = [JobGroup(provider, ids) for provider, ids in group(parsed, make)]
    words = " ".join(refs) + (f" --file {file}" if file else "")
    return groups, f"jobwatch watch {words}"


def _hint(argv_tail: str) -> str:
    return f"jobwatch {argv_tail} --watch"


_PLANS: dict[str, Callable[[Mapping[str, Any]], Plan]] = {
    "brightdata": _brightdata,
    "zilliz": _zilliz,
    "coze": _coze,
    "firecrawl": _firecrawl,
    "watch": _watch,
}
# The commands that check or watch jobs.
JOB_COMMANDS = tuple(_PLANS)
