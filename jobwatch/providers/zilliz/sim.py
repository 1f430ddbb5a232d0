"""Zilliz Cloud `getProgress` and self-hosted Milvus `describe` / `get_progress` imports, and
Zilliz Cloud control-plane jobs (`GET /v2/jobs/{id}`, at the end).

Both import APIs answer HTTP 200 with `{"code", "message"}` on errors
(docs/providers/zilliz.md#errors). Every job imports three files that progress at different
rates; the job's progress is their size-weighted mean.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

from jobwatch.providers.spec import Endpoint
from jobwatch.sim.faults import FaultBodies, visit_job
from jobwatch.sim.jobs import SimJobs, Snapshot, Visit
from jobwatch.sim.replies import (
    JsonObject,
    Reply,
    SimRequest,
    iso_seconds,
    json_reply,
    parse_json_object,
)
from jobwatch.sim.stories import Phase, phase_words

COLLECTION = "sim_collection"
FAILURE = "failed to parse file: row 1842: the field 'vector' dimension mismatch, expect 768"
ABORTED = "import job aborted by user"  # the server's constant text was not seen [U]
PARTIAL_SHARE = 0.6  # a Milvus -partial job imports 60 % of its last file's rows
ROW_BYTES = 128

# (file name, speed relative to the job): the last file finishes exactly when the job does.
_FILES = (("part-0.parquet", 1.6), ("part-1.parquet", 1.25), ("part-2.parquet", 1.0))
# The fields of Milvus's describe answer in the server's order
# (docs/providers/zilliz.md#milvus-status).
_DESCRIBE_ORDER = (
    "jobId",
    "collectionName",
    "completeTime",
    "state",
    "progress",
    "importedRows",
    "totalRows",
    "reason",
    "fileSize",
    "details",
)


@dataclass(frozen=True)
class _FileState:
    name: str
    size: int
    rows: int
    fraction: float  # 0..1
    completed_at: str  # "" until the file is done
    done: bool
    failed: bool
    share: float = 1.0  # of the file's rows that get imported

    @property
    def imported_rows(self) -> int:
        return int(self.rows * self.fraction * self.share)


def _files(job_id: str, snapshot: Snapshot, partial: bool = False) -> list[_FileState]:
    states = []
    for index, (name, rate) in enumerate(_FILES):
        size = 1_000_000 + zlib.crc32(f"{job_id}/{index}".encode()) % 4_000_000
        if snapshot.phase is Phase.SUCCEEDED or snapshot.phase is Phase.PAUSED:
            fraction = 1.0
        else:
            fraction = min(1.0, snapshot.fraction * rate)
        done = fraction >= 1.0
        completed_at = (
            iso_seconds(snapshot.wall_time_at(snapshot.timeline.time_at_fraction(1 / rate)))
            if done
            else ""
        )
        failed = snapshot.phase in (Phase.FAILED, Phase.CANCELLED) and not done
        share = PARTIAL_SHARE if partial and index == len(_FILES) - 1 else 1.0
        states.append(
            _FileState(name, size, size // ROW_BYTES, fraction, completed_at, done, failed, share)
        )
    return states


def _mean_percent(files: list[_FileState]) -> float:
    total = sum(f.size for f in files)
    return 100 * sum(f.size * f.fraction for f in files) / total


def _file_word(phase: Phase, file: _FileState, importing: str) -> str:
    """A file's state: Pending, Failed, Completed, or the API's word for one being imported."""
    if phase is Phase.PENDING:
        return "Pending"
    if file.failed:
        return "Failed"
    return "Completed" if file.done else importing


def _error(code: int, message: str) -> Reply:
    return json_reply({"code": code, "message": message})


def _job_id_error(body: JsonObject | None, request_type: str) -> Reply | None:
    """The Milvus/Zilliz binding error for a bad body or `jobId`, or None when it is fine."""
    if body is None:
        return _error(1801, "can only accept json format request, error: invalid JSON body")
    job_id = body.get("jobId")
    if job_id is not None and not isinstance(job_id, str):
        kind = "number" if isinstance(job_id, int | float) else type(job_id).__name__
        return _error(
            1801,
            "can only accept json format request, error: json: cannot unmarshal "
            f"{kind} into Go struct field {request_type}.jobId of type string",
        )
    if not job_id:
        return _error(
            1802,
            f"missing required parameters, error: Key: '{request_type}.JobID' "
            "Error:Field validation for 'JobID' failed on the 'required' tag",
        )
    return None


FAULTS = FaultBodies(
    rate_limited=lambda: json_reply(
        {"code": 1807, "message": "request is rejected by limiter, rate limit exceeded"}, 429
    ),
    server_error=lambda: json_reply({"code": 5, "message": "service internal error"}, 500),
)


def not_found(job_id: str) -> Reply:
    return _error(2100, f"importing data failed: import job does not exist, jobID={job_id}")


def status(request: SimRequest, book: SimJobs) -> Reply:
    """Zilliz Cloud `POST /v2/vectordb/jobs/import/getProgress`."""
    if not request.authorized():
        return _error(21119, "The apikey is illegal.")
    body = parse_json_object(request.body)
    problem = _job_id_error(body, "GetImportProgressReq")
    if problem is not None or body is None:
        return problem or _error(1801, "can only accept json format request")
    # pymilvus sends projectId + regionId instead of clusterId for project databases.
    has_project = bool(body.get("projectId")) and bool(body.get("regionId"))
    cluster_id = body.get("clusterId")
    if cluster_id is not None and not isinstance(cluster_id, str):
        return _error(
            1801,
            "can only accept json format request, error: json: cannot unmarshal number "
            "into Go struct field GetImportProgressReq.clusterId of type string",
        )
    if not cluster_id and not has_project:
        return _error(1802, "missing required parameters, error: clusterId is required")
    scope = cluster_id or f"{body.get('projectId')}/{body.get('regionId')}"
    return _progress(book, "zilliz", str(body["jobId"]), scope, _zilliz_data)


def _progress(
    book: SimJobs, api: str, job_id: str, scope: str, data: Callable[[str, Visit], JsonObject]
) -> Reply:
    """One progress answer, Zilliz's or Milvus's shape: a fault, not found, or the job."""
    visit = visit_job(book, api, job_id, FAULTS, not_found(job_id), scope)
    if isinstance(visit, Reply):
        return visit
    return json_reply({"code": 0, "data": data(job_id, visit)})


def _zilliz_data(job_id: str, visit: Visit) -> JsonObject:
    snapshot = visit.snapshot
    files = _files(job_id, snapshot)
    phase = snapshot.phase
    state, progress = {
        Phase.PENDING: ("Pending", 0),
        Phase.RUNNING: ("Importing", min(int(_mean_percent(files)), 99)),
        Phase.SUCCEEDED: ("Completed", 100),
        Phase.FAILED: ("Failed", int(_mean_percent(files))),
        Phase.PAUSED: ("Importing", 99),
        Phase.CANCELLED: ("Failed", int(_mean_percent(files))),  # Zilliz has no cancel
    }[phase]
    details = [
        {
            "fileName": f"imports/{job_id}/{f.name}",
            "fileSize": f.size,
            "state": _file_word(phase, f, "Importing"),
            "progress": int(100 * f.fraction),
            "completeTime": f.completed_at,
            "reason": FAILURE if f.failed else "",
            "importedRows": f.imported_rows,
        }
        for f in files
    ]
    return {
        "jobId": job_id,
        "collectionName": COLLECTION,
        "fileName": f"imports/{job_id}/",
        "fileSize": sum(f.size for f in files),
        "state": state,
        "progress": progress,
        "completeTime": iso_seconds(snapshot.finished_at) if snapshot.finished_at else "",
        "reason": FAILURE if phase in (Phase.FAILED, Phase.CANCELLED) else "",
        "totalRows": sum(f.imported_rows for f in files),
        "details": details,
    }


def milvus_status(request: SimRequest, book: SimJobs) -> Reply:
    """Milvus `POST /v2/vectordb/jobs/import/describe` and `.../get_progress` (one handler)."""
    if not request.authorized():
        return _error(1800, "user hasn't authenticated")
    body = parse_json_object(request.body)
    if not request.body.strip():
        return _error(
            1801,
            "can only accept json format request, the request body should be nil, "
            "however {} is valid",
        )
    problem = _job_id_error(body, "JobIDReq")
    if problem is not None or body is None:
        return problem or _error(1801, "can only accept json format request")
    return _progress(book, "milvus", str(body["jobId"]), "", _milvus_data)


def _milvus_state(phase: Phase, files_percent: float) -> tuple[str, int]:
    """Milvus job state and progress: Pending 0-10, Importing 10-99, Completed 100; a failed
    (or aborted) job is reset to progress 0; Uncommitted waits at 99 for /commit
    (docs/providers/zilliz.md#two-phase-import)."""
    return {
        Phase.PENDING: ("Pending", 0),
        Phase.RUNNING: ("Importing", 10 + int(files_percent * 0.89)),
        Phase.SUCCEEDED: ("Completed", 100),
        Phase.FAILED: ("Failed", 0),
        Phase.PAUSED: ("Uncommitted", 99),
        Phase.CANCELLED: ("Failed", 0),
    }[phase]


def _milvus_reason(phase: Phase) -> str:
    return {Phase.FAILED: FAILURE, Phase.CANCELLED: ABORTED}.get(phase, "")


def milvus_job(job_id: str, visit: Visit) -> JsonObject:
    """A Milvus job as its list writes it: id, collection, state, progress, and the reason
    when there is one; describe adds rows, times and files."""
    phase = visit.snapshot.phase
    files = _files(job_id, visit.snapshot, visit.story.partial)
    state, progress = _milvus_state(phase, _mean_percent(files))
    job: JsonObject = {
        "jobId": job_id,
        "collectionName": COLLECTION,
        "state": state,
        "progress": progress,
    }
    if _milvus_reason(phase):
        job["reason"] = _milvus_reason(phase)
    return job


def _milvus_data(job_id: str, visit: Visit) -> JsonObject:
    snapshot = visit.snapshot
    files = _files(job_id, snapshot, visit.story.partial)
    phase = snapshot.phase
    data = milvus_job(job_id, visit)
    failed = data["state"] == "Failed"  # and 0 rows
    details = []
    for f in files:
        detail: JsonObject = {
            "fileName": f"[{f.name}]",  # a stringified Go []string, as Milvus sends it
            "fileSize": f.size,
            "progress": int(100 * f.fraction),
            "completeTime": f.completed_at,
            "state": _file_word(phase, f, "InProgress"),
            "importedRows": f.imported_rows,
            "totalRows": f.rows,
        }
        if f.failed:
            detail["reason"] = _milvus_reason(phase)
        details.append(detail)
    data |= {
        "completeTime": iso_seconds(snapshot.finished_at) if snapshot.finished_at else "",
        "importedRows": 0 if failed else sum(f.imported_rows for f in files),
        "totalRows": 0 if failed else sum(f.rows for f in files),
        "fileSize": sum(f.size for f in files),
        "details": details,
    }
    return {key: data[key] for key in _DESCRIBE_ORDER if key in data}


# -- Zilliz Cloud and Milvus import-job lists and Milvus's abort
# (docs/providers/zilliz.md#running-jobs, #cancel).
#
# One path serves both: a body that names `clusterId` (or `projectId` + `regionId`) is Zilliz
# Cloud's, any other Milvus's.
#
# - `POST /v2/vectordb/jobs/import/list`: Zilliz Cloud pages the cluster's jobs
# (`pageSize`, default 10, and `currentPage`, default 1; `count` is the total) as
# `{collectionName, jobId, state}` with the list's own states (`Pending | InProgress |
# Completed | Failed`); Milvus ignores paging and answers every job as `{jobId,
# collectionName, state, progress, reason?}`. Both list every seen job, finished ones too,
# as the real servers do until their retention ends.
# - `POST /v2/vectordb/jobs/import/abort` (Milvus 2026 builds): only for a two-phase import
# (`-uncommitted`, created with auto-commit off) that has not completed; it then reads
# `Failed` with the abort reason. Aborting a failed or aborted job is a no-op success. Zilliz
# Cloud has no such route: a Go router's plain-text 404 [U].

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

_LIST_STATES = phase_words("Pending", "InProgress", "Completed", "Failed", "Failed")


def _zilliz_scope(body: JsonObject) -> str | None:
    """The cluster (or project/region) a Zilliz Cloud request names; None for Milvus."""
    cluster_id = body.get("clusterId")
    if cluster_id:
        return str(cluster_id)
    if body.get("projectId") and body.get("regionId"):
        return f"{body['projectId']}/{body['regionId']}"
    return None


def _body(request: SimRequest) -> JsonObject | None:
    return {} if not request.body.strip() else parse_json_object(request.body)


def running(request: SimRequest, book: SimJobs) -> Reply:
    """`POST /v2/vectordb/jobs/import/list`, Zilliz Cloud's or Milvus's."""
    body = _body(request)
    scope = _zilliz_scope(body) if body is not None else None
    if not request.authorized():
        return _error(21119, "The apikey is illegal.") if scope else _error(1800, _NO_AUTH)
    if body is None:
        return _error(1801, "can only accept json format request, error: invalid JSON body")
    collection = body.get("collectionName") or ""
    if scope is None:
        return _milvus_list(book, collection)
    return _zilliz_list(book, body, scope, collection)


_NO_AUTH = "user hasn't authenticated"


def _known(book: SimJobs, api: str, scope: str | None, collection: str) -> list[tuple[str, Visit]]:
    if collection and collection != COLLECTION:
        return []
    return [(i, v) for i, v in book.seen(api, scope) if not v.not_found]


def _zilliz_list(book: SimJobs, body: JsonObject, scope: str, collection: str) -> Reply:
    size, page = body.get("pageSize", DEFAULT_PAGE_SIZE), body.get("currentPage", 1)
    for name, value in (("pageSize", size), ("currentPage", page)):
        if not isinstance(value, int) or isinstance(value, bool):
            return _error(
                1801,
                "can only accept json format request, error: json: cannot unmarshal "
                f"{type(value).__name__} into Go struct field ListImportJobsReq.{name} of type int",
            )
    if not 1 <= size <= MAX_PAGE_SIZE or page < 1:
        return _error(1802, f"invalid parameter: pageSize 1-{MAX_PAGE_SIZE}, currentPage >= 1")
    jobs = _known(book, "zilliz", scope, collection)
    records = [
        {"collectionName": COLLECTION, "jobId": job_id, "state": _LIST_STATES[v.snapshot.phase]}
        for job_id, v in jobs[(page - 1) * size : page * size]
    ]
    data = {"count": len(jobs), "currentPage": page, "pageSize": size, "records": records}
    return json_reply({"code": 0, "data": data})


def _milvus_list(book: SimJobs, collection: str) -> Reply:
    records = [
        milvus_job(job_id, visit) for job_id, visit in _known(book, "milvus", None, collection)
    ]
    return json_reply({"code": 0, "data": {"records": records}})


def cancel(request: SimRequest, book: SimJobs) -> Reply:
    """`POST /v2/vectordb/jobs/import/abort`: Milvus 2026 builds only."""
    body = _body(request)
    if body is not None and _zilliz_scope(body) is not None:
        return Reply(404, b"404 page not found", content_type="text/plain")
    if not request.authorized():
        return _error(1800, _NO_AUTH)
    job_id = body.get("jobId") if body is not None else None
    if not isinstance(job_id, str) or not job_id:
        return _error(
            1802,
            "missing required parameters, error: Key: 'JobIDReq.JobID' "
            "Error:Field validation for 'JobID' failed on the 'required' tag",
        )
    visit = visit_job(book, "milvus", job_id, FAULTS, not_found(job_id))
    if isinstance(visit, Reply):
        return visit
    phase = visit.snapshot.phase
    if phase is Phase.SUCCEEDED:
        return _error(
            2100, f"job {job_id} is in terminal/committed state Completed, abort not allowed"
        )
    if visit.story.name != "uncommitted":
        return _error(
            2100,
            f"importing data failed: job {job_id} was created with auto_commit=true, "
            "abort not allowed",
        )
    book.cancel("milvus", job_id)  # a failed or aborted job: a no-op success
    return json_reply({"code": 0, "data": {}})


# -- Zilliz Cloud control-plane jobs: `GET /v2/jobs/{JOB_ID}`
# (docs/providers/zilliz.md#control-plane-jobs).
#
# API key only; errors are HTTP 200 `{"code", "message"}` (21119 a rejected key, 96026 an
# unknown job). `progress` is a percent in a string; `endTime` is empty until the job ends.
# The job's `type` is picked from its id. There is no cancel in REST, so a job never reads
# CANCELED here.

JOB_TYPES = ("BACKUP", "RESTORE", "MIGRATION", "IMPORT", "CLONE_COLLECTION")
JOB_FAILURE = "restore failed: the target cluster in01-sim has not enough storage left"
_JOB_STATES = phase_words("PENDING", "IN_PROGRESS", "SUCCESSFUL", "FAILED", "CANCELED")
JOB_NOT_FOUND = "Job not found. Please check your request parameter."


def job_status(request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    """Zilliz Cloud `GET /v2/jobs/{JOB_ID}` (Describe Job)."""
    if not request.authorized():
        return _error(21119, "The apikey is illegal.")
    visit = visit_job(book, "zilliz-job", job_id, FAULTS, _error(96026, JOB_NOT_FOUND))
    if isinstance(visit, Reply):
        return visit
    snapshot = visit.snapshot
    phase = snapshot.phase
    percent = 100 if phase is Phase.SUCCEEDED else int(100 * snapshot.fraction)
    data = {
        "jobId": job_id,
        "type": JOB_TYPES[zlib.crc32(job_id.encode()) % len(JOB_TYPES)],
        "status": _JOB_STATES[phase],
        "progress": str(percent),
        "startTime": iso_seconds(snapshot.started_at),
        "endTime": iso_seconds(snapshot.finished_at) if snapshot.finished_at else "",
        "reason": JOB_FAILURE if phase is Phase.FAILED else "",
    }
    return json_reply({"code": 0, "data": data})


# Milvus's older name for describe, which its servers still answer.
ALIASES = ((Endpoint("POST", "/v2/vectordb/jobs/import/get_progress"), milvus_status),)
