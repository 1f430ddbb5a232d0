"""End to end: the README's three `[providers.NAME]` tables, exactly as the README shows them,
run by the real `jobwatch` process against loopback servers that answer in each API's
documented shape (tests/fixtures/defined/): running → succeeded, a failure with its reason,
not found, a rejected key; one-off, --watch, `watch` beside a built-in provider, `auth set`, and
cancel where the API has one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apiserver import ApiServer, api_server
from tests.definedkit import (
    ASSEMBLYAI_KEY,
    BATCH,
    OPENAI_KEY,
    PREDICTION,
    REPLICATE_KEY,
    TRANSCRIPT,
    AssemblyAITranscripts,
    OpenAIBatches,
    Ran,
    ReplicatePredictions,
    jobwatch,
    readme_tables,
)
from tests.e2e.conftest import Sim, unique

pytestmark = pytest.mark.e2e

FAST = ("--interval", "0.05", "--progress", "plain")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding the README's tables as providers.toml."""
    (tmp_path / "providers.toml").write_text(readme_tables(), encoding="utf-8")
    return tmp_path


@pytest.fixture
def openai() -> Iterator[ApiServer]:
    with api_server(OpenAIBatches()) as server:
        yield server


@pytest.fixture
def replicate() -> Iterator[ApiServer]:
    with api_server(ReplicatePredictions()) as server:
        yield server


@pytest.fixture
def assemblyai() -> Iterator[ApiServer]:
    with api_server(AssemblyAITranscripts()) as server:
        yield server


def run(folder: Path, *args: str, at: dict[str, ApiServer], stdin: str = "", **env: str) -> Ran:
    """jobwatch with the README's tables; each named provider's base URL is its server."""
    urls = {f"JOBWATCH_{name.upper().replace('-', '_')}_BASE_URL": s.url for name, s in at.items()}
    args = ("--providers", "providers.toml", *args)
    return jobwatch(folder, *args, env={**urls, **env}, stdin=stdin)


# -- OpenAI batches --------------------------------------------------------------------------


def test_openai_batch_one_off_then_watched_to_success(folder: Path, openai: ApiServer) -> None:
    once = run(folder, "openai-batch", BATCH, "--json", at={"openai-batch": openai},
               OPENAI_API_KEY=OPENAI_KEY)  # fmt: skip
    assert once.code == 0, once.output
    (job,) = once.json()["jobs"]
    assert (job["provider"], job["id"], job["state"], job["status"]) == (
        "openai-batch", BATCH, "pending", "validating",
    )  # fmt: skip
    assert (job["completed"], job["total"], job["unit"], job["progress"]) == (
        0,
        0,
        "requests",
        None,
    )
    watched = run(folder, "openai-batch", BATCH, "--watch", "--json", *FAST,
                  at={"openai-batch": openai}, OPENAI_API_KEY=OPENAI_KEY)  # fmt: skip
    assert watched.code == 0, watched.output
    seen = [(e["job"]["status"], e["job"]["completed"], e["job"]["total"])
            for e in watched.events() if e["event"] == "status"]  # fmt: skip
    assert seen == [("in_progress", 23, 100), ("completed", 95, 100)]
    done = watched.summary()[BATCH]
    assert (done["state"], done["progress"]) == ("succeeded", 0.95)
    # Every request went to its own path, with the key the documented way, and nothing else.
    assert openai.targets() == [f"GET /v1/batches/{BATCH}"] * 3
    assert {seen.header("Authorization") for seen in openai.received} == {f"Bearer {OPENAI_KEY}"}
    assert {seen.header("Host") for seen in openai.received} == {openai.url.removeprefix("http://")}


def test_openai_batch_gates_judge_its_counts(folder: Path, openai: ApiServer) -> None:
    """95 of 100 requests succeeded: --min-success 0.99 fails the batch (exit 1)."""
    args = ("openai-batch", BATCH, "--watch", "--min-success", "0.99", *FAST)
    ran = run(folder, *args, at={"openai-batch": openai}, OPENAI_API_KEY=OPENAI_KEY)
    assert ran.code == 1, ran.output
    assert "95/100" in ran.stderr


