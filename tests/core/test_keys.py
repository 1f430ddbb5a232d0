"""API keys as found (issue 10, strict requests): surrounding white space stripped, a key that
cannot be sent in a header refused with exit 4 naming where it came from, shown only masked,
before a single byte is sent."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from jobwatch import config
from jobwatch.core.errors import CredentialsError
from jobwatch.core.keys import check_key, key_problem, safe_mask
from tests.cli_helpers import FIXTURES, clean_environment, invoke
from tests.e2e.conftest import clean_env
from tests.recorder import recording_server

GOOD = "fc-0123456789abcdef0123456789ab9f2a"
BD_GOOD = "bd0123456789abcdef0123456789abcd7e11"
FC_JOB = "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"

# A bad character inside an otherwise good key, by kind.
BAD = {
    "line break": "\n",
    "carriage return": "\r",
    "tab": "\t",
    "NUL": "\x00",
    "escape": "\x1b",
    "DEL": "\x7f",
    "C1 control": "\x85",
    "e acute": "\u00e9",
    "no-break space": "\u00a0",
    "right quote": "\u201d",
}


def bad_key(char: str) -> str:
    return GOOD[:12] + char + GOOD[12:]


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def resolve_firecrawl(**kw: Any) -> config.ProviderSettings:
    kw.setdefault("data", {})
    kw.setdefault("env", {})
    return config.resolve("firecrawl", key_env_vars=("FIRECRAWL_API_KEY",), **kw)


def profile_data(key: str, profile: str = "ci") -> dict[str, Any]:
    return {"profiles": {profile: {"firecrawl": {"api_key": key}}}}


# Each source: the resolve() arguments that put `key` there, and how the message names it.
SOURCES = {
    "--api-key": (lambda key: {"cli_api_key": key}, "--api-key"),
    "jobwatch var": (
        lambda key: {"env": {"JOBWATCH_FIRECRAWL_API_KEY": key}},
        "$JOBWATCH_FIRECRAWL_API_KEY",
    ),
    "own var": (lambda key: {"env": {"FIRECRAWL_API_KEY": key}}, "$FIRECRAWL_API_KEY"),
    "profile": (
        lambda key: {"data": profile_data(key), "cli_profile": "ci"},
        "profile 'ci'",
    ),
}


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("padding", ["\n", "\r\n", "  ", "\t\n\n"], ids=repr)
def test_surrounding_white_space_is_stripped_from_every_source(source: str, padding: str) -> None:
    place, named = SOURCES[source]
    settings = resolve_firecrawl(**place(padding + GOOD + padding))
    assert (settings.api_key, settings.api_key_source) == (GOOD, named)


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("kind", list(BAD))
def test_a_key_with_a_bad_character_is_exit_4_naming_the_source_masked(
    source: str, kind: str
) -> None:
    place, named = SOURCES[source]
    key = bad_key(BAD[kind])
    with pytest.raises(CredentialsError) as info:
        resolve_firecrawl(**place(key + "\n"))
    message = info.value.message
    assert info.value.exit_code == 4
    assert f"from {named} (fc-…9f2a)" in message
    assert f"U+{ord(BAD[kind]):04X}" in message
    assert GOOD[3:12] not in message and GOOD[12:-4] not in message
    assert message.isprintable()  # one line, nothing raw for the terminal


def test_a_blank_key_counts_as_unset_and_the_next_source_is_used() -> None:
    settings = resolve_firecrawl(
        cli_api_key=" \n", env={"JOBWATCH_FIRECRAWL_API_KEY": "\n", "FIRECRAWL_API_KEY": GOOD}
    )
    assert (settings.api_key, settings.api_key_source) == (GOOD, "$FIRECRAWL_API_KEY")


def test_a_bad_key_in_an_earlier_source_is_refused_not_skipped() -> None:
    with pytest.raises(CredentialsError) as info:
        resolve_firecrawl(cli_api_key=bad_key("\n"), env={"FIRECRAWL_API_KEY": GOOD})
    assert "--api-key" in info.value.message


def test_inner_spaces_are_not_control_characters() -> None:
    # A space is legal in a header value; the provider will say whether the key is right.
    assert key_problem("fc-abc def") is None
    assert check_key(" fc-abc def \n", "--api-key") == "fc-abc def"


def test_safe_mask_escapes_a_bad_character_in_the_shown_tail() -> None:
    assert safe_mask(GOOD[:-1] + "\x1b") == "fc-…9f2\\x1b"
    assert safe_mask(GOOD[:-1] + "\u00e9") == "fc-…9f2\\xe9"


# -- the real CLI -------------------------------------------------------------------------------


def run_jobwatch(args: list[str], config_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobwatch", *args],
        capture_output=True,
        text=True,
        env=clean_env(str(config_dir), **env),
        timeout=60,
    )


# The operating system cannot pass a NUL in a variable or an argument: only a profile holds one.
CLI_CASES = [
    (how, kind)
    for how in ("env", "option", "profile")
    for kind in ("line break", "NUL", "escape", "e acute", "C1 control")
    if kind != "NUL" or how == "profile"
]


@pytest.mark.parametrize(("how", "kind"), CLI_CASES)
@pytest.mark.parametrize("output", [[], ["--json"]], ids=["human", "json"])
def test_the_cli_refuses_a_bad_key_before_sending_anything(
    tmp_path: Path, kind: str, how: str, output: list[str]
) -> None:
    key = bad_key(BAD[kind])
    completed = FIXTURES / "firecrawl" / "status_completed.json"
    with recording_server(completed.read_bytes()) as server:
        args = ["firecrawl", FC_JOB, "--base-url", server.url, *output]
        env: dict[str, str] = {}
        if how == "env":
            env["FIRECRAWL_API_KEY"] = key
        elif how == "option":
            args += ["--api-key", key]
        else:
            data = {"profiles": {"default": {"firecrawl": {"api_key": key}}}}
            (tmp_path / "config.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
        result = run_jobwatch(args, tmp_path, **env)
    assert result.returncode == 4, result.stderr
    assert server.seen == []  # not one request reached the server
    assert result.stdout == ""
    named = {"env": "$FIRECRAWL_API_KEY", "option": "--api-key", "profile": "profile 'default'"}
    assert named[how] in result.stderr
    assert "fc-…9f2a" in result.stderr
    for part in (GOOD[3:12], GOOD[13:-4], key):
        assert part not in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_the_cli_sends_a_ci_secret_with_a_trailing_newline_stripped(tmp_path: Path) -> None:
    completed = FIXTURES / "firecrawl" / "status_completed.json"
    with recording_server(completed.read_bytes()) as server:
        result = run_jobwatch(
            ["firecrawl", FC_JOB, "--base-url", server.url], tmp_path, FIRECRAWL_API_KEY=GOOD + "\n"
        )
    assert result.returncode == 0, result.stderr
    (seen,) = server.seen
    assert seen.headers["Authorization"] == f"Bearer {GOOD}"
    assert GOOD not in result.stdout + result.stderr


def test_watch_refuses_a_bad_key_of_one_provider_before_any_job_is_polled(tmp_path: Path) -> None:
    completed = FIXTURES / "firecrawl" / "status_completed.json"
    with recording_server(completed.read_bytes()) as server:
        result = run_jobwatch(
            ["watch", f"firecrawl:{FC_JOB}", "brightdata:s_m4x7enmven8djfqak"],
            tmp_path,
            FIRECRAWL_API_KEY=GOOD,
            JOBWATCH_FIRECRAWL_BASE_URL=server.url,
            BRIGHTDATA_API_TOKEN=BD_GOOD[:10] + "\r\nX-Injected: 1",
            JOBWATCH_BRIGHTDATA_BASE_URL=server.url,
        )
    assert result.returncode == 4, result.stderr
    assert server.seen == []
    assert "$BRIGHTDATA_API_TOKEN" in result.stderr
    assert "X-Injected" not in result.stderr


# -- auth set -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["NUL", "escape", "e acute", "no-break space", "C1 control"])
def test_auth_set_refuses_a_key_that_could_not_be_sent(tmp_path: Path, kind: str) -> None:
    key = bad_key(BAD[kind])
    result = invoke(["auth", "set", "firecrawl"], tmp_path, input=key + "\n", secrets=(key,))
    assert result.exit_code == 2, result.output
    assert "fc-…9f2a" in result.stderr
    assert f"U+{ord(BAD[kind]):04X}" in result.stderr
    assert GOOD[3:12] not in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "config.toml").exists()


def test_auth_set_still_takes_a_key_with_a_trailing_crlf(tmp_path: Path) -> None:
    result = invoke(["auth", "set", "firecrawl"], tmp_path, input=GOOD + "\r\n")
    assert result.exit_code == 0, result.output
    stored = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
    assert stored["profiles"]["default"]["firecrawl"]["api_key"] == GOOD
