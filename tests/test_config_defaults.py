"""The config file's [defaults] table (PRODUCT.md section 5): any shared option by its long name;
the command line wins over it, and it wins over the built-in defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import FC_KEY, Fake, clean_environment, invoke, reply

JOB = "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def write_config(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def server_errors() -> Fake:
    return Fake(lambda request: reply(500, body={"success": False, "error": "boom"}))


def test_defaults_apply_and_the_command_line_wins(tmp_path: Path) -> None:
    write_config(tmp_path, '[defaults]\nmax-retries = 0\njson = true\nrequest-timeout = "5"\n')
    fake = server_errors()
    result = invoke(["firecrawl", JOB, "--api-key", FC_KEY], tmp_path, fake=fake)
    assert result.exit_code == 3
    assert len(fake.requests) == 1  # max-retries = 0: no second try
    assert result.json()["exit_code"] == 3  # json = true
    fake = server_errors()
    result = invoke(
        ["firecrawl", JOB, "--api-key", FC_KEY, "--max-retries", "1"], tmp_path, fake=fake
    )
    assert result.exit_code == 3
    assert len(fake.requests) == 2


def test_an_unknown_key_is_warned_about_naming_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[defaults]\nintervall = 3\nmax_retries = 2\n")
    fake = Fake([reply(fixture=("firecrawl", "status_completed.json"))])
    result = invoke(["firecrawl", JOB, "--api-key", FC_KEY], tmp_path, fake=fake)
    assert result.exit_code == 0
    assert f"jobwatch: warning: unknown key 'intervall' in [defaults] of {path}" in result.stderr
    assert f"jobwatch: warning: unknown key 'max_retries' in [defaults] of {path}" in result.stderr


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('timeout = "soon"', "[defaults] timeout in {path} 'soon' is not a duration"),
        ("interval = 0", "[defaults] interval in {path} must be a number of seconds more than 0"),
        ('progress = "fancy"', "[defaults] progress in {path} must be one of auto, live, plain"),
        ('json = "yes"', "[defaults] json in {path} must be true or false"),
        ("max-retries = -1", "[defaults] max-retries in {path} must be a whole number"),
    ],
)
def test_a_bad_value_is_a_usage_error_naming_key_and_file(
    tmp_path: Path, line: str, message: str
) -> None:
    path = write_config(tmp_path, f"[defaults]\n{line}\n")
    result = invoke(["firecrawl", JOB, "--api-key", FC_KEY], tmp_path, fake=Fake())
    assert result.exit_code == 2
    assert f"jobwatch: error: {message.format(path=path)}" in result.stderr


def test_defaults_must_be_a_table(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'defaults = "plain"\n')
    result = invoke(["firecrawl", JOB, "--api-key", FC_KEY], tmp_path, fake=Fake())
    assert result.exit_code == 2
    assert f"config file {path}: [defaults] must be a table" in result.stderr


def test_unknown_keys_anywhere_in_the_file_are_warned_about(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        'colour = "never"\n[profiles.ci.firecrawll]\napi_key = "x"\n'
        '[profiles.ci.firecrawl]\napi-key = "y"\n',
    )
    fake = Fake([reply(fixture=("firecrawl", "status_completed.json"))])
    result = invoke(["firecrawl", JOB, "--api-key", FC_KEY], tmp_path, fake=fake)
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"jobwatch: warning: unknown key 'colour' of {path}",
        f"jobwatch: warning: unknown provider in [profiles.ci.firecrawll] of {path}",
        f"jobwatch: warning: unknown key 'api-key' in [profiles.ci.firecrawl] of {path}",
    ]


def test_github_outputs_for_a_usage_error(tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    result = invoke(
        ["firecrawl", JOB, "--interval", "0"],
        tmp_path,
        fake=Fake(),
        env={"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(outputs), "FIRECRAWL_API_KEY": FC_KEY},
    )
    assert result.exit_code == 2
    assert outputs.read_text(encoding="utf-8") == "state=usage_error\nexit_code=2\n"
