"""`jobwatch auth`: store, list and remove provider credentials (README: Credentials and config).
Errors are raised to the console entry (cli/main.py), which gives the exit code."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from jobwatch.cli.help import Command, Group, carries_errors
from jobwatch.cli.jobs import complete_profiles, epilog
from jobwatch.core.errors import UsageError
from jobwatch.core.keys import env_name
from jobwatch.providers import PROVIDERS
from jobwatch.providers.base import Provider, check_base_url

auth_app = typer.Typer(
    cls=Group,
    help="Store, list and remove API keys (config file, mode 0600).",
    no_args_is_help=True,
    rich_markup_mode=None,
    epilog=epilog(
        (
            "printenv FC_KEY | jobwatch auth set firecrawl",
            "jobwatch auth list",
            "jobwatch auth remove firecrawl --profile ci",
            "jobwatch auth path",
        )
    ),
)


def _complete_providers(incomplete: str) -> list[str]:
    return [name for name in PROVIDERS if name.startswith(incomplete)]


def _sites() -> str:
    """`zilliz: global or cn; coze: global or cn`, for help."""
    return "; ".join(
        f"{name}: {' or '.join(entry.default.regions())}"
        for name, entry in PROVIDERS.items()
        if entry.default.regions()
    )


def _all_sites() -> list[str]:
    return list(dict.fromkeys(site for e in PROVIDERS.values() for site in e.default.regions()))


ProviderArg = Annotated[
    str,
    typer.Argument(
        metavar="PROVIDER", help=", ".join(PROVIDERS), autocompletion=_complete_providers
    ),
]
Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        autocompletion=complete_profiles,
        help="Credential profile (default: $JOBWATCH_PROFILE, else the config file's "
        "default_profile, else default).",
    ),
]


def provider_class(name: str) -> type[Provider]:
    """The provider's default kind, whose class data its kinds share (keys, regions)."""
    try:
        return PROVIDERS[name].default
    except KeyError:
        raise UsageError(f"unknown provider {name!r}: use {', '.join(PROVIDERS)}") from None


@auth_app.command(
    "set",
    cls=Command,
    epilog=epilog(
        (
            "jobwatch auth set firecrawl            (asks for the key, hidden)",
            "printenv FC_KEY | jobwatch auth set firecrawl --profile ci",
            "jobwatch auth set zilliz --region cn --cluster-id in01-0123456789abcdef",
        )
    ),
)
@carries_errors
def auth_set(
    provider: ProviderArg,
    profile: Profile = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", metavar="URL", help="Another endpoint (scheme, host, port)."),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="SITE",
            help=f"The provider's site ({_sites()}).",
            autocompletion=lambda incomplete: [
                site for site in _all_sites() if site.startswith(incomplete)
            ],
        ),
    ] = None,
    cluster_id: Annotated[
        str | None, typer.Option("--cluster-id", metavar="ID", help="zilliz: default cluster.")
    ] = None,
    no_key: Annotated[
        bool, typer.Option("--no-key", help="Store only the other settings (no key prompt).")
    ] = False,
) -> None:
    """Store a provider's API key: a hidden prompt, or stdin when it is not a terminal."""
    from jobwatch import config

    cls = provider_class(provider)
    if region and not cls.regions():
        raise UsageError(f"{provider} has no regions: --region is for {_having_regions()}")
    if region and region not in cls.regions():
        raise UsageError(f"unknown {provider} region {region!r}: use {' or '.join(cls.regions())}")
    if cluster_id and "cluster_id" not in PROVIDERS[provider].profile_keys():
        raise UsageError(f"{provider} has no cluster id: --cluster-id is for zilliz")
    path = config.config_path()
    data = config.load(path)
    name = config.pick_profile(profile, data, os.environ)
    settings: dict[str, str | None] = {}
    if not no_key:
        settings["api_key"] = _read_key(provider)
    if base_url:
        settings["base_url"] = check_base_url(base_url, "--base-url")
    if region:
        settings["region"] = region
    if cluster_id:
        settings["cluster_id"] = cluster_id
    if not settings:
        raise UsageError("nothing to store: give a key, or --base-url/--region/--cluster-id")
    config.update(path, name, provider, settings)
    key = settings.get("api_key")
    stored = f" ({config.mask(key)})" if key else ""
    print(f"stored {provider}{stored} in profile {name!r} of {path}", file=sys.stderr)


