"""A fifth provider is one folder and one line: `acme`, defined in this test module alone (its
two kinds of job, and its simulator stand-in: the functions at the end) and registered as the
real ones are, works end to end with no other edit."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobwatch.cli import fastpath
from jobwatch.cli.app import make_app
from jobwatch.core.models import JobState
from jobwatch.core.settings import ProviderSettings
from jobwatch.http.client import Client
from jobwatch.providers import PROVIDERS
from jobwatch.providers.base import JobStatusOrError, Provider, ProviderEntry
from jobwatch.providers.reading import read_object
from jobwatch.providers.spec import ContextField, Endpoint, RefForm
from jobwatch.sim import start_sim
from jobwatch.sim.jobs import SimJobs
from jobwatch.sim.replies import Reply, SimRequest, json_reply
from tests.cli_helpers import Fake, clean_environment, invoke, reply
from tests.definedkit import ACME_EXPORTS

ACME_KEY = "acme-0123456789abcdef0123456789ab77e1"


class Acme(Provider):
    """What both Acme kinds share."""

    name = "acme"
    base_urls = {"global": "https://api.acme.test"}
    key_env_vars = ("ACME_API_KEY",)
    default_interval = 1.0
    stand_in = __name__  # this module's `render_status` and `export_status`
    states = {"queued": JobState.PENDING, "rendering": JobState.RUNNING, "done": JobState.SUCCEEDED}

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        body = read_object(response, provider=self.name, what="acme: body")
        state, done, total = (
            body.required_text("state"),
            body.integer("done"),
            body.integer("total"),
        )
        return [
            self.job(
                job_ids[0],
                state=self.map_state(state),
                status=state,
                completed=done,
                total=total,
                progress=done / total if done is not None and total else None,
                unit=self.unit,
            )
        ]


class Render(Acme):
    """A made-up kind: `GET /v1/tenants/{tenant}/jobs/{id}`."""

    kind = "render"
    kind_help = "render jobs: GET /v1/tenants/{tenant}/jobs/{id}"
    tenant: str  # its context field, set by the constructor
    examples = ("jobwatch acme r-1 --tenant blue",)
    context_fields = (ContextField("tenant", "The Acme tenant.", flag="--tenant", required=True),)
    ref_forms = (RefForm("acme", "acme:TENANT/JOB", "tenant"),)
    unit = "frames"
    endpoints = {"status": Endpoint("GET", "/v1/tenants/{tenant}/jobs/{job_id}")}

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        return self.request(client, "status", tenant=self.tenant, job_id=job_id)


class Export(Acme):
    """A second made-up kind: `GET /v1/exports/{id}`."""

    kind = "export"
    kind_help = "exports: GET /v1/exports/{id}"
    ref_forms = (RefForm("acme-export", "acme-export:JOB"),)
    extra_kind = "export"
    unit = "rows"
    endpoints = {"status": Endpoint("GET", "/v1/exports/{job_id}")}

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        return self.request(client, "status", job_id=job_id)


ACME = ProviderEntry("acme", "Acme render jobs and exports.", kinds=(Render, Export))


# -- the simulator's stand-in: a function per endpoint, `KIND_WHAT` ------------------------------


def _progress(book: SimJobs, job_id: str) -> Reply:
    snapshot = book.visit("acme", job_id).snapshot
    words = {"pending": "queued", "running": "rendering", "succeeded": "done"}
    word = words.get(snapshot.phase.value, "rendering")
    return json_reply({"state": word, "done": round(snapshot.fraction * 4), "total": 4})


def render_status(request: SimRequest, book: SimJobs, tenant: str, job_id: str) -> Reply:
    return _progress(book, f"{tenant}/{job_id}")


def export_status(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    return _progress(book, job_id)


@pytest.fixture(autouse=True)
def _acme(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setitem(PROVIDERS, "acme", ACME)  # the one line a real provider adds


def acme_answers(request: httpx.Request) -> httpx.Response:
    return reply(body={"state": "rendering", "done": 3, "total": 4})


def run(args: list[str], tmp_path: Path, fake: Fake | None = None, **kw: Any) -> Any:
    return invoke(args, tmp_path, fake=fake, secrets=(ACME_KEY,), cli=make_app(), **kw)


def test_its_command_kinds_and_option_are_in_help(tmp_path: Path) -> None:
    top = run(["--help"], tmp_path)
    assert "acme" in top.stdout and "Acme render jobs" in top.stdout
    own = run(["acme", "--help"], tmp_path)
    assert own.exit_code == 0
    assert "--tenant" in own.stdout and "The Acme tenant." in own.stdout
    assert "--kind render|export" in own.stdout and "exports: GET /v1/exports/{id}" in own.stdout
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


def test_its_second_kind_by_option_and_by_reference(tmp_path: Path) -> None:
    fake = Fake(acme_answers)
    result = run(
        ["acme", "e-1", "--kind", "export", "--json", "--api-key", ACME_KEY], tmp_path, fake
    )
    assert result.exit_code == 0, result.output
    (job,) = result.json()["jobs"]
    assert (job["id"], job["unit"], job["extra"]) == ("e-1", "rows", {"kind": "export"})
    watched = run(["watch", "acme-export:e-2", "acme:blue/r-3", "--json", "--api-key", ACME_KEY,
                   "-t", "5"], tmp_path, Fake(lambda r: reply(body={"state": "done", "done": 4,
                                                                     "total": 4})))  # fmt: skip
    assert watched.exit_code == 0, watched.output
    assert fake.urls == ["https://api.acme.test/v1/exports/e-1"]
    wrong = run(["acme", "e-1", "--kind", "export", "--tenant", "blue"], tmp_path)
    assert wrong.exit_code == 2 and "--tenant is not for acme --kind export" in wrong.stderr
    unknown = run(["acme", "e-1", "--kind", "photo"], tmp_path)
    assert (
        unknown.exit_code == 2 and "acme has no kind 'photo': use render, export" in unknown.stderr
    )


def test_the_fast_path_reads_its_options() -> None:
    parsed = fastpath.parse(["acme", "r-1", "--tenant", "blue", "-w", "--kind", "render"])
    assert parsed is not None
    command, given = parsed
    assert command == "acme" and given["tenant"] == "blue" and given["words"] == ["r-1"]
    assert given["kind"] == "render"


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
    jobs.write_text(
        '[[job]]\nprovider = "acme"\nid = "r-2"\ntenant = "red"\n\n'
        '[[job]]\nprovider = "acme"\nkind = "export"\nid = "e-9"\n',
        encoding="utf-8",
    )

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
        ("e-9", "succeeded"),
    ]
    assert sorted(fake.urls) == [
        "https://api.acme.test/v1/exports/e-9",
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
    settings = ProviderSettings(ACME_KEY, "--api-key", None, None, "default")
    assert Render(settings, tenant="blue").tenant == "blue"
    with pytest.raises(TypeError, match="acme needs tenant"):
        Render(settings)
    with pytest.raises(TypeError, match="acme takes no cluster_id"):
        Render(settings, tenant="blue", cluster_id="in01-x")


@pytest.fixture
def sim() -> Iterator[str]:
    with start_sim(port=0, speed=20) as server:  # started after acme was registered
        yield server.base_url


def test_its_stand_in_serves_both_kinds_in_the_simulator(sim: str, tmp_path: Path) -> None:
    """End to end: the real CLI, watching both kinds to success on the simulator's sockets."""
    with httpx.Client(base_url=sim) as http:

        def forward(request: httpx.Request) -> httpx.Response:
            answer = http.request(request.method, request.url.path, headers=request.headers)
            return httpx.Response(answer.status_code, content=answer.content,
                                  headers={"Content-Type": "application/json"})  # fmt: skip

        fake = Fake(forward)
        args = ["watch", "acme:blue/r-1", "acme-export:e-1", "--json", "-i", "0.05",
                "--api-key", ACME_KEY, "--base-url", sim, "-t", "30"]  # fmt: skip
        result = run(args, tmp_path, fake)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert [(job["id"], job["status"], job["completed"]) for job in summary["jobs"]] == [
        ("r-1", "done", 4),
        ("e-1", "done", 4),
    ]
    assert {"/v1/tenants/blue/jobs/r-1", "/v1/exports/e-1"} <= {
        httpx.URL(url).path for url in fake.urls
    }


