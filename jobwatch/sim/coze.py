"""Coze `POST /v1/datasets/{dataset_id}/process` (specs/PROVIDERS.md section 3).

Errors are HTTP 200 with `{"code", "msg", "detail": {"logid"}}`; every answer carries the
`x-tt-logid` header. Each document id follows its own story.
"""

from __future__ import annotations

import math
import secrets
import time
import zlib

from jobwatch.sim.replies import (
    JsonObject,
    Reply,
    SimRequest,
    fault_reply,
    json_reply,
    parse_json_object,
)
from jobwatch.sim.stories import JobBook, Phase, Snapshot, Visit

FAILURE = "Document parsing failed: the file is encrypted or damaged, please upload it again"

_STATUS = {Phase.PENDING: 0, Phase.RUNNING: 0, Phase.SUCCEEDED: 1, Phase.FAILED: 9}


def _logid() -> str:
    """A log id shaped like Coze's: a timestamp and 20 upper-case hex digits."""
    return time.strftime("%Y%m%d%H%M%S") + secrets.token_hex(10).upper()


def _answer(payload: JsonObject, logid: str, status: int = 200) -> Reply:
    return json_reply({**payload, "detail": {"logid": logid}}, status)


def _error(code: int, msg: str, logid: str, status: int = 200) -> Reply:
    return _answer({"code": code, "msg": msg}, logid, status)


def process(request: SimRequest, book: JobBook, dataset_id: str) -> Reply:
    """The progress of the requested documents of one dataset."""
    logid = _logid()
    reply = _process(request, book, dataset_id, logid)
    return reply if reply.drop else reply.with_header("x-tt-logid", logid)


def _process(request: SimRequest, book: JobBook, dataset_id: str, logid: str) -> Reply:
    if not request.authorized():
        return _error(4100, "authentication is invalid", logid)
    body = parse_json_object(request.body)
    ids = body.get("document_ids") if body is not None else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        return _error(
            4000, "invalid parameter: document_ids must be a non-empty array of strings", logid
        )
    visits = [book.visit("coze-dataset", dataset_id)]
    visits += [book.visit("coze", document_id) for document_id in ids]
    for visit in visits:
        if visit.fault is not None:
            return fault_reply(
                visit.fault,
                rate_limited=lambda: _error(
                    4013, "Request rate limit exceeded, please try again later", logid, 429
                ),
                server_error=lambda: _error(5000, "internal error", logid, 500),
            )
    if visits[0].story.gone:
        return _error(4200, f"resource not found: dataset {dataset_id}", logid)
    named = list(zip(ids, visits[1:], strict=True))
    for document_id, visit in named:
        if visit.story.gone:
            return _error(4200, f"resource not found: document {document_id}", logid)
    documents = [_document(document_id, visit) for document_id, visit in named]
    return _answer({"code": 0, "msg": "", "data": {"data": documents}}, logid)


def _document(document_id: str, visit: Visit) -> JsonObject:
    snapshot: Snapshot = visit.snapshot
    phase = snapshot.phase
    status = _STATUS.get(phase, 0)
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
