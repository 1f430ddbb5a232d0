"""The config file (README: Credentials and config): where it lives, reading it, writing it safely,
and the order in which credentials and base URLs are looked up."""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from jobwatch.core.errors import UsageError
from jobwatch.core.keys import DEFAULT_PROFILE, check_key
from jobwatch.core.keys import mask as mask  # re-exported: `config.mask` is the name callers use
from jobwatch.core.settings import ProviderSettings
from jobwatch.files import read_small_bytes, write_atomically

CONFIG_DIR_ENV = "JOBWATCH_CONFIG_DIR"
PROFILE_ENV = "JOBWATCH_PROFILE"
# What a profile keeps for every provider; a provider adds the context fields it lets a profile
# keep (Zilliz's cluster_id).
SETTING_KEYS = ("api_key", "base_url", "region")
TOP_KEYS = ("default_profile", "profiles", "defaults")


def unknown_keys(data: Mapping[str, Any], providers: Mapping[str, Iterable[str]]) -> list[str]:
    """The places in a config file jobwatch does not know (`[profiles.ci.firecrawll]`,
    `[profiles.ci.firecrawl] api-key`, a top-level typo), each said once as a warning.
    `providers`: each provider's name and the keys a profile may keep for it besides
    SETTING_KEYS."""
    found = [f"unknown key {key!r}" for key in data if key not in TOP_KEYS]
    known = {name: {*SETTING_KEYS, *keys} for name, keys in providers.items()}
    for profile, entries in data.get("profiles", {}).items():
        for provider, settings in entries.items():
            where = f"[profiles.{profile}.{provider}]"
            if provider not in known:
                found.append(f"unknown provider in {where}")
                continue
            found += [
                f"unknown key {key!r} in {where}" for key in settings if key not in known[provider]
            ]
    return found


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The folder holding config.toml: $JOBWATCH_CONFIG_DIR, else the platform's config folder."""
    moved = env.get(CONFIG_DIR_ENV)
    if moved:
        return Path(moved).expanduser()
    import platformdirs

    return platformdirs.user_config_path("jobwatch")


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    return config_dir(env) / "config.toml"


def load(path: Path) -> dict[str, Any]:
    """Read the config file; a missing file is an empty config. Never writes."""
    try:
        raw = read_small_bytes(path, "config file")
    except (FileNotFoundError, NotADirectoryError):  # no such file: nothing configured
        return {}
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"config file {path} is not UTF-8 text; fix or remove it") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(
            f"config file {path} is not valid TOML: {_toml_problem(exc)}; fix it by hand or "
            "remove it (jobwatch never overwrites a file it cannot read)"
        ) from None
    _check_shape(data, path)
    return data


def _toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    text = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    if match:
        return f"line {match[1]}, column {match[2]}: {text[: match.start()].strip()}"
    return text