def _having_regions() -> str:
    return ", ".join(name for name, entry in PROVIDERS.items() if entry.default.regions())


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
    from jobwatch.core.keys import key_problem, safe_mask

    problem = key_problem(key)
    if problem is not None:
        raise UsageError(f"the key given ({safe_mask(key)}) {problem}: pass exactly one key")
    if any(ch.isspace() for ch in key):
        raise UsageError("the key contains white space: pass exactly one key")
    return key


@auth_app.command(
    "list", cls=Command, epilog=epilog(("jobwatch auth list", "jobwatch auth list --profile ci"))
)
@carries_errors
def auth_list(profile: Profile = None) -> None:
    """Show stored keys (masked), per profile and provider, and keys found in the environment."""
    from jobwatch import config

    path = config.config_path()
    data = config.load(path)
    default = config.pick_profile(None, data, os.environ)
    profiles: dict[str, dict[str, dict[str, str]]] = data.get("profiles", {})
    if profile and profile not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise UsageError(f"no profile {profile!r} in {path} (profiles: {known})")
    lines: list[tuple[str, ...]] = []
    for name, providers in sorted(profiles.items()):
        if profile and name != profile:
            continue
        mark = " (default)" if name == default else ""
        for provider_name, entry in sorted(providers.items()):
            details = [config.mask(entry["api_key"]) if "api_key" in entry else "no key"]
            details += [
                f"{key}={entry[key]}"
                for key in sorted(entry, key=lambda key: (key != "base_url", key != "region", key))
                if key != "api_key"
            ]
            lines.append((f"{name}{mark}", provider_name, "  ".join(details)))
    for provider_name, provider in PROVIDERS.items():
        own = f"JOBWATCH_{env_name(provider_name)}_API_KEY"
        for var in (own, *provider.default.key_env_vars):
            if os.environ.get(var):
                lines.append(
                    ("(env)", provider_name, f"{config.mask(os.environ[var])} from ${var}")
                )
    if not lines:
        print(
            f"no keys stored in {path}; add one with `jobwatch auth set PROVIDER`", file=sys.stderr
        )
        return
    print_table(lines)


def print_table(rows: list[tuple[str, ...]]) -> None:
    """Rows as tab-separated columns (for scripts), aligned with spaces on a terminal."""
    from jobwatch.streams import isatty

    if not isatty(sys.stdout):
        for row in rows:
            print("\t".join(row))
        return
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        print("  ".join([*cells, row[-1]]))


@auth_app.command(
    "remove", cls=Command, epilog=epilog(("jobwatch auth remove firecrawl --profile ci",))
)
@carries_errors
def auth_remove(provider: ProviderArg, profile: Profile = None) -> None:
    """Delete one provider's stored settings from a profile."""
    from jobwatch import config

    provider_class(provider)
    path = config.config_path()
    data = config.load(path)
    profiles = data.get("profiles", {})
    if profile and profile not in profiles:  # as `auth list --profile NAME` (exit 2)
        known = ", ".join(sorted(profiles)) or "none"
        raise UsageError(f"no profile {profile!r} in {path} (profiles: {known})")
    name = config.pick_profile(profile, data, os.environ)
    if config.remove(path, name, provider):
        print(f"removed {provider} from profile {name!r}", file=sys.stderr)
    else:
        print(f"nothing to remove: no {provider} entry in profile {name!r}", file=sys.stderr)


@auth_app.command("path", cls=Command, epilog=epilog(("jobwatch auth path",)))
@carries_errors
def auth_path() -> None:
    """Print the config file's path ($JOBWATCH_CONFIG_DIR moves its folder)."""
    from jobwatch import config

    print(config.config_path())
