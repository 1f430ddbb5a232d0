"""A fifth provider is one module and one line: `acme`, defined in this test module alone and
registered as the real ones are, works end to end with no other edit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from jobwatch.cli import fastpath as fastargs
from jobwatch.cli.app import make_app
from jobwatch.core.models import JobState, JobStatus
from jobwatch.core.settings import ProviderSettings
from jobwatch.http import Client
from jobwatch.providers import PROVIDERS
from jobwatch.providers.base import JobStatusOrError, Provider, read_json_body
from jobwatch.providers.spec import ContextField, Endpoint, RefForm
from tests.cli_helpers import Fake, clean_environment, invoke, reply

ACME_KEY = "acme-0123456789abcdef0123456789ab77e1"


class AcmeBody(BaseModel):
    state: str
    done: int
    total: int


class Acme(Provider):
    """A made-up provider: `GET /v1/tenants/{tenant}/jobs/{id}`."""

    name = "acme"
    tenant: str  # its context field, set by the constructor
    summary = "Acme render jobs: GET /v1/tenants/{tenant}/jobs/{id}."
    examples = ("jobwatch acme r-1 --tenant blue",)
    context_fields = (ContextField("tenant", "The Acme tenant.", flag="--tenant", required=True),)
    ref_forms = (RefForm("acme", "acme:TENANT/JOB", "tenant"),)
    unit = "frames"
    base_urls = {"global": "https://api.acme.test"}
    endpoints = {"status": Endpoint("GET", "/v1/tenants/{tenant}/jobs/{job_id}")}
    key_env_vars = ("ACME_API_KEY",)
    default_interval = 1.0
    states = {"queued": JobState.PENDING, "rendering": JobState.RUNNING, "done": JobState.SUCCEEDED}

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        return self.request(client, "status", tenant=self.tenant, job_id=job_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        body = read_json_body(AcmeBody, response, provider=self.name, what="acme: bad body")
        return [
            JobStatus(
                provider=self.name,
                id=job_ids[0],
                state=self.map_state(body.state),
                status=body.state,
                completed=body.done,
                total=body.total,
                progress=body.done / body.total,
                unit=self.unit,
            )
        ]


@pytest.fixture(autouse=True)
def _acme(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setitem(PROVIDERS, "acme", Acme)  # the one line a real provider adds


def acme_answers(request: httpx.Request) -> httpx.Response:
    return reply(body={"state": "rendering", "done": 3, "total": 4})


def run(args: list[str], tmp_path: Path, fake: Fake | None = None, **kw: Any) -> Any:
    return invoke(args, tmp_path, fake=fake, secrets=(ACME_KEY,), cli=make_app(), **kw)


def test_its_command_and_option_are_in_help(tmp_path: Path) -> None:
    top = run(["--help"], tmp_path)
    assert "acme" in top.stdout and "Acme render jobs" in top.stdout
    own = run(["acme", "--help"], tmp_path)
    assert own.exit_code == 0
    assert "--tenant" in own.stdout and "The Acme tenant." in own.stdout
    assert "jobwatch acme r-1 --tenant blue" in own.stdout


def test_a_one_off_check(tmp_path: Path) -> None:
    fake = Fake(acme_answers)
    result = run(
        ["acme", "r-1", "--tenant", "blue", "--json", "--api-key", ACME_KEY], tmp_path, fake
    )
    assert result.exit_code == 0, result.output
    (job,) = result.json()["jobs"]
    assert (job["provider"], job["id"], job["state"], job["unit"]) == (
        "acme",
        "r-1",
        "running",
        "frames",
    )
    assert fake.urls == ["https://api.acme.test/v1/tenants/blue/jobs/r-1"]
    assert fake.auth == [f"Bearer {ACME_KEY}"]


def test_the_fast_path_reads_its_option() -> None:
    parsed = fastargs.parse(["acme", "r-1", "--tenant", "blue", "-w"])
    assert parsed is not None
    command, given = parsed
    assert command == "acme" and given["tenant"] == "blue" and given["words"] == ["r-1"]


def test_its_key_variable_is_read(tmp_path: Path) -> None:
    fake = Fake(acme_answers)
    result = run(
        ["acme", "r-1", "--tenant", "blue"], tmp_path, fake, env={"ACME_API_KEY": ACME_KEY}
    )
    assert result.exit_code == 0, result.output
    assert fake.auth == [f"Bearer {ACME_KEY}"]
    missing = run(["acme", "r-1", "--tenant", "blue"], tmp_path, Fake())
    assert missing.exit_code == 4
    assert "$ACME_API_KEY" in missing.stderr and "jobwatch auth set acme" in missing.stderr


def test_references_and_a_jobs_file_in_watch(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.toml"
    jobs.write_text('[[job]]\nprovider = "acme"\nid = "r-2"\ntenant = "red"\n', encoding="utf-8")

    def done(request: httpx.Request) -> httpx.Response:
        return reply(body={"state": "done", "done": 4, "total": 4})

    fake = Fake(done)
    args = ["watch", "acme:blue/r-1", "--file", str(jobs), "--json", "--api-key", ACME_KEY]
    result = run(args, tmp_path, fake)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert [(job["id"], job["state"]) for job in summary["jobs"]] == [
        ("r-1", "succeeded"),
        ("r-2", "succeeded"),
    ]
    assert sorted(fake.urls) == [
        "https://api.acme.test/v1/tenants/blue/jobs/r-1",
        "https://api.acme.test/v1/tenants/red/jobs/r-2",
    ]
    bad = run(["watch", "acme:r-1"], tmp_path)
    assert bad.exit_code == 2 and "acme:TENANT/JOB" in bad.stderr


def test_auth_set_stores_its_key(tmp_path: Path) -> None:
    stored = run(["auth", "set", "acme"], tmp_path, input=ACME_KEY + "\n")
    assert stored.exit_code == 0, stored.output
    assert 'api_key = "' + ACME_KEY + '"' in (tmp_path / "config.toml").read_text(encoding="utf-8")
    refused = run(["auth", "set", "acme", "--region", "cn", "--no-key"], tmp_path)
    assert refused.exit_code == 2 and "acme has no regions" in refused.stderr


def test_its_context_field_becomes_an_attribute() -> None:
    settings = ProviderSettings(ACME_KEY, "--api-key", None, None, None, "default")
    assert Acme(settings, tenant="blue").tenant == "blue"
    with pytest.raises(TypeError, match="acme needs tenant"):
        Acme(settings)
    with pytest.raises(TypeError, match="acme takes no cluster_id"):
        Acme(settings, tenant="blue", cluster_id="in01-x")
