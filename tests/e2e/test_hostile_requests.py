"""Issue 10, end to end, what jobwatch sends: keys and job ids as the real process puts them
on the wire (or refuses them before anything is sent), on both HTTP paths (direct: the h11
pool; proxy: httpx's own transport through a loopback forward proxy), and bad input that
must end in one clear line (classes 1, 2 and 9)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.e2e.hostilekit import (
    COMPLETED,
    KEY,
    assert_clean,
    jobwatch,
    nothing_sent,
    path_env,
)
from tests.hostile import HostileServer, headers_of, request_line, serving
from tests.httpkit import PATHS, Via

pytestmark = pytest.mark.e2e


@pytest.fixture(params=PATHS)
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    with Via(request.param) as path:
        yield path


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


# 1. Keys


def test_a_key_with_a_trailing_newline_is_sent_stripped(tmp_path: Path, via: Via) -> None:
    with HostileServer(serving(COMPLETED)) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", "job-1", "--base-url", server.url, "--json",
            env=path_env(via, FIRECRAWL_API_KEY=KEY + "\n"),
        )  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert ran.json()["jobs"][0]["state"] == "succeeded"
    (raw,) = server.requests
    assert headers_of(raw)["authorization"] == f"Bearer {KEY}"
    assert f"\r\nAuthorization: Bearer {KEY}\r\n".encode() in raw  # no extra header line
    if via.proxy is not None:
        assert len(via.proxy.targets) == 1
    assert_clean(ran)


@pytest.mark.parametrize("cut", [10, 30])
def test_a_key_with_an_inner_newline_exits_4_before_anything_is_sent(
    tmp_path: Path, via: Via, cut: int
) -> None:
    key = KEY[:cut] + "\n" + KEY[cut:]
    with HostileServer(serving(COMPLETED)) as server:
        ran = jobwatch(
            tmp_path, "watch", "firecrawl:job-1", "--base-url", server.url, "--interval", "0.1",
            env=path_env(via, FIRECRAWL_API_KEY=key),
        )  # fmt: skip
    assert ran.code == 4, ran.stderr
    assert nothing_sent(server, via)
    for part in (KEY[:cut], KEY[cut:]):
        assert part not in ran.output  # neither half of the key, let alone the whole
    assert "FIRECRAWL_API_KEY" in ran.stderr
    assert_clean(ran)


# 2. Job ids


@pytest.mark.parametrize(
    "job", ["../../../v1/team/credit-usage", "abc#frag", "a?x=1", "a/b", "%2e%2e", "ü é"]
)
def test_a_job_id_is_one_encoded_path_segment(tmp_path: Path, via: Via, job: str) -> None:
    with HostileServer(serving(COMPLETED)) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", job, "--base-url", server.url, "--json",
            env=path_env(via, FIRECRAWL_API_KEY=KEY),
        )  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert ran.json()["jobs"][0]["id"] == job
    (raw,) = server.requests
    segment = quote(job, safe="")
    assert "/" not in segment
    assert request_line(raw) == f"GET /v2/batch/scrape/{segment}?limit=1 HTTP/1.1".encode()
    if via.proxy is not None:
        (line,) = via.proxy.targets
        assert line == f"GET {server.url}/v2/batch/scrape/{segment}?limit=1 HTTP/1.1".encode()
    assert_clean(ran)


@pytest.mark.parametrize("job", ["..", ".", ""])
def test_a_dot_or_empty_job_id_exits_2_with_nothing_sent(
    tmp_path: Path, via: Via, job: str
) -> None:
    with HostileServer(serving(COMPLETED)) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", job, "--base-url", server.url, "--json",
            env=path_env(via, FIRECRAWL_API_KEY=KEY),
        )  # fmt: skip
        refs = jobwatch(
            tmp_path, "watch", f"firecrawl:{job}", "--base-url", server.url,
            env=path_env(via, FIRECRAWL_API_KEY=KEY),
        )  # fmt: skip
    for each in (ran, refs):
        assert each.code == 2, each.stderr
        assert each.stdout == ""
        assert "job id" in one_line(ran.stderr).lower()
        assert_clean(each)
    assert f"job reference 'firecrawl:{job}'" in one_line(refs.stderr)
    assert nothing_sent(server, via)


# 9. Bad input: one clear line, never "internal error"


@pytest.mark.parametrize("job", ["abc\ndef", "abc\x1b[2Jdef", "abc\x7fdef", "abc\x9bdef"])
def test_a_control_character_in_a_job_id_exits_2(tmp_path: Path, via: Via, job: str) -> None:
    with HostileServer(serving(COMPLETED)) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", job, "--base-url", server.url,
            env=path_env(via, FIRECRAWL_API_KEY=KEY),
        )  # fmt: skip
    assert ran.code == 2, ran.stderr
    assert "\x1b" not in ran.stderr and "\x9b" not in ran.stderr
    assert "job id" in one_line(ran.stderr).lower()
    assert nothing_sent(server, via)
    assert_clean(ran)


@pytest.mark.parametrize("key", [KEY[:-4] + "é9f3e", KEY[:20] + "\u200b" + KEY[20:]])
def test_a_non_ascii_key_exits_4_with_nothing_sent(tmp_path: Path, via: Via, key: str) -> None:
    with HostileServer(serving(COMPLETED)) as server:
        ran = jobwatch(
            tmp_path, "firecrawl", "job-1", "--base-url", server.url,
            env=path_env(via, FIRECRAWL_API_KEY=key),
        )  # fmt: skip
    assert ran.code == 4, ran.stderr
    line = one_line(ran.stderr)
    assert "FIRECRAWL_API_KEY" in line
    assert key not in line and key[:20] not in line
    assert nothing_sent(server, via)
    assert_clean(ran)


def test_watch_file_dev_zero_exits_2(tmp_path: Path) -> None:
    ran = jobwatch(tmp_path, "watch", "--file", "/dev/zero", within=20)
    assert ran.code == 2, ran.stderr
    assert "/dev/zero" in one_line(ran.stderr)
    assert ran.peak_mib < 150
    assert_clean(ran)


def test_auth_set_into_an_unwritable_config_folder_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file\n", encoding="utf-8")
    folder = blocker / "jobwatch"
    ran = jobwatch(
        tmp_path, "auth", "set", "firecrawl",
        env={"JOBWATCH_CONFIG_DIR": str(folder)}, stdin=KEY.encode() + b"\n",
    )  # fmt: skip
    assert ran.code == 2, ran.stderr
    line = one_line(ran.stderr)
    assert "cannot write config file" in line and str(folder) in line
    assert_clean(ran)
