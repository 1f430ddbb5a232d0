"""End-to-end: finding, cancelling and acting on jobs (PRODUCT.md sections 1 and 8), the real
`jobwatch` process against a `jobwatch sim` of this module's own (the list endpoints show every
job a simulator has seen, so other modules' jobs must not show up here)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    PROCESS_TIMEOUT,
    SPEED,
    Result,
    Sim,
    clean_env,
    jobwatch_command,
    unique,
)

pytestmark = pytest.mark.e2e

KEYS = {
    f"JOBWATCH_{p}_API_KEY": "e2e-key-0123456789"
    for p in ("FIRECRAWL", "BRIGHTDATA", "ZILLIZ", "COZE")
}
DATASET = "gd_l1viktl72bvl7bjuj0"  # the simulator's Bright Data dataset


def start_sim(config: Path) -> tuple[Sim, subprocess.Popen[str]]:
    process = subprocess.Popen(
        jobwatch_command("sim", "--port", "0", "--speed", str(SPEED)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(str(config)),
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert first.startswith("listening on http://127.0.0.1:"), first
    return Sim(first.removeprefix("listening on "), process), process


@pytest.fixture(scope="module")
def own_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    sim, process = start_sim(tmp_path_factory.mktemp("config"))
    try:
        yield sim
    finally:
        stop_sim(process)


def stop_sim(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


def jw(sim: Sim, tmp_path: Path, *args: str, **env: str) -> Result:
    urls = {
        f"JOBWATCH_{p}_BASE_URL": sim.base_url
        for p in ("FIRECRAWL", "BRIGHTDATA", "ZILLIZ", "COZE")
    }
    done = subprocess.run(
        jobwatch_command(*args),
        capture_output=True,
        text=True,
        env=clean_env(str(tmp_path), **KEYS, **urls, **env),
        timeout=PROCESS_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_running_with_nothing_running(tmp_path: Path) -> None:
    sim, process = start_sim(tmp_path / "simconfig")
    try:
        result = jw(sim, tmp_path, "firecrawl", "--running", "--json")
        assert result.code == 0, result.stderr
        assert result.json() == {"jobs": [], "exit_code": 0}
        assert "jobwatch: no active crawls" in result.stderr
        result = jw(sim, tmp_path, "brightdata", "--running", "--dataset-id", DATASET, "--watch")
        assert (result.code, result.stdout) == (0, "")
        assert "jobwatch: no running snapshots" in result.stderr
    finally:
        stop_sim(process)


def test_running_follows_several_pages(own_sim: Sim, tmp_path: Path) -> None:
    """130 Coze documents still processing: two pages of the document list (100 a page)."""
    dataset = unique()
    docs = [f"74425858135{n:08d}-slow" for n in range(130)]
    first = jw(own_sim, tmp_path, "coze", dataset, *docs, "--json")
    assert first.code == 0, first.stderr
    result = jw(own_sim, tmp_path, "coze", dataset, "--running", "--json")
    assert result.code == 0, result.stderr
    assert sorted(job["id"] for job in result.json()["jobs"]) == sorted(docs)


@pytest.mark.parametrize(
    ("provider", "args", "ids"),
    [
        ("firecrawl", ("--crawl",), ("-slow", "")),
        ("brightdata", (), ("-slow", "-fail")),
        ("zilliz", ("--cluster-id", "in01-e2eacting"), ("-slow", "")),
        ("zilliz", (), ("-uncommitted", "")),  # Milvus: no cluster id
    ],
)
def test_running_lists_only_unfinished_jobs(
    own_sim: Sim, tmp_path: Path, provider: str, args: tuple[str, ...], ids: tuple[str, str]
) -> None:
    running, finished = unique(ids[0]), unique(ids[1])
    jw(own_sim, tmp_path, provider, running, finished, *args)
    time.sleep(1.0)  # the short story ends in 0.5 s at this speed
    listing = ("--dataset-id", DATASET) if provider == "brightdata" else args
    result = jw(own_sim, tmp_path, provider, "--running", *listing, "--json")
    assert result.code == 0, result.stderr
    found = {job["id"]: job["state"] for job in result.json()["jobs"]}
    assert running in found and finished not in found
    assert found[running] == "running"


def test_a_hook_writes_a_file_per_job_while_the_others_are_polled(
    own_sim: Sim, tmp_path: Path
) -> None:
    jobs = [unique(), unique("-fail"), unique()]
    out = tmp_path / "out"
    out.mkdir()
    hook = (
        f'printf "%s" "$JOBWATCH_JOB" > {out}/"$JOBWATCH_JOB_ID".json; '
        'echo "ended $JOBWATCH_JOB_ID $JOBWATCH_STATE"; [ "$JOBWATCH_STATE" = succeeded ] || exit 3'
    )
    result = jw(
        own_sim,
        tmp_path,
        "firecrawl",
        *jobs,
        "--watch",
        "-i",
        "0.1",
        "--progress",
        "plain",
        "--on-job-end",
        hook,
    )
    assert result.code == 1, result.stderr  # a failed job; the failing hook changes nothing
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{j}.json" for j in jobs)
    written = json.loads((out / f"{jobs[1]}.json").read_text())
    assert (written["id"], written["state"]) == (jobs[1], "failed")
    assert f"ended {jobs[0]} succeeded" in result.stderr
    assert f"jobwatch: hook for firecrawl {jobs[1]} exited 3" in result.stderr
    assert f"hook for firecrawl {jobs[0]}" not in result.stderr


def test_a_hook_still_running_at_the_deadline_is_stopped(own_sim: Sim, tmp_path: Path) -> None:
    done, slow = unique(), unique("-slow")
    started = time.monotonic()
    result = jw(
        own_sim,
        tmp_path,
        "firecrawl",
        done,
        slow,
        "--watch",
        "-i",
        "0.1",
        "-t",
        "3",
        "--progress",
        "plain",
        "--on-job-end",
        "sleep 60",
    )
    assert result.code == 124, result.stderr
    assert time.monotonic() - started < 20
    assert (
        f"jobwatch: hook for firecrawl {done} stopped: still running at the end of the run"
        in result.stderr
    )


def test_cancel_on_timeout_cancels_what_is_unfinished(own_sim: Sim, tmp_path: Path) -> None:
    slow, quick = unique("-slow"), unique()
    result = jw(
        own_sim,
        tmp_path,
        "firecrawl",
        slow,
        quick,
        "--crawl",
        "--watch",
        "-i",
        "0.1",
        "-t",
        "2",
        "--progress",
        "plain",
        "--cancel-on-timeout",
    )
    assert result.code == 124, result.stderr
    assert f"jobwatch: cancelled firecrawl {slow} (crawl)" in result.stderr
    assert f"cancel firecrawl crawl {quick}" not in result.stderr  # it had finished
    assert "; the --timeout 2s deadline passed after " in result.stderr
    assert result.stderr.endswith("jobwatch: the unfinished jobs were asked to stop\n")
    after = jw(own_sim, tmp_path, "firecrawl", slow, "--crawl", "--json")
    assert after.json()["jobs"][0]["state"] == "cancelled"


def test_cancel_on_interrupt_cancels_then_exits_143(own_sim: Sim, tmp_path: Path) -> None:
    job = unique("-slow")
    urls = {"JOBWATCH_BRIGHTDATA_BASE_URL": own_sim.base_url}
    process = subprocess.Popen(
        jobwatch_command(
            "brightdata",
            job,
            "--watch",
            "-i",
            "0.1",
            "--progress",
            "plain",
            "--cancel-on-interrupt",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=clean_env(str(tmp_path), **KEYS, **urls),
    )
    assert process.stderr is not None
    for line in process.stderr:
        if job in line and "watching" not in line:
            break
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=PROCESS_TIMEOUT)
    assert process.returncode == 143, rest
    assert f"jobwatch: cancelled brightdata {job}" in rest
    assert "terminated: the unfinished jobs were asked to stop" in rest
    after = jw(own_sim, tmp_path, "brightdata", job, "--json")
    assert after.json()["jobs"][0]["state"] == "cancelled"


@pytest.mark.parametrize(
    ("form", "kind"),
    [("firecrawl", "batch scrape"), ("firecrawl-crawl", "crawl")],
)
def test_cancel_firecrawl_running_finished_unknown(
    own_sim: Sim, tmp_path: Path, form: str, kind: str
) -> None:
    running, finished, gone = unique("-slow"), unique(), unique("-gone")
    crawl = ("--crawl",) if form == "firecrawl-crawl" else ()
    jw(own_sim, tmp_path, "firecrawl", running, finished, *crawl)
    time.sleep(1.0)
    result = jw(own_sim, tmp_path, "cancel", f"{form}:{running}", f"{form}:{finished}", "--json")
    assert result.code == 0, result.stderr
    assert [j["result"] for j in result.json()["jobs"]] == ["cancelled", "finished"]
    assert f"jobwatch: cancelled firecrawl {running} ({kind})" in result.stderr
    result = jw(own_sim, tmp_path, "cancel", f"{form}:{gone}")
    assert result.code == 3
    assert (
        f"jobwatch: error: cannot cancel firecrawl {gone} ({kind}): firecrawl: HTTP 404"
        in result.stderr
    )


def test_cancel_brightdata_and_milvus_from_a_jobs_file(own_sim: Sim, tmp_path: Path) -> None:
    snapshot, done, milvus, auto = (
        unique("-slow"),
        unique(),
        unique("-uncommitted"),
        unique("-slow"),
    )
    jw(own_sim, tmp_path, "brightdata", snapshot, done)
    jw(own_sim, tmp_path, "zilliz", milvus, auto)
    time.sleep(1.0)
    jobs = tmp_path / "jobs.toml"
    jobs.write_text(
        f'[[job]]\nprovider = "brightdata"\nid = "{snapshot}"\n\n'
        f'[[job]]\nprovider = "brightdata"\nid = "{done}"\n\n'
        f'[[job]]\nprovider = "zilliz"\nid = "{milvus}"\n'
    )
    result = jw(own_sim, tmp_path, "cancel", "--file", str(jobs))
    assert result.code == 0, result.stderr
    assert f"jobwatch: cancelled brightdata {snapshot}" in result.stderr
    assert f"jobwatch: brightdata {done} had already finished" in result.stderr
    assert f"jobwatch: cancelled zilliz {milvus} (milvus)" in result.stderr
    states = jw(own_sim, tmp_path, "watch", f"brightdata:{snapshot}", f"zilliz:{milvus}", "--json")
    assert [j["status"] for j in states.ndjson()[-1]["jobs"]] == ["canceled", "Failed"]
    result = jw(own_sim, tmp_path, "cancel", f"zilliz:{auto}")
    assert result.code == 3
    assert "Milvus aborts only imports created with" in result.stderr


@pytest.mark.parametrize("ref", ["coze:7441/7442", "zilliz:in01-abc/job-1"])
def test_cancel_where_there_is_no_cancel_exits_2(own_sim: Sim, tmp_path: Path, ref: str) -> None:
    result = jw(own_sim, tmp_path, "cancel", ref, f"firecrawl:{unique('-gone')}")
    assert result.code == 2, result.stderr
    assert "has no cancel" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("firecrawl",), "name at least one JOB_ID (or --running)"),
        (("firecrawl", "abc", "--running"), "give JOB_ID arguments or --running, not both"),
        (("cancel",), "name at least one job"),
    ],
)
def test_neither_or_both_ids_and_running_is_a_usage_error(
    own_sim: Sim, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = jw(own_sim, tmp_path, *args)
    assert result.code == 2
    assert f"jobwatch: error: {message}" in result.stderr


def test_notify_without_a_notifier_is_silent_and_keeps_the_exit_code(
    own_sim: Sim, tmp_path: Path
) -> None:
    """A watch of more than 10 s, PATH without any notifier: same exit code, same output."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    job = unique("-slow")
    runs = [
        subprocess.Popen(
            jobwatch_command(
                "firecrawl",
                job,
                "--watch",
                "-t",
                "10.5",
                "--progress",
                "plain",
                "--base-url",
                own_sim.base_url,
                *extra,
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=clean_env(str(tmp_path), PATH=str(empty), FIRECRAWL_API_KEY="fc-e2e0123456789abc"),
        )
        for extra in ((), ("--notify",))
    ]
    (plain_out, plain_err), (out, err) = (p.communicate(timeout=PROCESS_TIMEOUT) for p in runs)
    assert runs[0].returncode == runs[1].returncode == 124
    assert out == plain_out == ""
    assert "\a" not in err

    # The same last lines, but for the elapsed time: the two runs start a moment apart.
    def ending(text: str) -> list[str]:
        return [re.sub(r"\b\d+s\b", "Ns", line) for line in text.splitlines()[-2:]]

    assert ending(err) == ending(plain_err)
