"""The Typer app: commands, options and help. What the job commands do is in commands.py, which
the fast path (fastargs.py) runs too."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec

import typer

from jobwatch.commands import exit_code_of, run_jobs
from jobwatch.entry import version_line
from jobwatch.errors import JobwatchError, UsageError
from jobwatch.options import ColorMode, ProgressMode, Region, RunOptions

P = ParamSpec("P")


class ProviderName(StrEnum):
    BRIGHTDATA = "brightdata"
    ZILLIZ = "zilliz"
    COZE = "coze"
    FIRECRAWL = "firecrawl"


app = typer.Typer(
    name="jobwatch",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
auth_app = typer.Typer(
    help="Store, list and remove API keys (config file, mode 0600).",
    no_args_is_help=True,
    rich_markup_mode=None,
    epilog="\b\nExamples:\n"
    "  printenv FC_KEY | jobwatch auth set firecrawl\n"
    "  jobwatch auth list\n"
    "  jobwatch auth remove firecrawl --profile ci\n"
    "  jobwatch auth path",
)
app.add_typer(auth_app, name="auth")


def reports_errors(command: Callable[P, int | None]) -> Callable[P, None]:
    """Errors become exit codes in one place (commands.exit_code_of); Typer's own exits pass."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        code = exit_code_of(
            lambda: command(*args, **kwargs),
            passthrough=(typer.Exit, typer.Abort, typer.BadParameter),
        )
        if code:
            raise typer.Exit(code)

    return wrapper


def _version(value: bool) -> None:
    if value:
        print(version_line())
        raise typer.Exit()


