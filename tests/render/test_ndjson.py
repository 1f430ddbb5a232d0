"""NDJSON events on stdout for --json --watch (jobwatch/render/jsonout.py)."""

from __future__ import annotations

import io
import json

from jobwatch.core.events import RetryEvent, StatusEvent, WarningEvent
from jobwatch.core.models import JobState
from jobwatch.render.jsonout import NdjsonReporter, print_document
from tests.contract import JOB_KEYS
from tests.render._support import FC_ID, coze, firecrawl, zilliz


def parse(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_status_retry_and_summary_events():
    out = io.StringIO()
    ndjson = NdjsonReporter(out)
    ndjson.start([firecrawl()])
    ndjson.on_event(StatusEvent(firecrawl(40)))
    ndjson.on_event(RetryEvent("firecrawl", FC_ID, 1, 0.73456, "firecrawl: HTTP 503: busy"))
    ndjson.on_event(WarningEvent("not for stdout"))
    ndjson.tick()
    done = firecrawl(100, 100, "completed", JobState.SUCCEEDED)
    ndjson.on_event(StatusEvent(done))
    ndjson.finish([done], 0, False)

    events = parse(out)
    assert [event["event"] for event in events] == ["status", "retry", "status", "summary"]
    status = events[0]
    assert set(status) == {"event", "job"}
    assert set(status["job"]) == JOB_KEYS
    assert status["job"] | {"checked_at": None} == {
        "provider": "firecrawl",
        "id": FC_ID,
        "state": "running",
        "status": "scraping",
        "progress": 0.4,
        "completed": 40,
        "total": 100,
        "unit": "pages",
        "eta_seconds": None,
        "message": None,
        "items": [],
        "checked_at": None,
        "extra": {},
    }
    assert status["job"]["checked_at"].endswith("Z")
    assert events[1] == {
        "event": "retry",
        "provider": "firecrawl",
        "job_id": FC_ID,
        "attempt": 1,
        "delay": 0.735,
        "reason": "firecrawl: HTTP 503: busy",
    }
    summary = events[-1]
    assert summary["exit_code"] == 0
    assert [job["state"] for job in summary["jobs"]] == ["succeeded"]
    assert "not for stdout" not in out.getvalue()


def test_each_line_is_one_compact_object():
    out = io.StringIO()
    ndjson = NdjsonReporter(out)
    job = firecrawl(message="ünïcode\nnewline")
    ndjson.on_event(StatusEvent(job))
    ndjson.finish([job], 124, False)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["job"]["message"] == "ünïcode\nnewline"
    assert json.loads(lines[1])["exit_code"] == 124


def test_coze_documents_carry_their_dataset_and_zilliz_its_files():
    out = io.StringIO()
    ndjson = NdjsonReporter(out)
    ndjson.on_event(StatusEvent(coze()))
    ndjson.on_event(StatusEvent(zilliz()))
    ndjson.finish([coze(), zilliz()], 1, False)
    coze_event, zilliz_event, summary = parse(out)
    assert coze_event["job"]["dataset_id"] == "7442585813587689999"
    assert coze_event["job"]["eta_seconds"] == 30.0
    assert "dataset_id" not in zilliz_event["job"]
    assert zilliz_event["job"]["items"] == [
        {
            "name": "a.parquet",
            "state": "running",
            "status": "Importing",
            "progress": 0.45,
            "message": None,
        },
        {
            "name": "b.parquet",
            "state": "failed",
            "status": "Failed",
            "progress": None,
            "message": "schema mismatch",
        },
    ]
    assert summary["event"] == "summary"
    assert [job["provider"] for job in summary["jobs"]] == ["coze", "zilliz"]
    assert summary["exit_code"] == 1


def test_the_watcher_error_code_is_not_printed():
    out = io.StringIO()
    job = firecrawl().replace(state=JobState.UNKNOWN, message="HTTP 401", error_exit_code=4)
    NdjsonReporter(out).finish([job], 4, False)
    (summary,) = parse(out)
    assert "error_exit_code" not in summary["jobs"][0]
    assert summary["jobs"][0]["state"] == "unknown"


def test_one_off_document():
    out = io.StringIO()
    print_document(out, [firecrawl(), coze()], 0)
    document = json.loads(out.getvalue())
    assert set(document) == {"jobs", "exit_code"}
    assert document["exit_code"] == 0
    assert [job["id"] for job in document["jobs"]] == [FC_ID, "7442585813587689472"]


def test_a_status_line_is_the_compact_json_of_its_job():
    # Status lines are serialized by pydantic in one step; they must read exactly as the
    # standard library would write the JOB object: same keys, order, numbers and characters.
    for job in (
        firecrawl(40).replace(message="Zürich — 处理中", progress=0.1 + 0.2),
        coze(),
        zilliz(),
    ):
        out = io.StringIO()
        NdjsonReporter(out).on_event(StatusEvent(job))
        document = {"event": "status", "job": job.to_json()}
        expected = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
        assert out.getvalue() == expected