def test_openai_batch_failure_shows_its_reason(folder: Path, openai: ApiServer) -> None:
    ran = run(folder, "openai-batch", "batch_failed", "--json", at={"openai-batch": openai},
              OPENAI_API_KEY=OPENAI_KEY)  # fmt: skip
    assert ran.code == 1, ran.output
    (job,) = ran.json()["jobs"]
    assert (job["state"], job["status"]) == ("failed", "failed")
    assert job["message"] == "This line is not parseable as valid JSON."
    plain = run(folder, "openai-batch", "batch_failed", at={"openai-batch": openai},
                OPENAI_API_KEY=OPENAI_KEY)  # fmt: skip
    assert plain.code == 1 and "This line is not parseable as valid JSON." in plain.output


def test_openai_batch_not_found_and_rejected_key(folder: Path, openai: ApiServer) -> None:
    missing = run(folder, "openai-batch", "batch_nosuch", "--json", at={"openai-batch": openai},
                  OPENAI_API_KEY=OPENAI_KEY)  # fmt: skip
    assert missing.code == 3, missing.output
    (job,) = missing.json()["jobs"]
    assert job["state"] == "unknown" and "HTTP 404" in job["message"]
    wrong = "sk-wrong0123456789abcdef0123456789wxyz"
    rejected = run(folder, "openai-batch", BATCH, at={"openai-batch": openai},
                   OPENAI_API_KEY=wrong)  # fmt: skip
    assert rejected.code == 4, rejected.output
    assert "HTTP 401: Incorrect API key provided" in rejected.stderr
    assert wrong not in rejected.output


def test_openai_batch_cancel(folder: Path, openai: ApiServer) -> None:
    """`jobwatch cancel` posts to the documented path; the batch stays `cancelling` (running)
    until it reads `cancelled`; a batch that already completed answers 409: already finished."""
    env = {"OPENAI_API_KEY": OPENAI_KEY}
    cancelled = run(folder, "cancel", "openai-batch:batch_long", "--json",
                    at={"openai-batch": openai}, **env)  # fmt: skip
    assert cancelled.code == 0, cancelled.output
    assert cancelled.json()["jobs"] == [
        {"provider": "openai-batch", "id": "batch_long", "result": "cancelled", "message": None}
    ]
    assert openai.targets() == ["POST /v1/batches/batch_long/cancel"]
    assert openai.received[0].body == b""
    watched = run(folder, "openai-batch", "batch_long", "--watch", "--json", *FAST,
                  at={"openai-batch": openai}, **env)  # fmt: skip
    assert watched.code == 1, watched.output
    states = [(e["job"]["state"], e["job"]["status"]) for e in watched.events()
              if e["event"] == "status"]  # fmt: skip
    assert states == [("running", "cancelling"), ("cancelled", "cancelled")]
    run(folder, "openai-batch", BATCH, "--watch", *FAST, at={"openai-batch": openai}, **env)
    finished = run(folder, "cancel", f"openai-batch:{BATCH}", at={"openai-batch": openai}, **env)
    assert finished.code == 0, finished.output
    assert f"openai-batch {BATCH} had already finished: nothing to cancel" in finished.stderr


def test_openai_batch_key_stored_with_auth_set(folder: Path, openai: ApiServer) -> None:
    stored = run(folder, "auth", "set", "openai-batch", at={}, stdin=OPENAI_KEY + "\n")
    assert stored.code == 0, stored.output
    config = (folder / "config" / "config.toml").read_text(encoding="utf-8")
    assert "[profiles.default.openai-batch]" in config and OPENAI_KEY in config
    listed = run(folder, "auth", "list", at={})
    assert listed.code == 0 and "openai-batch\tsk-…mnop" in listed.stdout
    ran = run(folder, "openai-batch", BATCH, at={"openai-batch": openai})
    assert ran.code == 0, ran.output
    assert openai.received[-1].header("Authorization") == f"Bearer {OPENAI_KEY}"
    missing = run(folder, "replicate", PREDICTION, at={})
    assert missing.code == 4
    assert (
        "no API key for replicate: run `jobwatch auth set replicate`, set "
        "$JOBWATCH_REPLICATE_API_KEY or $REPLICATE_API_TOKEN, or pass --api-key"
    ) in missing.stderr


