"""Zilliz Cloud and Milvus import-job lists and Milvus's abort (ENDPOINTS-NEXT.md section 3).

One path serves both: a body that names `clusterId` (or `projectId` + `regionId`) is Zilliz
Cloud's, any other Milvus's.

- `POST /v2/vectordb/jobs/import/list`: Zilliz Cloud pages the cluster's jobs
  (`pageSize`, default 10, and `currentPage`, default 1; `count` is the total) as
  `{collectionName, jobId, state}` with the list's own states (`Pending | InProgress |
  Completed | Failed`); Milvus ignores paging and answers every job as `{jobId,
  collectionName, state, progress, reason?}`. Both list every seen job, finished ones too,
  as the real servers do until their retention ends.
- `POST /v2/vectordb/jobs/import/abort` (Milvus 2026 builds): only for a two-phase import
  (`-uncommitted`, created with auto-commit off) that has not completed; it then reads
  `Failed` with the abort reason. Aborting a failed or aborted job is a no-op success. Zilliz
  Cloud has no such route: a Go router's plain-text 404 [U].
"""

from __future__ import annotations

from jobwatch.sim.faults import visit_job
from jobwatch.sim.jobbook import JobBook, Visit
from jobwatch.sim.replies import JsonObject, Reply, SimRequest, json_reply, parse_json_object
from jobwatch.sim.stories import Phase, phase_words
from jobwatch.sim.zilliz import COLLECTION, FAULTS, milvus_job, not_found

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100

_LIST_STATES = phase_words("Pending", "InProgress", "Completed", "Failed", "Failed")


def _error(code: int, message: str) -> Reply:
    return json_reply({"code": code, "message": message})


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


def running(request: SimRequest, book: JobBook) -> Reply:
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


def _known(book: JobBook, api: str, scope: str | None, collection: str) -> list[tuple[str, Visit]]:
    if collection and collection != COLLECTION:
        return []
    return [(i, v) for i, v in book.seen(api, scope) if not v.not_found]


def _zilliz_list(book: JobBook, body: JsonObject, scope: str, collection: str) -> Reply:
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


def _milvus_list(book: JobBook, collection: str) -> Reply:
    records = [
        milvus_job(job_id, visit) for job_id, visit in _known(book, "milvus", None, collection)
    ]
    return json_reply({"code": 0, "data": {"records": records}})


def cancel(request: SimRequest, book: JobBook) -> Reply:
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