@app.callback(
    epilog="\b\nExamples:\n"
    "  jobwatch demo\n"
    "  jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd --watch --timeout 30m\n"
    "  jobwatch watch --file jobs.toml"
)
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Check and watch asynchronous jobs at Bright Data, Zilliz/Milvus, Coze and Firecrawl.

    Exit codes: 0 succeeded, 1 a job failed or was cancelled, 2 usage error, 3 state could
    not be learned, 4 credentials missing or rejected, 124 --timeout reached, 130 interrupted.
    """


# -- options shared by every provider command and by `watch` -----------------------------------

Watch = Annotated[
    bool, typer.Option("--watch", "-w", help="Poll until every job reaches a terminal state.")
]
Interval = Annotated[
    float | None,
    typer.Option(
        "--interval",
        "-i",
        min=0.1,
        metavar="SECONDS",
        help="Time between polls of one job (default per provider: "
        "brightdata 10, zilliz 5, coze 3, firecrawl 2).",
    ),
]
Timeout = Annotated[
    str | None,
    typer.Option(
        "--timeout",
        "-t",
        metavar="DURATION",
        help="Watch deadline: 90, 90s, 15m, 2h. Default none, or 6h when CI is set.",
    ),
]
Json = Annotated[
    bool,
    typer.Option("--json", help="One JSON document on stdout (NDJSON events with --watch)."),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print nothing but errors; the exit code tells.")
]
ProgressOpt = Annotated[
    ProgressMode,
    typer.Option(
        "--progress",
        help="How progress is drawn on stderr: live bars on a terminal, plain lines otherwise.",
    ),
]
ColorOpt = Annotated[
    ColorMode, typer.Option("--color", help="Colour; honours NO_COLOR and FORCE_COLOR.")
]
FailFast = Annotated[
    bool, typer.Option("--fail-fast", help="With several jobs: stop at the first failed job.")
]


def _complete_profiles(incomplete: str) -> list[str]:
    """Profile names from the config file, for shell completion."""
    from jobwatch import config

    try:
        profiles = config.load(config.config_path()).get("profiles", {})
    except JobwatchError:
        return []
    return [name for name in sorted(profiles) if name.startswith(incomplete)]


Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        autocompletion=_complete_profiles,
        help="Credential profile (default: $JOBWATCH_PROFILE, else the config file's "
        "default_profile, else default).",
    ),
]
ApiKey = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        metavar="KEY",
        help="Credential for this run (prefer env or `auth set`: flags land in shell history).",
    ),
]
BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        metavar="URL",
        help="Another endpoint: self-hosted Firecrawl or Milvus, or `jobwatch sim` "
        "(scheme, host and port; no /v1 or /v2).",
    ),
]
RegionOpt = Annotated[
    Region | None,
    typer.Option("--region", help="zilliz and coze: the global or the China (cn) site."),
]
MaxRetries = Annotated[
    int,
    typer.Option(
        "--max-retries",
        min=0,
        metavar="N",
        help="Consecutive failed polls of one job tolerated before giving up on it.",
    ),
]
RequestTimeout = Annotated[
    float,
    typer.Option("--request-timeout", min=0.1, metavar="SECONDS", help="Per HTTP request."),
]
Debug = Annotated[
    bool,
    typer.Option("--debug", help="Log each HTTP request and response status to stderr (redacted)."),
]


def _run(command: str, values: dict[str, Any]) -> int:
    """Hand a job command's parameter values to the code the fast path runs too; tests inject
    output streams and an HTTP transport as ctx.obj."""
    from jobwatch.run import Streams

    ctx = values.pop("ctx")
    return run_jobs(command, values, ctx.obj if isinstance(ctx.obj, Streams) else None)


# -- provider commands ------------------------------------------------------------------------

EXAMPLES = "\n\n\b\nExamples:\n"


@app.command(
    epilog=EXAMPLES
    + "  jobwatch brightdata s_m4x7enmven8djfqak\n"
    + "  jobwatch brightdata s_m4x7enmven8djfqak --watch --timeout 30m"
)
@reports_errors
def brightdata(
    ctx: typer.Context,
    snapshot_ids: Annotated[list[str], typer.Argument(metavar="SNAPSHOT_ID")],
    watch: Watch = False,
    interval: Interval = None,
    timeout: Timeout = None,
    json: Json = False,
    quiet: Quiet = False,
    progress: ProgressOpt = ProgressMode.AUTO,
    color: ColorOpt = ColorMode.AUTO,
    fail_fast: FailFast = False,
    profile: Profile = None,
    api_key: ApiKey = None,
    base_url: BaseUrl = None,
    max_retries: MaxRetries = 5,
    request_timeout: RequestTimeout = 10.0,
    debug: Debug = False,
) -> int:
    """Bright Data dataset snapshots: GET /datasets/v3/progress/{id}."""
    return _run("brightdata", locals())


@app.command(
    epilog=EXAMPLES
    + "  jobwatch zilliz job-01a2b3c4d5e6f7g8h9i0j1 --cluster-id in01-0123456789abcdef\n"
    + "  jobwatch zilliz 448761313698322011 --base-url http://localhost:19530 --watch"
)
@reports_errors
def zilliz(
    ctx: typer.Context,
    job_ids: Annotated[list[str], typer.Argument(metavar="JOB_ID")],
    cluster_id: Annotated[
        str | None,
        typer.Option(
            "--cluster-id", metavar="ID", help="Zilliz Cloud cluster (default: the profile's)."
        ),
    ] = None,
    watch: Watch = False,
    interval: Interval = None,
    timeout: Timeout = None,
    json: Json = False,
    quiet: Quiet = False,
    progress: ProgressOpt = ProgressMode.AUTO,
    color: ColorOpt = ColorMode.AUTO,
    fail_fast: FailFast = False,
    profile: Profile = None,
    api_key: ApiKey = None,
    base_url: BaseUrl = None,
    region: RegionOpt = None,
    max_retries: MaxRetries = 5,
    request_timeout: RequestTimeout = 10.0,
    debug: Debug = False,
) -> int:
    """Zilliz Cloud import jobs (POST /v2/vectordb/jobs/import/getProgress), or a self-hosted
    Milvus (--base-url http://host:19530: /describe, no cluster id)."""
    return _run("zilliz", locals())


@app.command(
    epilog=EXAMPLES
    + "  jobwatch coze 7441234567890123456 7442585813587689472 7442585813587689473\n"
    + "  jobwatch coze 7441234567890123456 7442585813587689472 --region cn --watch"
)
@reports_errors
def coze(
    ctx: typer.Context,
    dataset_id: Annotated[str, typer.Argument(metavar="DATASET_ID")],
    document_ids: Annotated[list[str], typer.Argument(metavar="DOCUMENT_ID")],
    watch: Watch = False,
    interval: Interval = None,
    timeout: Timeout = None,
    json: Json = False,
    quiet: Quiet = False,
    progress: ProgressOpt = ProgressMode.AUTO,
    color: ColorOpt = ColorMode.AUTO,
    fail_fast: FailFast = False,
    profile: Profile = None,
    api_key: ApiKey = None,
    base_url: BaseUrl = None,
    region: RegionOpt = None,
    max_retries: MaxRetries = 5,
    request_timeout: RequestTimeout = 10.0,
    debug: Debug = False,
) -> int:
    """Coze knowledge-base documents: POST /v1/datasets/{id}/process (one request for all)."""
    return _run("coze", locals())


@app.command(
    epilog=EXAMPLES
    + "  jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd\n"
    + "  jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd --crawl --watch --json | jq ."
)
@reports_errors
def firecrawl(
    ctx: typer.Context,
    job_ids: Annotated[list[str], typer.Argument(metavar="JOB_ID")],
    crawl: Annotated[
        bool, typer.Option("--crawl", help="Crawl jobs (/v2/crawl/{id}) instead of batch scrapes.")
    ] = False,
    watch: Watch = False,
    interval: Interval = None,
    timeout: Timeout = None,
    json: Json = False,
    quiet: Quiet = False,
    progress: ProgressOpt = ProgressMode.AUTO,
    color: ColorOpt = ColorMode.AUTO,
    fail_fast: FailFast = False,
    profile: Profile = None,
    api_key: ApiKey = None,
    base_url: BaseUrl = None,
    max_retries: MaxRetries = 5,
    request_timeout: RequestTimeout = 10.0,
    debug: Debug = False,
) -> int:
    """Firecrawl batch scrapes (GET /v2/batch/scrape/{id}) or crawls (--crawl: /v2/crawl/{id})."""
    return _run("firecrawl", locals())


@app.command(
    epilog=EXAMPLES
    + "  jobwatch watch firecrawl:6a1b2c3d-0000-4000-8000-00000000abcd coze:7441/7442 -t 1h\n"
    + "  jobwatch watch --file jobs.toml --json > events.ndjson"
)
@reports_errors
def watch(
    ctx: typer.Context,
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="REF",
            help="brightdata:SNAPSHOT, zilliz:CLUSTER/JOB, coze:DATASET/DOCUMENT, "
            "firecrawl:JOB, firecrawl-crawl:JOB",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", metavar="JOBS.TOML", help="[[job]] tables: provider, id, …"),
    ] = None,
    interval: Interval = None,
    timeout: Timeout = None,
    json: Json = False,
    quiet: Quiet = False,
    progress: ProgressOpt = ProgressMode.AUTO,
    color: ColorOpt = ColorMode.AUTO,
    fail_fast: FailFast = False,
    profile: Profile = None,
    api_key: ApiKey = None,
    base_url: BaseUrl = None,
    region: RegionOpt = None,
    max_retries: MaxRetries = 5,
    request_timeout: RequestTimeout = 10.0,
    debug: Debug = False,
) -> int:
    """Watch jobs at several providers in one view, with one exit code."""
    return _run("watch", locals())