# -- Replicate predictions -------------------------------------------------------------------


def test_replicate_watched_to_success(folder: Path, replicate: ApiServer) -> None:
    ran = run(folder, "replicate", PREDICTION, "--watch", "--json", *FAST,
              at={"replicate": replicate}, REPLICATE_API_TOKEN=REPLICATE_KEY)  # fmt: skip
    assert ran.code == 0, ran.output
    statuses = [e["job"]["status"] for e in ran.events() if e["event"] == "status"]
    assert statuses == ["starting", "processing", "succeeded"]
    job = ran.summary()[PREDICTION]
    assert (job["state"], job["completed"], job["progress"], job["message"]) == (
        "succeeded", None, None, None,
    )  # fmt: skip
    assert replicate.targets() == [f"GET /v1/predictions/{PREDICTION}"] * 3


def test_replicate_failed_and_aborted(folder: Path, replicate: ApiServer) -> None:
    ran = run(folder, "replicate", "failedpred", "abortedpred", "--json",
              at={"replicate": replicate}, REPLICATE_API_TOKEN=REPLICATE_KEY)  # fmt: skip
    assert ran.code == 1, ran.output
    failed, aborted = ran.json()["jobs"]
    assert (failed["state"], failed["message"]) == (
        "failed", "Prediction interrupted; please retry (code: PA)",
    )  # fmt: skip
    assert (aborted["state"], aborted["status"]) == ("cancelled", "aborted")


def test_replicate_problem_details_are_read_by_their_http_status(
    folder: Path, replicate: ApiServer
) -> None:
    """A 404 problem detail carries `"status": 404`: not a status word, just not found."""
    missing = run(folder, "replicate", "nosuchpred", "--json", at={"replicate": replicate},
                  REPLICATE_API_TOKEN=REPLICATE_KEY)  # fmt: skip
    assert missing.code == 3, missing.output
    (job,) = missing.json()["jobs"]
    assert job["state"] == "unknown"
    assert job["message"] == "replicate: HTTP 404: The requested resource could not be found."
    assert "status word" not in missing.stderr and "warning" not in missing.stderr
    rejected = run(folder, "replicate", PREDICTION, at={"replicate": replicate},
                   REPLICATE_API_TOKEN="r8_wrong")  # fmt: skip
    assert rejected.code == 4, rejected.output
    assert "HTTP 401: You did not pass a valid authentication token" in rejected.stderr


def test_replicate_cancel_and_cancel_on_timeout(folder: Path, replicate: ApiServer) -> None:
    env = {"REPLICATE_API_TOKEN": REPLICATE_KEY}
    ran = run(folder, "replicate", "longpred", "--watch", "--timeout", "2", "--cancel-on-timeout",
              *FAST, at={"replicate": replicate}, **env)  # fmt: skip
    assert ran.code == 124, ran.output
    assert "jobwatch: cancelled replicate longpred" in ran.stderr
    assert replicate.targets()[-1] == "POST /v1/predictions/longpred/cancel"
    again = run(folder, "replicate", "longpred", "--json", at={"replicate": replicate}, **env)
    assert again.code == 1 and again.json()["jobs"][0]["status"] == "canceled"
    cancelled = run(folder, "cancel", f"replicate:{PREDICTION}", at={"replicate": replicate}, **env)
    assert cancelled.code == 0, cancelled.output
    assert f"jobwatch: cancelled replicate {PREDICTION}" in cancelled.stderr


# -- AssemblyAI transcripts ------------------------------------------------------------------