def _check_shape(data: dict[str, Any], path: Path) -> None:
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise UsageError(f"config file {path}: default_profile must be a string")
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise UsageError(f"config file {path}: [profiles] must be a table")
    for profile, providers in profiles.items():
        if not isinstance(providers, dict):
            raise UsageError(f"config file {path}: [profiles.{profile}] must be a table")
        for provider, settings in providers.items():
            where = f"[profiles.{profile}.{provider}]"
            if not isinstance(settings, dict):
                raise UsageError(f"config file {path}: {where} must be a table")
            for key, value in settings.items():
                if not isinstance(value, str):
                    raise UsageError(f"config file {path}: {where} {key} must be a string")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialize read-modify-write cycles of concurrent jobwatch processes."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: atomic rename still keeps the file whole
        yield
        return
    with open(folder / ".config.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _ensure_private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Replace the file in one rename, mode 0600 (files.write_atomically)."""
    import tomli_w

    write_atomically(path, tomli_w.dumps(data).encode("utf-8"), mode=0o600)


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Any failure of the operating system while writing the config is exit 2 naming the file."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise UsageError(f"cannot write config file {path}: {reason}") from None


def update(path: Path, profile: str, provider: str, settings: Mapping[str, str | None]) -> None:
    """Set (or, for None values, delete) settings of one provider in one profile, atomically."""
    with _writing(path):
        _ensure_private_dir(path.parent)
        with _locked(path.parent):
            data = load(path)
            providers = data.setdefault("profiles", {}).setdefault(profile, {})
            entry = providers.setdefault(provider, {})
            for key, value in settings.items():
                if value is None:
                    entry.pop(key, None)
                else:
                    entry[key] = value
            _write_atomically(path, data)


def remove(path: Path, profile: str, provider: str) -> bool:
    """Delete one provider's entry from one profile. False when there was none."""
    if not path.exists():
        return False
    with _writing(path), _locked(path.parent):
        data = load(path)
        providers = data.get("profiles", {}).get(profile, {})
        if provider not in providers:
            return False
        del providers[provider]
        if not providers:
            del data["profiles"][profile]
        _write_atomically(path, data)
    return True


def pick_profile(cli_profile: str | None, data: Mapping[str, Any], env: Mapping[str, str]) -> str:
    """--profile, then $JOBWATCH_PROFILE, then the file's default_profile, then `default`."""
    return (
        cli_profile
        or env.get(PROFILE_ENV)
        or str(data.get("default_profile") or "")
        or DEFAULT_PROFILE
    )


def resolve(
    provider: str,
    *,
    key_env_vars: tuple[str, ...],
    base_url_env_vars: tuple[str, ...] = (),
    cli_api_key: str | None = None,
    cli_base_url: str | None = None,
    cli_region: str | None = None,
    cli_profile: str | None = None,
    profile_keys: Iterable[str] = (),
    data: Mapping[str, Any],
    env: Mapping[str, str] = os.environ,
) -> ProviderSettings:
    """Apply the lookup order of the README's "Credentials and config" for one provider.

    Key: --api-key; JOBWATCH_<PROVIDER>_API_KEY; the provider's own variables; the profile.
    Base URL: --base-url; JOBWATCH_<PROVIDER>_BASE_URL; the provider's own variables; the profile.
    """
    profile = pick_profile(cli_profile, data, env)
    profiles = data.get("profiles", {})
    chosen = cli_profile or env.get(PROFILE_ENV)
    if chosen and chosen != DEFAULT_PROFILE and profile not in profiles and data:
        known = ", ".join(sorted(profiles)) or "none"
        given_by = "--profile" if cli_profile else f"${PROFILE_ENV}"
        raise UsageError(
            f"no profile {profile!r} ({given_by}) in the config file (profiles: {known}); "
            "see `jobwatch auth list`"
        )
    stored: Mapping[str, str] = profiles.get(profile, {}).get(provider, {})
    upper = provider.upper()

    api_key, source = _pick_key(
        (
            ("--api-key", cli_api_key),
            *((f"${var}", env.get(var)) for var in (f"JOBWATCH_{upper}_API_KEY", *key_env_vars)),
            (f"profile {profile!r}", stored.get("api_key")),
        )
    )

    base_url, base_url_source = cli_base_url, "--base-url"
    if not base_url:
        for var in (f"JOBWATCH_{upper}_BASE_URL", *base_url_env_vars):
            if env.get(var):
                base_url, base_url_source = env[var], f"${var}"
                break
        else:
            base_url = stored.get("base_url")
            base_url_source = f"profile {profile!r} of {config_path(env)}"

    return ProviderSettings(
        api_key=api_key,
        api_key_source=source,
        base_url=base_url.rstrip("/") if base_url else None,
        region=cli_region or stored.get("region"),
        profile=profile,
        base_url_source=base_url_source if base_url else None,
        stored={key: stored[key] for key in profile_keys if stored.get(key)},
    )


def _pick_key(
    candidates: Iterable[tuple[str, str | None]],
) -> tuple[str | None, str | None]:
    """The first key that is not empty once stripped of surrounding white space, and where it
    came from; a key that could not be sent in a header is refused (exit 4) right here."""
    for source, raw in candidates:
        if raw and raw.strip():
            return check_key(raw, source), source
    return None, None
