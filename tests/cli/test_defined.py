"""Defined providers on the command line (README: Your own provider), through the real console
entry: where tables come from (`--providers FILE`, `$JOBWATCH_PROVIDERS_FILE`, the config
file), `jobwatch providers` and `providers check`, strict tables stopping every command before
anything is sent, and a defined provider in every place a built-in one is (help, completion,
auth, `[defaults]`, references, the re-attach hint)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobwatch.cli import fastpath
from jobwatch.cli.definitions import forget, prepare, register, take_option
from jobwatch.core.errors import UsageError
from jobwatch.providers import PROVIDERS
from tests.apiserver import Answer, ApiServer, Received, api_server, body
from tests.definedkit import PROCESS_TIMEOUT, environment, jobwatch

KEY = "acme-0123456789abcdef0123456789ab77e1"


def acme_table(url: str, name: str = "acme-export", **lines: str) -> str:
    extra = "".join(f"{key} = {value}\n" for key, value in lines.items())
    return (
        f'[providers.{name}]\nsummary = "Acme exports"\nbase_url = "{url}"\n'
        f'status = "GET /v1/exports/{{id}}"\ncancel = "POST /v1/exports/{{id}}/cancel"\n'
        f'key_env = ["ACME_API_KEY"]\ninterval = 0.05\nunit = "rows"\n{extra}'
        f'[providers.{name}.read]\nstatus = "/state"\ncompleted = "/done"\ntotal = "/total"\n'
        f'[providers.{name}.states]\npending = ["queued"]\nrunning = ["rendering"]\n'
        f'succeeded = ["done"]\nfailed = ["broken"]\n'
    )


def acme_answers(seen: Received) -> Answer:
    if seen.header("Authorization") != f"Bearer {KEY}":
        return body(401, {"error": f"key {seen.header('Authorization')} is not valid"})
    if seen.target.endswith("/cancel"):
        return body(200, {"state": "rendering"})
    if "forever" in seen.target:
        return body(200, {"state": "rendering", "done": 1, "total": 4})
    if "boom" in seen.target:
        return body(500, {"error": "internal"})
    return body(200, {"state": "done", "done": 4, "total": 4})


@pytest.fixture
def acme() -> Iterator[ApiServer]:
    with api_server(acme_answers) as server:
        yield server


@pytest.fixture
def folder(tmp_path: Path, acme: ApiServer) -> Path:
    (tmp_path / "acme.toml").write_text(acme_table(acme.url), encoding="utf-8")
    return tmp_path


def config(folder: Path, text: str) -> None:
    (folder / "config").mkdir(mode=0o700, exist_ok=True)
    (folder / "config" / "config.toml").write_text(text, encoding="utf-8")


# -- where tables come from ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--providers", "acme.toml", "acme-export", "e-1"],
        ["acme-export", "e-1", "--providers", "acme.toml"],
        ["--providers=acme.toml", "acme-export", "e-1", "--json"],
        ["acme-export", "--providers", "acme.toml", "e-1", "--api-key", KEY],
    ],
    ids=["before", "after", "equals", "between"],
)
def test_providers_option_anywhere_on_the_line(
    folder: Path, acme: ApiServer, args: list[str]
) -> None:
    ran = jobwatch(folder, *args, env={"ACME_API_KEY": KEY})
    assert ran.code == 0, ran.output
    assert acme.targets() == ["GET /v1/exports/e-1"]


def test_the_variable_and_the_config_file_define_providers_too(
    folder: Path, acme: ApiServer
) -> None:
    (folder / "more.toml").write_text(acme_table(acme.url, "acme-more"), encoding="utf-8")
    config(
        folder,
        acme_table(acme.url, "acme-config")
        + '[profiles.default.acme-config]\napi_key = "'
        + KEY
        + '"\n',
    )
    env = {"JOBWATCH_PROVIDERS_FILE": "more.toml", "ACME_API_KEY": KEY}
    listed = jobwatch(folder, "--providers", "acme.toml", "providers", env=env)
    assert listed.code == 0, listed.output
    origins = {line.split("\t")[0]: line.split("\t")[2] for line in listed.stdout.splitlines()}
    assert origins == {
        "brightdata": "built in", "zilliz": "built in", "coze": "built in",
        "firecrawl": "built in", "acme-config": str(folder / "config" / "config.toml"),
        "acme-more": "more.toml", "acme-export": "acme.toml",
    }  # fmt: skip
    assert "warning" not in listed.stderr  # `providers` and its profile entry are known keys
    keyless = {"JOBWATCH_PROVIDERS_FILE": "more.toml"}
    ran = jobwatch(folder, "watch", "acme-config:c-1", "acme-more:m-1", "--json", env=keyless)
    assert ran.code == 4, ran.output  # acme-config's key is in its profile, acme-more has none
    assert "no API key for acme-more" in ran.stderr
    ran = jobwatch(folder, "watch", "acme-config:c-1", "acme-more:m-1", env=env)
    assert ran.code == 0, ran.output


def test_one_name_in_two_places_is_exit_2(folder: Path, acme: ApiServer) -> None:
    config(folder, acme_table(acme.url))
    ran = jobwatch(
        folder, "--providers", "acme.toml", "acme-export", "e-1", env={"ACME_API_KEY": KEY}
    )
    assert ran.code == 2
    path = folder / "config" / "config.toml"
    assert ran.stderr == (
        "jobwatch: error: acme.toml: [providers.acme-export]: the name acme-export is taken by "
        f"the provider acme-export of {path}\n"
    )
    assert acme.received == []


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "jobwatch: error: cannot read providers file nope.toml: No such file or directory"),
        ("[providers.x\n", "jobwatch: error: providers file nope.toml is not valid TOML: line 1,"),
        (
            "[profiles.default.x]\n",
            "jobwatch: error: nope.toml: unknown key 'profiles': a "
            "providers file holds [providers.NAME] tables only",
        ),
        ("", "jobwatch: error: nope.toml: no [providers.NAME] table in it"),
        ("providers = 3\n", "jobwatch: error: nope.toml: [providers] should be a table of"),
    ],
    ids=["missing", "not toml", "not a providers file", "empty", "not tables"],
)
def test_a_providers_file_that_cannot_be_read(
    tmp_path: Path, content: str | None, said: str
) -> None:
    if content is not None:
        (tmp_path / "nope.toml").write_text(content, encoding="utf-8")
    ran = jobwatch(tmp_path, "--providers", "nope.toml", "firecrawl", "x")
    assert ran.code == 2 and ran.stderr.startswith(said), ran.stderr


def test_the_option_needs_a_file(tmp_path: Path) -> None:
    ran = jobwatch(tmp_path, "firecrawl", "x", "--providers")
    assert (ran.code, ran.stderr) == (
        2, "jobwatch: error: --providers needs a FILE of [providers.NAME] tables\n",
    )  # fmt: skip
    assert take_option(["a", "--providers", "p.toml", "--", "--providers", "q"]) == (
        ["a", "--", "--providers", "q"], ["p.toml"],
    )  # fmt: skip


# -- strict tables stop every command before anything is sent --------------------------------


BAD = '\n[providers.acme-bad]\nbase_url = "URL"\nstatus = "GET /v1/exports?id={id}"\n'


@pytest.mark.parametrize(
    "args",
    [
        ["acme-export", "e-1"],
        ["watch", "acme-export:e-1", "firecrawl:x"],
        ["cancel", "acme-export:e-1"],
        ["firecrawl", "x"],
        ["--help"],
        ["auth", "list"],
        ["providers"],
    ],
    ids=" ".join,
)
def test_a_bad_table_is_exit_2_before_anything_is_sent(
    folder: Path, acme: ApiServer, args: list[str]
) -> None:
    (folder / "acme.toml").write_text(acme_table(acme.url) + BAD.replace("URL", acme.url))
    ran = jobwatch(folder, "--providers", "acme.toml", *args, env={"ACME_API_KEY": KEY})
    assert ran.code == 2, ran.output
    assert ran.stderr == (
        "jobwatch: error: acme.toml: [providers.acme-bad] status: {id} goes in the path, never "
        "in a query (it is sent as one path segment)\n"
    )
    assert ran.stdout == "" and acme.received == []


def test_a_bad_table_still_writes_the_ci_files_the_line_names(
    folder: Path, acme: ApiServer
) -> None:
    (folder / "acme.toml").write_text(acme_table(acme.url) + BAD.replace("URL", acme.url))
    outputs = folder / "github_output"
    ran = jobwatch(folder, "--providers", "acme.toml", "firecrawl", "x", "--jobs-out", "out.json",
                   env={"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(outputs)})  # fmt: skip
    assert ran.code == 2
    written = json.loads((folder / "out.json").read_text(encoding="utf-8"))
    assert (written["jobs"], written["exit_code"]) == ([], 2)
    assert "[providers.acme-bad] status" in written["error"]
    assert "exit_code=2" in outputs.read_text(encoding="utf-8")


def test_auth_path_and_providers_check_still_run_with_a_bad_table(
    folder: Path, acme: ApiServer
) -> None:
    config(folder, acme_table(acme.url, "acme-ok") + BAD.replace("URL", acme.url) + BAD.replace(
        "acme-bad", "acme-worse").replace("URL", acme.url + "/v2"))  # fmt: skip
    path = jobwatch(folder, "auth", "path")
    assert (path.code, path.stdout) == (0, f"{folder / 'config' / 'config.toml'}\n")
    checked = jobwatch(folder, "providers", "check")
    assert checked.code == 2
    where = folder / "config" / "config.toml"
    assert checked.stdout.startswith(f"{where}: [providers.acme-ok] ok: Acme exports\n")
    assert checked.stderr.splitlines() == [
        f"jobwatch: error: {where}: [providers.acme-bad] status: {{id}} goes in the path, never "
        "in a query (it is sent as one path segment)",
        f"jobwatch: error: {where}: [providers.acme-worse] status: {{id}} goes in the path, "
        "never in a query (it is sent as one path segment)",
    ]
    good = jobwatch(folder, "providers", "check", "acme.toml")
    assert good.code == 0 and good.stdout.startswith("acme.toml: [providers.acme-export] ok")


def test_a_config_file_that_cannot_be_parsed(folder: Path) -> None:
    config(folder, "[providers.acme\n")
    ran = jobwatch(folder, "acme", "e-1")
    assert ran.code == 2 and "is not valid TOML: line 1" in ran.stderr
    assert "No such command" not in ran.stderr
    assert jobwatch(folder, "auth", "path").code == 0
    assert jobwatch(folder, "--help").code == 0


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('status = "GET //evil.test/x/{id}"', "status: '//evil.test/x/{id}' is not a URL path"),
        ('status = "GET /x/{id}?to={id}"', "status: {id} goes in the path, never in a query"),
        ('status = "GET /x/{id}"\nheaders = { Host = "evil.test" }', "headers.Host: Host is set"),
        ('status = "GET /x/{id}"\nheaders = { X-A = "a\\r\\nHost: evil.test" }', "headers.X-A: a"),
        ('status = "GET /x/{id}"\nkey_header = "Host"', "key_header: Host is not a header for"),
        ('status = "GET /x/{id}"\nkey_header = "X-Key: a\\nb"', "key_header: 'X-Key: a\\nb' shou"),
        ('status = "GET @evil.test/{id}"', "status: '@evil.test/{id}' is not a URL path"),
    ],
)
def test_no_table_sends_a_request_anywhere_but_its_base_url(
    tmp_path: Path, acme: ApiServer, table: str, said: str
) -> None:
    text = (
        f'[providers.sneaky]\nbase_url = "{acme.url}"\n{table}\n[providers.sneaky.read]\n'
        'status = "/state"\n[providers.sneaky.states]\nsucceeded = ["done"]\n'
    )
    (tmp_path / "sneaky.toml").write_text(text, encoding="utf-8")
    ran = jobwatch(tmp_path, "--providers", "sneaky.toml", "sneaky", "x", "--api-key", KEY)
    assert ran.code == 2, ran.output
    assert said in ran.stderr and "sneaky.toml: [providers.sneaky]" in ran.stderr
    assert acme.received == []


def test_ids_reach_only_their_own_path_segment(folder: Path, acme: ApiServer) -> None:
    ids = ["a/b", "x?admin=1", "#top", "%2e%2e", "../admin", "a b"]
    ran = jobwatch(folder, "--providers", "acme.toml", "acme-export", *ids, "--api-key", KEY)
    assert ran.code == 0, ran.output
    assert sorted(acme.targets()) == sorted(
        f"GET /v1/exports/{path}"
        for path in ("a%2Fb", "x%3Fadmin%3D1", "%23top", "%252e%252e", "..%2Fadmin", "a%20b")
    )
    assert {seen.header("Host") for seen in acme.received} == {acme.url.removeprefix("http://")}
    dots = jobwatch(folder, "--providers", "acme.toml", "acme-export", "..", "--api-key", KEY)
    assert dots.code == 2 and len(acme.received) == len(ids)


def test_no_key_is_printed(folder: Path, acme: ApiServer) -> None:
    wrong = "acme-wrong0123456789abcdef0123456789"
    ran = jobwatch(folder, "--providers", "acme.toml", "acme-export", "e-1", "--api-key", wrong,
                   "--debug")  # fmt: skip
    assert ran.code == 4
    assert "key Bearer acme-…6789 is not valid" in ran.stderr  # echoed by the server: masked
    assert "Authorization: Bearer …6789" in ran.stderr  # --debug
    assert wrong not in ran.output
    (folder / "x.toml").write_text(
        acme_table(acme.url, "acme-x", key_header='"x-api-key"'), encoding="utf-8"
    )
    other = jobwatch(
        folder, "--providers", "x.toml", "acme-x", "e-1", "--api-key", wrong, "--debug"
    )
    assert other.code == 4 and wrong not in other.output
    assert acme.received[-1].header("x-api-key") == wrong


# -- a defined provider wherever a built-in one is -------------------------------------------


def test_help_lists_and_explains_it(folder: Path) -> None:
    top = jobwatch(folder, "--providers", "acme.toml", "--help")
    assert re.search(r"^  acme-export +Acme exports$", top.stdout, re.M), top.stdout
    own = jobwatch(folder, "--providers", "acme.toml", "acme-export", "--help")
    assert own.code == 0
    assert own.stdout.splitlines()[2] == "  Acme exports: GET /v1/exports/{id}"
    assert "jobwatch acme-export JOB_ID --watch --timeout 30m" in own.stdout
    assert "[default: 0.05]" in own.stdout and "--region" not in own.stdout


def test_completion_offers_it(folder: Path, acme: ApiServer) -> None:
    config(folder, acme_table(acme.url, "acme-config"))

    def complete(words: str) -> list[str]:
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)
        env = {"_JOBWATCH_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword),
               "JOBWATCH_PROVIDERS_FILE": "acme.toml"}  # fmt: skip
        return jobwatch(folder, env=env).stdout.split()

    assert complete("jobwatch acme") == ["acme-config", "acme-export"]
    assert {"acme-config:", "acme-export:"} <= set(complete("jobwatch watch "))
    assert complete("jobwatch auth set acme-c") == ["acme-config"]


def test_auth_and_its_variables(folder: Path, acme: ApiServer) -> None:
    args = ("--providers", "acme.toml")
    stored = jobwatch(folder, *args, "auth", "set", "acme-export", stdin=KEY + "\n")
    assert stored.code == 0, stored.output
    assert jobwatch(folder, *args, "acme-export", "e-1").code == 0
    assert jobwatch(folder, *args, "auth", "remove", "acme-export").code == 0
    missing = jobwatch(folder, *args, "acme-export", "e-1")
    assert missing.code == 4
    assert "set $JOBWATCH_ACME_EXPORT_API_KEY or $ACME_API_KEY" in missing.stderr
    own = jobwatch(folder, *args, "acme-export", "e-2", env={"JOBWATCH_ACME_EXPORT_API_KEY": KEY})
    assert own.code == 0
    listed = jobwatch(folder, *args, "auth", "list", env={"ACME_API_KEY": KEY})
    assert "(env)\tacme-export\tacme-…77e1 from $ACME_API_KEY" in listed.stdout
    assert [seen.header("Authorization") for seen in acme.received] == [f"Bearer {KEY}"] * 2
    refused = jobwatch(folder, *args, "auth", "set", "acme-export", "--region", "eu", "--no-key")
    assert refused.code == 2 and "acme-export has no regions" in refused.stderr


def test_defaults_apply_to_it(folder: Path, acme: ApiServer) -> None:
    config(folder, "[defaults]\nmax-retries = 0\n")
    ran = jobwatch(folder, "--providers", "acme.toml", "acme-export", "boom", "--api-key", KEY)
    assert ran.code == 3, ran.output
    assert acme.targets() == ["GET /v1/exports/boom"]  # no retry: [defaults] max-retries = 0


def test_references_jobs_files_and_cancel(folder: Path, acme: ApiServer) -> None:
    (folder / "jobs.toml").write_text('[[job]]\nprovider = "acme-export"\nid = "f-1"\n')
    args = ("--providers", "acme.toml")
    ran = jobwatch(folder, *args, "watch", "acme-export:e-1", "--file", "jobs.toml", "--api-key",
                   KEY, "--json")  # fmt: skip
    assert ran.code == 0, ran.output
    summary = json.loads(ran.stdout.splitlines()[-1])
    assert [(job["provider"], job["id"], job["unit"]) for job in summary["jobs"]] == [
        ("acme-export", "e-1", "rows"), ("acme-export", "f-1", "rows"),
    ]  # fmt: skip
    bad = jobwatch(folder, *args, "watch", "acme-export:a/b")
    assert bad.code == 2 and "acme-export:JOB" in bad.stderr
    extra = folder / "bad.toml"
    extra.write_text('[[job]]\nprovider = "acme-export"\nid = "f-1"\ncluster_id = "c"\n')
    refused = jobwatch(folder, *args, "watch", "--file", "bad.toml")
    assert refused.code == 2 and "unknown key(s) cluster_id for acme-export" in refused.stderr
    cancelled = jobwatch(folder, *args, "cancel", "acme-export:e-3", "--api-key", KEY)
    assert cancelled.code == 0 and "jobwatch: cancelled acme-export e-3" in cancelled.stderr


def test_an_interrupted_watch_says_how_to_reattach_with_the_file(
    folder: Path, acme: ApiServer
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "jobwatch", "--providers", "acme.toml", "acme-export", "forever",
         "--watch", "--progress", "plain"],
        cwd=folder, env=environment(folder / "config", ACME_API_KEY=KEY),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + PROCESS_TIMEOUT
        while not acme.received and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
    finally:
        if process.poll() is None:  # never left behind, whatever went wrong
            process.kill()
            process.communicate()
    assert process.returncode == 143, stderr
    assert "re-attach with:\n  jobwatch --providers acme.toml acme-export forever --watch" in stderr


def test_its_text_reaches_the_terminal_sanitized(tmp_path: Path, acme: ApiServer) -> None:
    """The table's summary, unit and words, and the words an answer sends, have their control
    characters replaced everywhere (`jobwatch()` checks that no output has an ESC)."""
    text = acme_table(acme.url).replace(
        '"Acme exports"', '"Acme \\u001b[2J\\u001b]0;pwned\\u0007 exports"'
    )
    text = text.replace('unit = "rows"', 'unit = "rows\\u001b[31m"')
    text = text.replace('succeeded = ["done"]', 'succeeded = ["done\\u001b[1m"]')
    (tmp_path / "acme.toml").write_text(text, encoding="utf-8")
    args = ("--providers", "acme.toml")
    for shown in (("--help",), ("acme-export", "--help"), ("providers",), ("providers", "check")):
        ran = jobwatch(tmp_path, *args, *shown)
        assert ran.code == 0 and "Acme \ufffd\ufffd exports" in ran.stdout, ran.output
    with api_server(lambda seen: body(200, {"state": "done\x1b[1m", "done": 1, "total": 1})) as api:
        ran = jobwatch(tmp_path, *args, "acme-export", "e-1", "--json", "--api-key", KEY,
                       env={"JOBWATCH_ACME_EXPORT_BASE_URL": api.url})  # fmt: skip
    assert ran.code == 0, ran.output
    (job,) = ran.json()["jobs"]
    assert (job["state"], job["status"], job["unit"]) == ("succeeded", "done\ufffd", "rows\ufffd")
    with api_server(lambda seen: body(200, {"state": "odd\x1b[5m"})) as api:
        ran = jobwatch(tmp_path, *args, "acme-export", "e-1", "--api-key", KEY, "--watch",
                       "--timeout", "3", "--progress", "plain",
                       env={"JOBWATCH_ACME_EXPORT_BASE_URL": api.url})  # fmt: skip
    assert ran.code == 124, ran.output
    assert ran.stderr.count("unknown status word 'odd\ufffd', treated as running") == 1


# -- in-process: what the console entry does first ------------------------------------------


def test_prepare_registers_before_the_fast_path_reads_the_table(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    env = {**os.environ, "JOBWATCH_CONFIG_DIR": str(folder / "config")}
    env.pop("JOBWATCH_PROVIDERS_FILE", None)
    try:
        assert prepare(["--providers", "acme.toml", "acme-export", "e-1", "-w"], env) == [
            "acme-export", "e-1", "-w",
        ]  # fmt: skip
        parsed = fastpath.parse(["acme-export", "e-1", "-w"])
        assert parsed is not None and parsed[0] == "acme-export" and parsed[1]["watch"] is True
        with pytest.raises(UsageError, match="cannot read providers file gone.toml"):
            prepare(["--providers", "gone.toml", "firecrawl", "x"], env)
    finally:
        register([])
        forget()
    assert "acme-export" not in PROVIDERS


def test_stall_missing_words_and_the_body_cap_hold_for_it(folder: Path, acme: ApiServer) -> None:
    args = ("--providers", "acme.toml", "acme-export")
    stalled = jobwatch(folder, *args, "forever", "--watch", "--stall-timeout", "0.5",
                       "--timeout", "60", "--api-key", KEY)  # fmt: skip
    assert stalled.code == 5, stalled.output
    with api_server(lambda seen: body(200, {"done": 1})) as wordless:
        env = {"JOBWATCH_ACME_EXPORT_BASE_URL": wordless.url}
        ran = jobwatch(folder, *args, "e-1", "--max-retries", "1", "--api-key", KEY, env=env)
        assert ran.code == 3, ran.output
        assert "acme-export: the answer has nothing at /state (read.status)" in ran.stderr
        assert len(wordless.received) == 2  # retried once, then unknown
    huge = Answer(200, b'{"state": "done", "pad": "' + b"x" * (33 << 20) + b'"}')
    with api_server(lambda seen: huge) as big:
        env = {"JOBWATCH_ACME_EXPORT_BASE_URL": big.url}
        ran = jobwatch(folder, *args, "e-1", "--max-retries", "0", "--api-key", KEY, env=env)
    assert ran.code == 3, ran.output
    assert "answer larger than 32 MiB" in ran.stderr


def test_the_console_entry_reads_the_config_file_once(
    folder: Path,
    acme: ApiServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from jobwatch import config
    from jobwatch.cli import main

    config_file = folder / "config"
    config_file.mkdir()
    (config_file / "config.toml").write_text(acme_table(acme.url, "acme-config"))
    monkeypatch.chdir(folder)
    for name in list(os.environ):
        if name.startswith("JOBWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("JOBWATCH_CONFIG_DIR", str(config_file))
    reads: list[Path] = []
    load = config.load

    def counted(path: Path) -> dict[str, object]:
        reads.append(path)
        return load(path)

    monkeypatch.setattr(config, "load", counted)
    try:  # what the console entry does: prepare, then run what is left of the line
        argv = prepare(["--providers", "acme.toml", "watch", "acme-config:c-1", "acme-export:e-1",
                        "--api-key", KEY, "--json"], dict(os.environ))  # fmt: skip
        code = main.run(argv)
    finally:
        register([])
        forget()
    assert code == 0, capsys.readouterr()
    assert reads == [config_file / "config.toml"]
    assert sorted(acme.targets()) == ["GET /v1/exports/c-1", "GET /v1/exports/e-1"]