# -- auth -------------------------------------------------------------------------------------

ProviderArg = Annotated[ProviderName, typer.Argument(help="brightdata, zilliz, coze or firecrawl")]


@auth_app.command(
    "set",
    epilog=EXAMPLES
    + "  jobwatch auth set firecrawl            (asks for the key, hidden)\n"
    + "  printenv FC_KEY | jobwatch auth set firecrawl --profile ci\n"
    + "  jobwatch auth set zilliz --region cn --cluster-id in01-0123456789abcdef",
)
@reports_errors
def auth_set(
    provider: ProviderArg,
    profile: Profile = None,
    base_url: BaseUrl = None,
    region: RegionOpt = None,
    cluster_id: Annotated[
        str | None, typer.Option("--cluster-id", metavar="ID", help="zilliz: default cluster.")
    ] = None,
    no_key: Annotated[
        bool, typer.Option("--no-key", help="Store only the other settings (no key prompt).")
    ] = False,
) -> None:
    """Store a provider's API key: a hidden prompt, or stdin when it is not a terminal."""
    from jobwatch import config

    path = config.config_path()
    data = config.load(path)
    name = config.pick_profile(profile, data, os.environ)
    settings: dict[str, str | None] = {}
    if not no_key:
        settings["api_key"] = _read_key(provider.value)
    if base_url:
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url {base_url!r} must start with http:// or https://")
        settings["base_url"] = base_url.rstrip("/")
    if region:
        settings["region"] = region.value
    if cluster_id:
        settings["cluster_id"] = cluster_id
    if not settings:
        raise UsageError("nothing to store: give a key, or --base-url/--region/--cluster-id")
    config.update(path, name, provider.value, settings)
    key = settings.get("api_key")
    stored = f" ({config.mask(key)})" if key else ""
    print(f"stored {provider.value}{stored} in profile {name!r} of {path}", file=sys.stderr)


