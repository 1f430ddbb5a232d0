"""Coze `POST /v1/datasets/{dataset_id}/process` (docs/providers/coze.md#status) and
`POST /open_api/knowledge/document/list` (docs/providers/coze.md#running-jobs).

Errors are HTTP 200 with `{"code", "msg", "detail": {"logid"}}`; every answer carries the
`x-tt-logid` header. Each document id follows its own story; a document belongs to the dataset
it was first asked about. Coze has no cancel.
"""

from __future__ import annotations

import math
import secrets
import time
import zlib

from jobwatch.sim.faults import FaultBodies
from jobwatch.sim.jobs import SimJobs, Snapshot, Visit
from jobwatch.sim.replies import JsonObject, Reply, SimRequest, json_reply, parse_json_object
from jobwatch.sim.stories import Phase, phase_words, story_for

FAILURE = "Document parsing failed: the file is encrypted or damaged, please upload it again"

_STATUS = phase_words(0, 0, 1, 9, 9)  # 0 processing, 1 completed, 9 failed (Coze has no cancel)
DEFAULT_PAGE_SIZE = 10


def _logid() -> str:
    """A log id shaped like Coze's: a timestamp and 20 upper-case hex digits."""
    return time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(10).upper()


def _answer(payload: JsonObject, logid: str, status: int = 200) -> Reply:
    return json_reply({**payload, "detail": {"logid": logid}}, status)


def _error(code: int, msg: str, logid: str, status: int = 200) -> Reply:
    return _answer({"code": code, "msg": msg}, logid, status)


def status(request: SimRequest, book: SimJobs, dataset_id: str) -> Reply:
    """The progress of the requested documents of one dataset."""
    logid = _logid()
    reply = _process(request, book, dataset_id, logid)
    return reply if reply.drop else reply.with_header("x-tt-logid", logid)


def _process(request: SimRequest, book: SimJobs, dataset_id: str, logid: str) -> Reply:
    if not request.authorized():
        return _error(4100, "authentication is invalid", logid)
    body = parse_json_object(request.body)
    ids = body.get("document_ids") if body is not None else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        return _error(
            4000, "invalid parameter: document_ids must be a non-empty array of strings", logid
        )
    visits = [book.visit("coze-dataset", dataset_id)]
    visits += [book.visit("coze", document_id, scope=dataset_id) for document_id in ids]
    faults = FaultBodies(
        rate_limited=lambda: _error(
            4013, "Request rate limit exceeded, please try again later", logid, 429
        ),
        server_error=lambda: _error(5000, "internal error", logid, 500),
    )
    for visit in visits:
        if visit.fault is not None:
            return faults.reply(visit.fault)
    if visits[0].not_found:
        return _error(4200, f"resource not found: dataset {dataset_id}", logid)
    named = list(zip(ids, visits[1:], strict=True))
    for document_id, visit in named:
        if visit.not_found:
            return _error(4200, f"resource not found: document {document_id}", logid)
    documents = [_document(document_id, visit) for document_id, visit in named]
    return _answer({"code": 0, "msg": "", "data": {"data": documents}}, logid)


def _document(document_id: str, visit: Visit) -> JsonObject:
    snapshot: Snapshot = visit.snapshot
    phase = snapshot.phase
    status = _STATUS[phase]
    document: JsonObject = {
        "document_id": document_id,  # echoed as the string it came in as (ids exceed 2^53)
        "document_name": f"report-{document_id[-4:]}.pdf",
        "url": (
            "https://lf3-appstore-sign.oceancloudapi.com/ocean-cloud-tos/"
            f"FileBizType.BIZ_BOT_DATASET/{document_id}.pdf?x-expires=1733819246&x-signature=sim"
        ),
        "size": 20_000 + zlib.crc32(document_id.encode()) % 5_000_000,
        "type": "pdf",
        "status": status,
        "progress": 100 if phase is Phase.SUCCEEDED else int(100 * snapshot.fraction),
        "remaining_time": math.ceil(snapshot.remaining_seconds) if status == 0 else 0,
        "update_type": 0,
        "update_interval": 0,
    }
    if phase is Phase.FAILED:
        document["status_descript"] = FAILURE  # only present on failure
    return document


def running(request: SimRequest, book: SimJobs) -> Reply:
    """`POST /open_api/knowledge/document/list`: one page of the dataset's seen documents."""
    logid = _logid()
    return _document_list(request, book, logid).with_header("x-tt-logid", logid)


def _document_list(request: SimRequest, book: SimJobs, logid: str) -> Reply:
    if not request.authorized():
        return _error(4100, "authentication is invalid", logid)
    body = parse_json_object(request.body)
    dataset_id = body.get("dataset_id") if body is not None else None
    page, size = (body or {}).get("page", 1), (body or {}).get("size", DEFAULT_PAGE_SIZE)
    if not isinstance(dataset_id, str) or not dataset_id:
        return _error(4000, "invalid parameter: dataset_id must be a non-empty string", logid)
    if not isinstance(page, int) or not isinstance(size, int) or page < 0 or size < 1:
        return _error(4000, "invalid parameter: page must be >= 0 and size >= 1", logid)
    if story_for("coze-dataset", dataset_id).gone:
        return _error(4200, f"resource not found: dataset {dataset_id}", logid)
    as_strings = request.headers.get("agw-js-conv", "").lower() == "str"
    seen = [(i, v) for i, v in book.seen("coze", scope=dataset_id) if not v.not_found]
    first = (max(page, 1) - 1) * size  # the doc's own example sends page 0: read as page 1
    infos = [_info(i, v, as_strings) for i, v in seen[first : first + size]]
    return _answer({"code": 0, "msg": "", "document_infos": infos, "total": len(seen)}, logid)


def _info(document_id: str, visit: Visit, as_strings: bool) -> JsonObject:
    """A DocumentInfo; a numeric 64-bit id is a JSON number unless `Agw-Js-Conv: str`."""
    snapshot = visit.snapshot
    size = 20_000 + zlib.crc32(document_id.encode()) % 5_000_000
    done = snapshot.phase is Phase.SUCCEEDED
    chars = size // 10 if done else 0
    updated = snapshot.finished_at or snapshot.started_at
    return {
        "document_id": document_id if as_strings or not document_id.isdigit() else int(document_id),
        "name": f"report-{document_id[-4:]}.pdf",
        "status": _STATUS[snapshot.phase],
        "create_time": int(snapshot.started_at.timestamp()),
        "update_time": int(updated.timestamp()),
        "format_type": 0,
        "source_type": 0,
        "type": "pdf",
        "size": size,
        "char_count": chars,
        "slice_count": chars // 800,
        "hit_count": 0,
        "update_type": 0,
        "update_interval": 0,
        "chunk_strategy": {
            "chunk_type": 0,
            "separator": "",
            "max_tokens": 0,
            "remove_extra_spaces": False,
            "remove_urls_emails": False,
            "caption_type": 0,
        },
        "tos_uri": f"FileBizType.BIZ_BOT_DATASET/{document_id}.pdf",
    }