# -- the same kind as a table (README: Your own provider): tests.definedkit.ACME_EXPORTS -------

EXPORT_STORY = [
    {"state": "queued", "done": 0, "total": 4},
    {"state": "rendering", "done": 3, "total": 4},
    {"state": "done", "done": 4, "total": 4},
]


def _watched(args: list[str], tmp_path: Path) -> tuple[list[httpx.Request], list[dict[str, Any]]]:
    fake = Fake([reply(body=body) for body in EXPORT_STORY])
    result = run([*args, "--watch", "--json", "-i", "0.01"], tmp_path, fake,
                 env={"ACME_API_KEY": ACME_KEY})  # fmt: skip
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    jobs = [event["job"] for event in events if event["event"] == "status"]
    jobs.append(events[-1]["jobs"][0])
    for job in jobs:
        del job["checked_at"]
    return fake.requests, jobs


def test_its_export_kind_as_a_table_sends_the_same_requests_and_gives_the_same_jobs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The class `Export` and the table above: the same requests, byte for byte, and the same
    JOBs. One difference is by design: the class form's JOBs carry `extra.kind = "export"`,
    which tells its kinds apart; a table defines a provider of one kind, with nothing to tell."""
    from jobwatch.providers.defined import define_all, names_in_use

    built_requests, built_jobs = _watched(["acme", "e-1", "--kind", "export"], tmp_path)
    others = {name: entry for name, entry in PROVIDERS.items() if name != "acme"}
    (entry,) = define_all(
        tomllib.loads(ACME_EXPORTS)["providers"], where="acme.toml", taken=names_in_use(others)
    )
    monkeypatch.setitem(PROVIDERS, "acme", entry)
    table_requests, table_jobs = _watched(["acme", "e-1"], tmp_path)

    def sent(request: httpx.Request) -> tuple[str, str, list[tuple[str, str]], bytes]:
        return request.method, str(request.url), request.headers.multi_items(), request.content

    assert [sent(r) for r in table_requests] == [sent(r) for r in built_requests]
    assert [sent(r)[:2] for r in table_requests] == [
        ("GET", "https://api.acme.test/v1/exports/e-1")
    ] * 3
    assert [job.pop("extra") for job in built_jobs] == [{"kind": "export"}] * 4
    assert [job.pop("extra") for job in table_jobs] == [{}] * 4
    assert table_jobs == built_jobs
    assert [
        (job["state"], job["completed"], job["progress"], job["unit"]) for job in table_jobs
    ] == [
        ("pending", 0, 0.0, "rows"),
        ("running", 3, 0.75, "rows"),
        ("succeeded", 4, 1.0, "rows"),
        ("succeeded", 4, 1.0, "rows"),
    ]
    # The table's provider is the same command: help, its key variable, its reference.
    own = run(["acme", "--help"], tmp_path)
    assert "Acme exports: GET /v1/exports/{id}" in own.stdout and "[default: 1.0]" in own.stdout
    refs = run(["watch", "acme:e-2", "--json", "--api-key", ACME_KEY], tmp_path,
               Fake([reply(body=EXPORT_STORY[-1])]))  # fmt: skip
    assert refs.exit_code == 0, refs.output
