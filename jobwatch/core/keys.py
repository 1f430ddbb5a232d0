"""API keys as the user gives them: masked for display, checked before anything is sent, and
the error that says how to give one when none was found.

A key is sent in an `Authorization` header, so it must be printable ASCII: a control
character would cut the header (a CI secret with an inner line break), a non-ASCII one cannot
be encoded at all.
"""

from __future__ import annotations

import re

from jobwatch.core.errors import CredentialsError, MissingKeyError

DEFAULT_PROFILE = "default"  # the profile named by no option (config.py uses it too)

_PREFIX = re.compile(r"^[A-Za-z]{1,4}[-_]")
_CONTROL_NAMES = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab", "\0": "a NUL"}


def mask(key: str) -> str:
    """A key as `auth list` shows it: a short prefix like `fc-`, an ellipsis, the last four."""
    prefix_match = _PREFIX.match(key)
    prefix = prefix_match.group(0) if prefix_match else ""
    if len(key) - len(prefix) < 12:
        return f"{prefix}…"
    return f"{prefix}…{key[-4:]}"


def safe_mask(key: str) -> str:
    """mask(), with any unprintable or non-ASCII character of the shown tail escaped."""
    return "".join(ch if ch == "…" or " " <= ch <= "~" else ascii(ch)[1:-1] for ch in mask(key))


def key_problem(key: str) -> str | None:
    """What makes `key` unusable in a header (already stripped of surrounding white space)."""
    for ch in key:
        if ch < " " or ch == "\x7f":
            name = _CONTROL_NAMES.get(ch, "a control character")
            return f"contains {name} (U+{ord(ch):04X})"
        if ch > "~":
            kind = "a control character" if ch <= "\x9f" else "a non-ASCII character"
            return f"contains {kind} (U+{ord(ch):04X})"
    return None


def check_key(key: str, source: str) -> str:
    """`key` without surrounding white space; a CredentialsError (exit 4) naming `source`
    (`--api-key`, `$FIRECRAWL_API_KEY`, `profile 'ci'`) when it cannot be sent as it is."""
    key = key.strip()
    problem = key_problem(key)
    if problem is not None:
        raise CredentialsError(
            f"the API key from {source} ({safe_mask(key)}) {problem}; "
            "give the key alone, exactly as the provider shows it"
        )
    return key


def env_name(provider: str) -> str:
    """The provider's name as it appears in jobwatch's own variables: `JOBWATCH_{env_name}_API_KEY`
    (`openai-batch` → `OPENAI_BATCH`; a shell variable cannot hold a `-`)."""
    return provider.upper().replace("-", "_")


def missing_key_error(
    provider: str, key_env_vars: tuple[str, ...], profile: str
) -> MissingKeyError:
    """The exit-4 error naming all three ways to give a key."""
    own = f"JOBWATCH_{env_name(provider)}_API_KEY"
    env_vars = " or ".join(f"${v}" for v in (own, *key_env_vars))
    return MissingKeyError(
        f"no API key for {provider}: run `jobwatch auth set {provider}"
        + (f" --profile {profile}" if profile != DEFAULT_PROFILE else "")
        + f"`, set {env_vars}, or pass --api-key",
        provider=provider,
        ways=env_vars,
    )


def missing_keys_error(errors: list[MissingKeyError], profile: str) -> MissingKeyError:
    """One error naming every provider that lacks a key (a `watch` over several)."""
    if len(errors) == 1:
        return errors[0]
    names = ", ".join(error.provider for error in errors)
    where = f" --profile {profile}" if profile != DEFAULT_PROFILE else ""
    ways = "; ".join(f"{error.provider}: {error.ways}" for error in errors)
    return MissingKeyError(
        f"no API key for {names}: run `jobwatch auth set PROVIDER{where}` for each, set "
        f"the variables ({ways}), or pass --api-key",
        provider=names,
        ways=ways,
    )