def test_assemblyai_watched_with_the_bare_key(folder: Path, assemblyai: ApiServer) -> None:
    ran = run(folder, "assemblyai", TRANSCRIPT, "--watch", "--json", *FAST,
              at={"assemblyai": assemblyai}, ASSEMBLYAI_API_KEY=ASSEMBLYAI_KEY)  # fmt: skip
    assert ran.code == 0, ran.output
    statuses = [e["job"]["status"] for e in ran.events() if e["event"] == "status"]
    assert statuses == ["queued", "processing", "completed"]
    # The key alone, no scheme (the server answers 401 to `Bearer KEY`).
    assert {seen.header("Authorization") for seen in assemblyai.received} == {ASSEMBLYAI_KEY}
    assert assemblyai.targets() == [f"GET /v2/transcript/{TRANSCRIPT}"] * 3


def test_assemblyai_error_and_rejected_key(folder: Path, assemblyai: ApiServer) -> None:
    ran = run(folder, "assemblyai", "errored", "--json", at={"assemblyai": assemblyai},
              ASSEMBLYAI_API_KEY=ASSEMBLYAI_KEY)  # fmt: skip
    assert ran.code == 1, ran.output
    (job,) = ran.json()["jobs"]
    assert (job["state"], job["status"]) == ("failed", "error")
    assert job["message"].startswith("Download error, unable to download https://foo.bar.")
    rejected = run(folder, "assemblyai", TRANSCRIPT, at={"assemblyai": assemblyai},
                   ASSEMBLYAI_API_KEY="wrong-key-0123456789")  # fmt: skip
    assert rejected.code == 4, rejected.output
    assert "HTTP 401: Authentication error, API token missing/invalid" in rejected.stderr


def test_assemblyai_not_found_is_the_400_lookup_error_or_a_404(
    folder: Path, assemblyai: ApiServer
) -> None:
    """Not found: within --wait-for-start it is `not found yet` and polled again (so the run
    ends 124 here); any other 400 is an error at once (exit 3)."""
    args = ("--watch", "--json", "--timeout", "3", "--wait-for-start", "30", *FAST)
    env = {"ASSEMBLYAI_API_KEY": ASSEMBLYAI_KEY}
    for missing in ("lookup", "gone"):
        ran = run(folder, "assemblyai", missing, *args, at={"assemblyai": assemblyai}, **env)
        assert ran.code == 124, ran.output
        job = ran.summary()[missing]
        assert (job["state"], job["status"]) == ("pending", "not found yet")
    lookup = run(folder, "assemblyai", "lookup", at={"assemblyai": assemblyai}, **env)
    assert lookup.code == 3
    assert "HTTP 400: Transcript lookup error, transcript id not found" in lookup.stderr
    other = run(folder, "assemblyai", "malformed", *args, at={"assemblyai": assemblyai}, **env)
    assert other.code == 3, other.output
    job = other.summary()["malformed"]
    assert job["state"] == "unknown" and "format_text must be a Boolean" in job["message"]


def test_assemblyai_region_picks_the_eu_site(tmp_path: Path) -> None:
    """`--region eu` (or the profile's region) sends to the table's `eu` base URL."""
    with api_server(AssemblyAITranscripts()) as us, api_server(AssemblyAITranscripts()) as eu:
        tables = readme_tables().replace("https://api.assemblyai.com", us.url)
        tables = tables.replace("https://api.eu.assemblyai.com", eu.url)
        (tmp_path / "providers.toml").write_text(tables, encoding="utf-8")
        env = {"ASSEMBLYAI_API_KEY": ASSEMBLYAI_KEY}
        ran = run(tmp_path, "assemblyai", TRANSCRIPT, "--region", "eu", at={}, **env)
        assert ran.code == 0, ran.output
        assert (len(us.received), len(eu.received)) == (0, 1)
        stored = run(tmp_path, "auth", "set", "assemblyai", "--no-key", "--region", "eu", at={})
        assert stored.code == 0, stored.output
        run(tmp_path, "assemblyai", TRANSCRIPT, at={}, **env)
        assert (len(us.received), len(eu.received)) == (0, 2)
        run(tmp_path, "assemblyai", TRANSCRIPT, "--region", "us", at={}, **env)
        assert (len(us.received), len(eu.received)) == (1, 2)
        wrong = run(tmp_path, "assemblyai", TRANSCRIPT, "--region", "cn", at={}, **env)
        assert wrong.code == 2
        assert "unknown assemblyai region 'cn': use us or eu" in wrong.stderr


