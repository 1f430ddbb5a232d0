"""The config file and the lookup order (PRODUCT.md section 5), seen through the CLI: which key
and which endpoint a request really uses, what lands on disk, and how a bad file is reported."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from jobwatch import config
from tests.cli_helpers import FC_KEY, Fake, clean_environment, invoke, reply

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


def write_config(folder: Path, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def read_config(folder: Path) -> dict[str, Any]:
    with open(folder / "config.toml", "rb") as handle:
        return tomllib.load(handle)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# What each provider command needs, and a good answer for it.
PROVIDERS: dict[str, dict[str, Any]] = {
    "firecrawl": {
        "args": ["firecrawl", "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"],
        "answer": ("firecrawl", "status_completed.json"),
        "own_vars": ("FIRECRAWL_API_KEY",),
        "default_host": "https://api.firecrawl.dev/",
    },
    "brightdata": {
        "args": ["brightdata", "s_m4x7enmven8djfqak"],
        "answer": ("brightdata", "progress_ready.json"),
        "own_vars": ("BRIGHTDATA_API_TOKEN", "BRIGHTDATA_API_KEY"),
        "default_host": "https://api.brightdata.com/",
    },
    "zilliz": {
        "args": ["zilliz", "448761313698322011", "--cluster-id", "in01-0123456789abcdef"],
        "answer": ("zilliz", "getprogress_completed.json"),
        "own_vars": ("ZILLIZ_API_KEY",),
        "default_host": "https://api.cloud.zilliz.com/",
    },
    "coze": {
        "args": ["coze", "7441234567890123456", "744667080521909***"],
        "answer": ("coze", "process_completed.json"),
        "own_vars": ("COZE_API_TOKEN",),
        "default_host": "https://api.coze.com/",
    },
}


def good(provider: str) -> Fake:
    return Fake(lambda request: reply(fixture=PROVIDERS[provider]["answer"]))


def layer_key(layer: str) -> str:
    return f"{layer}-key-0123456789abcdef0123"


# -- the key ------------------------------------------------------------------------------------

LAYERS = ("cli", "jobwatch-env", "own-env", "profile")


@pytest.mark.parametrize("provider", list(PROVIDERS))
@pytest.mark.parametrize("top", range(len(LAYERS)), ids=lambda i: f"from-{LAYERS[i]}")
def test_key_lookup_order(tmp_path: Path, provider: str, top: int) -> None:
    """Every layer below `top` is set too; the top one must win."""
    spec = PROVIDERS[provider]
    present = LAYERS[top:]
    args = list(spec["args"])
    env: dict[str, str] = {}
    if "cli" in present:
        args += ["--api-key", layer_key("cli")]
    if "jobwatch-env" in present:
        env[f"JOBWATCH_{provider.upper()}_API_KEY"] = layer_key("jobwatch-env")
    if "own-env" in present:
        env[spec["own_vars"][0]] = layer_key("own-env")
    write_config(tmp_path, {"profiles": {"default": {provider: {"api_key": layer_key("profile")}}}})
    fake = good(provider)
    result = invoke(args, tmp_path, fake=fake, env=env, secrets=[layer_key(x) for x in LAYERS])
    assert result.exit_code == 0, result.output
    assert fake.auth == [f"Bearer {layer_key(LAYERS[top])}"]


def test_brightdata_token_variable_beats_key_variable_and_either_works(tmp_path: Path) -> None:
    both = good("brightdata")
    env = {"BRIGHTDATA_API_TOKEN": layer_key("token"), "BRIGHTDATA_API_KEY": layer_key("key")}
    assert invoke(PROVIDERS["brightdata"]["args"], tmp_path, fake=both, env=env).exit_code == 0
    assert both.auth == [f"Bearer {layer_key('token')}"]

    only_key = good("brightdata")
    env = {"BRIGHTDATA_API_KEY": layer_key("key")}
    result = invoke(PROVIDERS["brightdata"]["args"], tmp_path, fake=only_key, env=env)
    assert result.exit_code == 0
    assert only_key.auth == [f"Bearer {layer_key('key')}"]


def test_empty_variables_count_as_unset(tmp_path: Path) -> None:
    write_config(tmp_path, {"profiles": {"default": {"firecrawl": {"api_key": FC_KEY}}}})
    fake = good("firecrawl")
    env = {"JOBWATCH_FIRECRAWL_API_KEY": "", "FIRECRAWL_API_KEY": ""}
    result = invoke(PROVIDERS["firecrawl"]["args"], tmp_path, fake=fake, env=env)
    assert result.exit_code == 0, result.output
    assert fake.auth == [f"Bearer {FC_KEY}"]


def test_a_key_of_another_provider_is_not_used(tmp_path: Path) -> None:
    write_config(tmp_path, {"profiles": {"default": {"coze": {"api_key": FC_KEY}}}})
    result = invoke(
        PROVIDERS["firecrawl"]["args"], tmp_path, env={"COZE_API_TOKEN": layer_key("coze")}
    )
    assert result.exit_code == 4
    assert "jobwatch auth set firecrawl" in result.stderr


# -- the base URL -------------------------------------------------------------------------------

URL_LAYERS = {
    "cli": "http://cli.test:1001",
    "jobwatch-env": "http://jobwatch-env.test:1002",
    "own-env": "http://own-env.test:1003",
    "profile": "http://profile.test:1004",
    "default": "https://api.firecrawl.dev",
}


@pytest.mark.parametrize("top", list(URL_LAYERS))
def test_firecrawl_base_url_lookup_order(tmp_path: Path, top: str) -> None:
    names = list(URL_LAYERS)
    present = names[names.index(top) :]
    args = [*PROVIDERS["firecrawl"]["args"], "--api-key", FC_KEY]
    env: dict[str, str] = {}
    if "cli" in present:
        args += ["--base-url", URL_LAYERS["cli"] + "/"]
    if "jobwatch-env" in present:
        env["JOBWATCH_FIRECRAWL_BASE_URL"] = URL_LAYERS["jobwatch-env"]
    if "own-env" in present:
        env["FIRECRAWL_API_URL"] = URL_LAYERS["own-env"]
    if "profile" in present:
        write_config(
            tmp_path,
            {"profiles": {"default": {"firecrawl": {"base_url": URL_LAYERS["profile"]}}}},
        )
    fake = good("firecrawl")
    result = invoke(args, tmp_path, fake=fake, env=env)
    assert result.exit_code == 0, result.output
    (url,) = fake.urls
    assert url == URL_LAYERS[top] + "/v2/batch/scrape/1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b?limit=1"


def test_self_hosted_firecrawl_needs_no_key(tmp_path: Path) -> None:
    fake = good("firecrawl")
    args = [*PROVIDERS["firecrawl"]["args"], "--base-url", "http://localhost:3002"]
    result = invoke(args, tmp_path, fake=fake)
    assert result.exit_code == 0, result.output
    assert fake.auth == [None]


def test_cloud_firecrawl_without_a_key_is_exit_4(tmp_path: Path) -> None:
    fake = Fake()
    result = invoke(PROVIDERS["firecrawl"]["args"], tmp_path, fake=fake)
    assert result.exit_code == 4
    assert fake.requests == []


@pytest.mark.parametrize("provider", ["brightdata", "zilliz", "coze"])
def test_other_providers_base_url_env_beats_profile_beats_default(
    tmp_path: Path, provider: str
) -> None:
    args = [*PROVIDERS[provider]["args"], "--api-key", layer_key("cli")]
    # Default: the public host.
    fake = good(provider)
    assert invoke(args, tmp_path, fake=fake).exit_code == 0
    assert fake.urls[0].startswith(PROVIDERS[provider]["default_host"])
    # Profile.
    write_config(
        tmp_path, {"profiles": {"default": {provider: {"base_url": "http://profile.test:9"}}}}
    )
    fake = good(provider)
    assert invoke(args, tmp_path, fake=fake).exit_code == 0
    assert fake.urls[0].startswith("http://profile.test:9/")
    # JOBWATCH_<P>_BASE_URL beats the profile.
    fake = good(provider)
    env = {f"JOBWATCH_{provider.upper()}_BASE_URL": "http://env.test:8"}
    assert invoke(args, tmp_path, fake=fake, env=env).exit_code == 0
    assert fake.urls[0].startswith("http://env.test:8/")
    # --base-url beats both.
    fake = good(provider)
    result = invoke([*args, "--base-url", "http://cli.test:7"], tmp_path, fake=fake, env=env)
    assert result.exit_code == 0
    assert fake.urls[0].startswith("http://cli.test:7/")


@pytest.mark.parametrize(
    ("provider", "host"), [("zilliz", "api.cloud.zilliz.com.cn"), ("coze", "api.coze.cn")]
)
def test_region_from_option_or_profile(tmp_path: Path, provider: str, host: str) -> None:
    args = [*PROVIDERS[provider]["args"], "--api-key", layer_key("cli")]
    fake = good(provider)
    assert invoke([*args, "--region", "cn"], tmp_path, fake=fake).exit_code == 0
    assert fake.requests[0].url.host == host

    write_config(tmp_path, {"profiles": {"default": {provider: {"region": "cn"}}}})
    fake = good(provider)
    assert invoke(args, tmp_path, fake=fake).exit_code == 0
    assert fake.requests[0].url.host == host
    # --region beats the profile's.
    fake = good(provider)
    assert invoke([*args, "--region", "global"], tmp_path, fake=fake).exit_code == 0
    assert fake.requests[0].url.host != host


def test_zilliz_cluster_id_from_the_profile_and_the_option_beats_it(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        {"profiles": {"default": {"zilliz": {"api_key": layer_key("p"), "cluster_id": "in01-p"}}}},
    )
    fake = good("zilliz")
    result = invoke(["zilliz", "job-1"], tmp_path, fake=fake, secrets=[layer_key("p")])
    assert result.exit_code == 0, result.output
    assert fake.requests[0].url.path == "/v2/vectordb/jobs/import/getProgress"
    assert fake.requests[0].read() == b'{"jobId":"job-1","clusterId":"in01-p"}'

    fake = good("zilliz")
    args = ["zilliz", "job-1", "--cluster-id", "in01-cli"]
    assert invoke(args, tmp_path, fake=fake, secrets=[layer_key("p")]).exit_code == 0
    assert b'"clusterId":"in01-cli"' in fake.requests[0].read()


# -- the profile --------------------------------------------------------------------------------


def profiles_config(default_profile: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "profiles": {
            name: {"firecrawl": {"api_key": layer_key(name)}}
            for name in ("default", "team", "ci", "fromenv")
        }
    }
    if default_profile:
        data["default_profile"] = default_profile
    return data


PROFILE_SECRETS = [layer_key(name) for name in ("default", "team", "ci", "fromenv")]


@pytest.mark.parametrize(
    ("default_profile", "env_profile", "cli_profile", "expected"),
    [
        (None, None, None, "default"),
        ("team", None, None, "team"),
        ("team", "fromenv", None, "fromenv"),
        ("team", "fromenv", "ci", "ci"),
        (None, None, "ci", "ci"),
    ],
)
def test_profile_choice(
    tmp_path: Path,
    default_profile: str | None,
    env_profile: str | None,
    cli_profile: str | None,
    expected: str,
) -> None:
    write_config(tmp_path, profiles_config(default_profile))
    args = list(PROVIDERS["firecrawl"]["args"])
    if cli_profile:
        args += ["--profile", cli_profile]
    env = {"JOBWATCH_PROFILE": env_profile} if env_profile else {}
    fake = good("firecrawl")
    result = invoke(args, tmp_path, fake=fake, env=env, secrets=PROFILE_SECRETS)
    assert result.exit_code == 0, result.output
    assert fake.auth == [f"Bearer {layer_key(expected)}"]


def test_an_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    write_config(tmp_path, profiles_config(None))
    fake = Fake()
    args = [*PROVIDERS["firecrawl"]["args"], "--profile", "typo"]
    result = invoke(args, tmp_path, fake=fake, secrets=PROFILE_SECRETS)
    assert result.exit_code == 2
    assert "typo" in result.stderr
    assert fake.requests == []


def test_an_unknown_profile_from_the_environment_is_a_usage_error_too(tmp_path: Path) -> None:
    write_config(tmp_path, profiles_config(None))
    fake = Fake()
    args = list(PROVIDERS["firecrawl"]["args"])
    env = {"JOBWATCH_PROFILE": "typo"}
    result = invoke(args, tmp_path, fake=fake, env=env, secrets=PROFILE_SECRETS)
    assert result.exit_code == 2
    assert "typo" in result.stderr and "$JOBWATCH_PROFILE" in result.stderr
    assert fake.requests == []


def test_missing_key_in_a_named_profile_says_which_profile(tmp_path: Path) -> None:
    write_config(tmp_path, {"profiles": {"ci": {"coze": {"api_key": layer_key("c")}}}})
    args = [*PROVIDERS["firecrawl"]["args"], "--profile", "ci"]
    result = invoke(args, tmp_path, secrets=[layer_key("c")])
    assert result.exit_code == 4
    assert "jobwatch auth set firecrawl --profile ci" in result.stderr


# -- masking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("fc-0123456789abcdef9f2a", "fc-…9f2a"),
        ("pat_0123456789abcdefghij1234", "pat_…1234"),
        ("0123456789abcdefghijkl77", "…kl77"),
        # Too short to show anything of it.
        ("fc-12345678", "fc-…"),
        ("abc123", "…"),
        ("x", "…"),
    ],
)
def test_mask(key: str, masked: str) -> None:
    assert config.mask(key) == masked
    assert key not in config.mask(key)


def test_mask_never_shows_more_than_four_characters_of_the_secret_part() -> None:
    for prefix in ("", "fc-", "pat_"):
        for length in range(1, 60):
            secret = "".join(chr(ord("a") + i % 26) for i in range(length))
            masked = config.mask(prefix + secret)
            assert masked.startswith(prefix + "…")
            assert len(masked) - len(prefix) - 1 <= 4
            assert prefix + secret not in masked


# -- the file on disk ---------------------------------------------------------------------------


def test_auth_set_writes_a_private_file_in_a_private_folder(tmp_path: Path) -> None:
    folder = tmp_path / "nested" / "jobwatch"
    result = invoke(["auth", "set", "firecrawl"], folder, input=FC_KEY + "\n")
    assert result.exit_code == 0, result.output
    path = folder / "config.toml"
    assert mode(path) == 0o600
    assert mode(folder) == 0o700
    assert read_config(folder) == {"profiles": {"default": {"firecrawl": {"api_key": FC_KEY}}}}
    # Written atomically: no temporary file left beside it.
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) == []


def test_auth_set_tightens_an_existing_folder_and_keeps_other_settings(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    path = write_config(
        folder,
        {
            "default_profile": "team",
            "profiles": {"team": {"coze": {"api_key": layer_key("coze"), "region": "cn"}}},
        },
    )
    os.chmod(folder, 0o755)
    os.chmod(path, 0o644)
    result = invoke(
        ["auth", "set", "firecrawl"], folder, input=FC_KEY, secrets=[FC_KEY, layer_key("coze")]
    )
    assert result.exit_code == 0, result.output
    assert mode(folder) == 0o700
    assert mode(path) == 0o600
    assert read_config(folder) == {
        "default_profile": "team",
        "profiles": {
            "team": {
                "coze": {"api_key": layer_key("coze"), "region": "cn"},
                "firecrawl": {"api_key": FC_KEY},
            }
        },
    }


def test_config_dir_variable_moves_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    result = invoke(["auth", "path"], folder)
    assert result.stdout.strip() == str(folder / "config.toml")
    assert invoke(["auth", "set", "firecrawl"], folder, input=FC_KEY).exit_code == 0
    assert (folder / "config.toml").is_file()
    # And a provider command reads it from there.
    fake = good("firecrawl")
    assert invoke(PROVIDERS["firecrawl"]["args"], folder, fake=fake).exit_code == 0
    assert fake.auth == [f"Bearer {FC_KEY}"]


# -- files jobwatch cannot use ------------------------------------------------------------------

CORRUPT = b"""default_profile = "default"
[profiles.default.firecrawl]
api_key = "fc-0123456789abcdef0123456789ab9f2a"
base_url = http://localhost:3002
"""

COMMANDS_THAT_READ = {
    "auth-set": (["auth", "set", "firecrawl"], "fc-another-0123456789abcdef"),
    "auth-set-no-key": (["auth", "set", "zilliz", "--no-key", "--region", "cn"], None),
    "auth-remove": (["auth", "remove", "firecrawl"], None),
    "auth-list": (["auth", "list"], None),
    "provider": (["firecrawl", "1e2a3b4c", "--api-key", FC_KEY], None),
    "provider-self-hosted": (["firecrawl", "1e2a3b4c", "--base-url", "http://x.test:1"], None),
    "watch": (["watch", "firecrawl:1e2a3b4c", "--api-key", FC_KEY, "-t", "5"], None),
}


@pytest.mark.parametrize("command", list(COMMANDS_THAT_READ))
def test_a_corrupt_file_is_exit_2_with_path_and_line_and_is_left_alone(
    tmp_path: Path, command: str
) -> None:
    args, stdin = COMMANDS_THAT_READ[command]
    path = tmp_path / "config.toml"
    path.write_bytes(CORRUPT)
    fake = Fake()
    result = invoke(args, tmp_path, fake=fake, input=stdin)
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "\n" not in message, message
    assert str(path) in message
    assert "line 4" in message
    assert path.read_bytes() == CORRUPT
    assert fake.requests == []


@pytest.mark.parametrize(
    "content",
    [
        "profiles = 3\n",
        "default_profile = 7\n",
        '[profiles]\ndefault = "fc-x"\n',
        '[profiles.default]\nfirecrawl = "fc-x"\n',
        "[profiles.default.firecrawl]\napi_key = 12345\n",
    ],
    ids=[
        "profiles-number",
        "default-profile-number",
        "profile-string",
        "provider-string",
        "key-number",
    ],
)
@pytest.mark.parametrize("command", ["auth-set", "auth-list", "provider"])
def test_a_wrongly_shaped_file_is_exit_2_naming_the_file(
    tmp_path: Path, content: str, command: str
) -> None:
    args, stdin = COMMANDS_THAT_READ[command]
    path = tmp_path / "config.toml"
    path.write_text(content)
    fake = Fake()
    result = invoke(args, tmp_path, fake=fake, input=stdin)
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr
    assert "\n" not in result.stderr.strip()
    assert path.read_text() == content
    assert fake.requests == []


def test_a_file_that_is_not_utf8_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'default_profile = "\xff\xfe"\n')
    result = invoke(["auth", "set", "firecrawl"], tmp_path, input=FC_KEY)
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert path.read_bytes() == b'default_profile = "\xff\xfe"\n'


# -- two writers at once ------------------------------------------------------------------------

RACERS = [
    ("firecrawl", "default", "fc-race-0123456789abcdef0001"),
    ("coze", "default", "pat_race-0123456789abcdef0002"),
    ("firecrawl", "ci", "fc-race-0123456789abcdef0003"),
]


def wait_until_reading_stdin(process: subprocess.Popen[bytes], limit: float = 20.0) -> None:
    """Linux: wait until the process sits in read(0, …). Elsewhere: return at once."""
    syscall = Path(f"/proc/{process.pid}/syscall")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        try:
            fields = syscall.read_text().split()
        except OSError:
            return
        if fields[:2] == ["0", "0x0"]:
            return
        time.sleep(0.01)


@pytest.mark.parametrize("round_", range(4))
def test_racing_auth_set_processes_keep_every_entry(tmp_path: Path, round_: int) -> None:
    folder = tmp_path / f"round{round_}"
    if round_ % 2:
        # Half the rounds start from an existing file, half create the folder and file.
        write_config(folder, {"profiles": {"keep": {"zilliz": {"cluster_id": "in01-keep"}}}})
    env = {**os.environ, "JOBWATCH_CONFIG_DIR": str(folder)}
    logs = [(tmp_path / f"out{i}", tmp_path / f"err{i}") for i in range(len(RACERS))]
    processes = []
    try:
        for (provider, profile, _), (out, err) in zip(RACERS, logs, strict=True):
            with open(out, "wb") as out_file, open(err, "wb") as err_file:
                command = ["auth", "set", provider, "--profile", profile]
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "jobwatch", *command],
                        stdin=subprocess.PIPE,
                        stdout=out_file,
                        stderr=err_file,
                        env=env,
                        cwd=REPO,
                    )
                )
        # Once every process is blocked reading its key, hand the keys over back to back, so
        # that their read-modify-write cycles overlap as much as they can.
        for process in processes:
            wait_until_reading_stdin(process)
        for process, (_, _, key) in zip(processes, RACERS, strict=True):
            assert process.stdin is not None
            process.stdin.write(key.encode())
            process.stdin.close()
        codes = [process.wait(timeout=30) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    printed = b"".join(path.read_bytes() for pair in logs for path in pair)
    assert codes == [0] * len(RACERS), printed.decode()
    for _, _, key in RACERS:
        assert key.encode() not in printed
    data = read_config(folder)
    for provider, profile, key in RACERS:
        assert data["profiles"][profile][provider] == {"api_key": key}
    if round_ % 2:
        assert data["profiles"]["keep"] == {"zilliz": {"cluster_id": "in01-keep"}}
    assert mode(folder / "config.toml") == 0o600
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
