"""Coze `POST /v1/datasets/{dataset_id}/process` (docs/providers/coze.md#status),
`POST /open_api/knowledge/document/list` (docs/providers/coze.md#running-jobs), workflow run
histories (#workflow-runs) and chats: retrieve and cancel (#chats).

Errors are HTTP 200 with `{"code", "msg", "detail": {"logid"}}`; every answer carries the
`x-tt-logid` header. Each document id follows its own story; a document belongs to the dataset
it was first asked about. Documents and workflow runs have no cancel; chats do.
"""

from __future__ import annotations

import json
import math
import secrets
import time
import zlib

from jobwatch.providers.spec import Endpoint
from jobwatch.sim.faults import FaultBodies, visit_job
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


# -- workflow runs: `GET /v1/workflows/{workflow_id}/run_histories/{execute_id}`
# (docs/providers/coze.md#workflow-runs).
#
# `data` is an array holding the one record; `error_code` is a string, `""` while fine. A run
# follows its execute id's story (keyed within its workflow); an unknown one is code 4314.
# Coze has no cancel for workflow runs.

WORKFLOW_FAILURE = "node llm_1: the model did not answer within 600 s"
WORKFLOW_ERROR_CODE = "5000"
_RUN_STATUS = phase_words("Running", "Running", "Success", "Fail", "Fail")


def _faults(logid: str) -> FaultBodies:
    return FaultBodies(
        rate_limited=lambda: _error(
            4013, "Request rate limit exceeded, please try again later", logid, 429
        ),
        server_error=lambda: _error(5000, "internal error", logid, 500),
    )


def _logged(reply: Reply, logid: str) -> Reply:
    return reply if reply.drop else reply.with_header("x-tt-logid", logid)


def workflow_status(request: SimRequest, book: SimJobs, workflow_id: str, execute_id: str) -> Reply:
    """One async run's history record."""
    logid = _logid()
    if not request.authorized():
        return _logged(_error(4100, "authentication is invalid", logid), logid)
    missing = _error(4314, f"execute record not found: execute_id {execute_id}", logid)
    visit = visit_job(book, "coze-workflow", f"{workflow_id}/{execute_id}", _faults(logid), missing)
    if isinstance(visit, Reply):
        return _logged(visit, logid)
    record = _run_record(workflow_id, execute_id, visit)
    return _logged(_answer({"code": 0, "msg": "", "data": [record]}, logid), logid)


def _run_record(workflow_id: str, execute_id: str, visit: Visit) -> JsonObject:
    """A WorkflowExecuteHistory as the docs' example writes it; `output` is JSON text."""
    snapshot = visit.snapshot
    phase = snapshot.phase
    status = _RUN_STATUS[phase]
    seed = zlib.crc32(f"{workflow_id}/{execute_id}".encode())
    tokens = 150 if phase is Phase.SUCCEEDED else int(150 * snapshot.fraction)
    if status == "Success":
        output = json.dumps({"Output": f"summary of run {execute_id[-4:]}"})
    else:
        output = json.dumps({"node_status": "{}", "Output": ""})  # as coze-studio#2453 shows
    updated = snapshot.finished_at or snapshot.started_at
    return {
        "update_time": int(updated.timestamp()),
        "usage": {
            "input_count": tokens // 3,
            "token_count": tokens,
            "output_count": tokens * 2 // 3,
        },
        "output": output,
        "bot_id": "0",
        "token": "0",
        "execute_status": status,
        "connector_uid": str(2236870734640000 + seed % 10000),
        "run_mode": 2,
        "connector_id": "1024",
        "logid": time.strftime("%Y%m%d%H%M%S", time.gmtime(snapshot.started_at.timestamp()))
        + f"{seed:08X}{seed ^ 0x5A5A5A5A:08X}{seed % 0xFFFF:04X}",
        "debug_url": (
            f"https://www.coze.cn/work_flow?execute_id={execute_id}"
            f"&space_id=7309760604397600000&workflow_id={workflow_id}"
        ),
        "error_code": WORKFLOW_ERROR_CODE if status == "Fail" else "",
        "error_message": WORKFLOW_FAILURE if status == "Fail" else "",
        "execute_id": execute_id,
        "create_time": int(snapshot.started_at.timestamp()),
        "is_output_trimmed": False,
        "node_execute_status": {},
    }


# -- chats: `GET /v3/chat/retrieve?conversation_id=…&chat_id=…` and `POST /v3/chat/cancel`
# (docs/providers/coze.md#chats).
#
# Retrieve is answered for POST too, as the SDKs send it. A chat follows its id's story
# (keyed within its conversation); `-action` waits in `requires_action` for tool outputs. An
# unknown chat is code 4200 (the real code is not documented [U]). Cancel stops a created or
# in-progress chat (`canceled`) and answers 4104 for one that completed, failed, waits for
# tool outputs or was cancelled before.