def test_assemblyai_has_no_cancel(folder: Path, assemblyai: ApiServer) -> None:
    ran = run(folder, "cancel", f"assemblyai:{TRANSCRIPT}", at={"assemblyai": assemblyai},
              ASSEMBLYAI_API_KEY=ASSEMBLYAI_KEY)  # fmt: skip
    assert ran.code == 2, ran.output
    assert "assemblyai has no cancel: its table (providers.toml) names no cancel endpoint" in (
        ran.stderr
    )
    assert assemblyai.received == []


# -- all together, beside a built-in provider ------------------------------------------------


def test_watch_mixes_defined_and_built_in_providers(
    folder: Path, openai: ApiServer, replicate: ApiServer, assemblyai: ApiServer, sim: Sim
) -> None:
    """One watch, one exit code: the three defined providers (by reference and from a jobs
    file) beside Firecrawl at the simulator."""
    crawl = unique()
    (folder / "jobs.toml").write_text(
        f'[[job]]\nprovider = "replicate"\nid = "{PREDICTION}"\n\n'
        f'[[job]]\nprovider = "firecrawl"\nid = "{crawl}"\ncrawl = true\n',
        encoding="utf-8",
    )
    ran = run(
        folder, "watch", f"openai-batch:{BATCH}", f"assemblyai:{TRANSCRIPT}", "--file", "jobs.toml",
        "--json", "--timeout", "60", *FAST,
        at={"openai-batch": openai, "replicate": replicate, "assemblyai": assemblyai},
        OPENAI_API_KEY=OPENAI_KEY, REPLICATE_API_TOKEN=REPLICATE_KEY,
        ASSEMBLYAI_API_KEY=ASSEMBLYAI_KEY, JOBWATCH_FIRECRAWL_BASE_URL=sim.base_url,
        FIRECRAWL_API_KEY="fc-any",
    )  # fmt: skip
    assert ran.code == 0, ran.output
    summary = ran.summary()
    assert [(job["provider"], job["state"]) for job in summary.values()] == [
        ("openai-batch", "succeeded"),
        ("assemblyai", "succeeded"),
        ("replicate", "succeeded"),
        ("firecrawl", "succeeded"),
    ]
    assert summary[crawl]["extra"]["kind"] == "crawl"


def test_hooks_and_github_outputs_for_a_defined_provider(folder: Path, openai: ApiServer) -> None:
    ended = folder / "ended.ndjson"
    outputs = folder / "github_output"
    ran = run(
        folder, "openai-batch", "batch_failed", "--watch", *FAST,
        "--on-job-end", f'printf "%s %s\\n" "$JOBWATCH_PROVIDER" "$JOBWATCH_STATE" >> {ended}',
        at={"openai-batch": openai}, OPENAI_API_KEY=OPENAI_KEY, GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(outputs),
    )  # fmt: skip
    assert ran.code == 1, ran.output
    assert ended.read_text(encoding="utf-8") == "openai-batch failed\n"
    assert outputs.read_text(encoding="utf-8").splitlines() == ["state=failed", "exit_code=1"]
    assert "::error title=jobwatch%3A openai-batch batch_failed failed::" in ran.stderr


def test_the_readme_tables_check_clean(folder: Path) -> None:
    ran = jobwatch(folder, "providers", "check", "providers.toml")
    assert ran.code == 0, ran.output
    assert [line for line in ran.stdout.splitlines() if not line.startswith(" ")] == [
        "providers.toml: [providers.openai-batch] ok: OpenAI batch jobs",
        "providers.toml: [providers.replicate] ok: Replicate predictions",
        "providers.toml: [providers.assemblyai] ok: AssemblyAI transcripts",
    ]
    assert "  key:       Authorization: KEY, from $JOBWATCH_ASSEMBLYAI_API_KEY" in ran.stdout
    assert json.dumps("Transcript lookup error, transcript id not found") in ran.stdout