def _read_key(provider: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        key = getpass.getpass(f"{provider} API key (input hidden): ")
    else:
        key = sys.stdin.read() if sys.stdin is not None else ""
    key = key.strip()
    if not key:
        raise UsageError(
            f"no key given: type it at the prompt or pipe it in (… | jobwatch auth set {provider})"
        )
    from jobwatch.keys import key_problem, safe_mask

    problem = key_problem(key)
    if problem is not None:
        raise UsageError(f"the key given ({safe_mask(key)}) {problem}: pass exactly one key")
    if any(ch.isspace() for ch in key):
        raise UsageError("the key contains white space: pass exactly one key")
    return key


@auth_app.command(
    "list", epilog=EXAMPLES + "  jobwatch auth list\n  jobwatch auth list --profile ci"
)
@reports_errors
def auth_list(profile: Profile = None) -> None:
    """Show stored keys (masked), per profile and provider, and keys found in the environment."""
    from jobwatch import config
    from jobwatch.providers import PROVIDERS

    path = config.config_path()
    data = config.load(path)
    default = config.pick_profile(None, data, os.environ)
    profiles: dict[str, dict[str, dict[str, str]]] = data.get("profiles", {})
    lines = []
    for name, providers in sorted(profiles.items()):
        if profile and name != profile:
            continue
        mark = " (default)" if name == default else ""
        for provider_name, entry in sorted(providers.items()):
            details = [config.mask(entry["api_key"]) if "api_key" in entry else "no key"]
            details += [
                f"{key}={entry[key]}"
                for key in ("base_url", "region", "cluster_id")
                if key in entry
            ]
            lines.append(f"{name}{mark}\t{provider_name}\t" + "  ".join(details))
    for provider_name, cls in PROVIDERS.items():
        for var in (f"JOBWATCH_{provider_name.upper()}_API_KEY", *cls.key_env_vars):
            if os.environ.get(var):
                lines.append(f"(env)\t{provider_name}\t{config.mask(os.environ[var])} from ${var}")
    if not lines:
        print(
            f"no keys stored in {path}; add one with `jobwatch auth set PROVIDER`", file=sys.stderr
        )
        return
    for line in lines:
        print(line)


@auth_app.command("remove", epilog=EXAMPLES + "  jobwatch auth remove firecrawl --profile ci")
@reports_errors
def auth_remove(provider: ProviderArg, profile: Profile = None) -> None:
    """Delete one provider's stored settings from a profile."""
    from jobwatch import config

    path = config.config_path()
    name = config.pick_profile(profile, config.load(path), os.environ)
    if config.remove(path, name, provider.value):
        print(f"removed {provider.value} from profile {name!r}", file=sys.stderr)
    else:
        print(f"nothing to remove: no {provider.value} entry in profile {name!r}", file=sys.stderr)


@auth_app.command("path", epilog=EXAMPLES + "  jobwatch auth path")
@reports_errors
def auth_path() -> None:
    """Print the config file's path ($JOBWATCH_CONFIG_DIR moves its folder)."""
    from jobwatch import config

    print(config.config_path())


# -- simulator and demo -----------------------------------------------------------------------


@app.command(
    epilog=EXAMPLES
    + "  jobwatch sim --port 8787 --speed 10 &\n"
    + "  jobwatch firecrawl demo-fail --base-url http://127.0.0.1:8787 --api-key any --watch"
)
@reports_errors
def sim(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="0 takes a free port.")
    ] = 8787,
    speed: Annotated[
        float, typer.Option("--speed", min=0.01, help="Run every story N times faster.")
    ] = 1.0,
) -> None:
    """Serve a local stand-in for the four providers' progress APIs (see README: stories)."""
    from jobwatch.sim.server import serve_forever

    try:
        serve_forever(host, port, speed, sys.stdout)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; try --port 0") from None
    except KeyboardInterrupt:
        return


@app.command(epilog=EXAMPLES + "  jobwatch demo")
@reports_errors
def demo(
    progress: ProgressOpt = ProgressMode.AUTO,
    color: ColorOpt = ColorMode.AUTO,
) -> int:
    """Start the simulator in-process and watch a mix of demo jobs from all four providers."""
    from jobwatch.demo import run_demo

    return run_demo(
        RunOptions(
            watch=True,
            interval=1.0,
            timeout=60.0,
            progress=progress,
            color=color,
            request_timeout=5.0,
        )
    )


def main() -> None:
    """The console script (also `python -m jobwatch`, which says `jobwatch` in its help too)."""
    app(prog_name="jobwatch")