CHAT_FAILURE = "The bot failed to answer: the model request timed out"
CANNOT_CANCEL = "this chat cannot be cancelled"
_CHAT_STATUS = {
    Phase.PENDING: "created",
    Phase.RUNNING: "in_progress",
    Phase.PAUSED: "requires_action",
    Phase.SUCCEEDED: "completed",
    Phase.FAILED: "failed",
    Phase.CANCELLED: "canceled",
}
_TOOL_CALL = {
    "type": "submit_tool_outputs",
    "submit_tool_outputs": {
        "tool_calls": [
            {
                "id": "7381371876397940001",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Beijing"}'},
            }
        ]
    },
}


def _chat_ids(request: SimRequest) -> tuple[str, str] | None:
    """The query's `conversation_id` and `chat_id`, or None when one is missing."""
    conversation = request.query.get("conversation_id", [""])[0]
    chat = request.query.get("chat_id", [""])[0]
    return (conversation, chat) if conversation and chat else None


def chat_status(request: SimRequest, book: SimJobs) -> Reply:
    """Retrieve one chat (GET as documented, POST as the SDKs send it)."""
    logid = _logid()
    if not request.authorized():
        return _logged(_error(4100, "authentication is invalid", logid), logid)
    ids = _chat_ids(request)
    if ids is None:
        message = "invalid parameter: conversation_id and chat_id are required"
        return _logged(_error(4000, message, logid), logid)
    visit = _chat_visit(book, *ids, logid)
    if isinstance(visit, Reply):
        return _logged(visit, logid)
    return _logged(_answer({"code": 0, "data": _chat(*ids, visit), "msg": ""}, logid), logid)


def _chat_visit(book: SimJobs, conversation: str, chat: str, logid: str) -> Visit | Reply:
    missing = _error(4200, f"resource not found: chat {chat}", logid)
    return visit_job(book, "coze-chat", f"{conversation}/{chat}", _faults(logid), missing)


def _chat(conversation: str, chat_id: str, visit: Visit) -> JsonObject:
    """ChatV3ChatDetail, with the fields the docs' example shows for its state."""
    snapshot = visit.snapshot
    phase = snapshot.phase
    seed = zlib.crc32(f"{conversation}/{chat_id}".encode())
    tokens = 298 if phase is Phase.SUCCEEDED else int(298 * snapshot.fraction)
    chat: JsonObject = {
        "bot_id": str(7379462189365190000 + seed % 10000),
        "conversation_id": conversation,
        "created_at": int(snapshot.started_at.timestamp()),
        "id": chat_id,
        "status": _CHAT_STATUS[phase],
    }
    ended = int(snapshot.finished_at.timestamp()) if snapshot.finished_at else None
    if phase is Phase.SUCCEEDED:
        chat["completed_at"] = ended
    elif phase is Phase.FAILED:
        chat["failed_at"] = ended
        chat["last_error"] = {"code": 5000, "msg": CHAT_FAILURE}
    elif phase is Phase.PAUSED:
        chat["required_action"] = _TOOL_CALL
    if phase is not Phase.PENDING:
        chat["usage"] = {"input_count": tokens * 242 // 298, "output_count": tokens * 56 // 298,
                         "token_count": tokens}  # fmt: skip
    return chat


def chat_cancel(request: SimRequest, book: SimJobs) -> Reply:
    """`POST /v3/chat/cancel` with `{"conversation_id", "chat_id"}`."""
    logid = _logid()
    if not request.authorized():
        return _logged(_error(4100, "authentication is invalid", logid), logid)
    body = parse_json_object(request.body) or {}
    conversation, chat = body.get("conversation_id"), body.get("chat_id")
    if (
        not isinstance(conversation, str)
        or not isinstance(chat, str)
        or not conversation
        or not chat
    ):
        message = "invalid parameter: conversation_id and chat_id must be non-empty strings"
        return _logged(_error(4000, message, logid), logid)
    visit = _chat_visit(book, conversation, chat, logid)
    if isinstance(visit, Reply):
        return _logged(visit, logid)
    if visit.snapshot.phase not in (Phase.PENDING, Phase.RUNNING):
        return _logged(_error(4104, CANNOT_CANCEL, logid), logid)
    book.cancel("coze-chat", f"{conversation}/{chat}")
    now = book.seen("coze-chat")
    cancelled = next(v for key, v in now if key == f"{conversation}/{chat}")
    return _logged(
        _answer({"code": 0, "data": _chat(conversation, chat, cancelled), "msg": ""}, logid), logid
    )


# The SDKs (cozepy, coze-js) send retrieve as POST with the ids in the query.
ALIASES = ((Endpoint("POST", "/v3/chat/retrieve"), chat_status),)
