"""Zilliz Cloud / Milvus import-job lists and Milvus's abort (specs/ENDPOINTS-NEXT.md section 3),
beside zilliz.py so that the progress adapter stays small.

- `POST /v2/vectordb/jobs/import/list`: Zilliz Cloud pages (`clusterId`, `pageSize`,
  `currentPage`; `data.records[{collectionName, jobId, state}]` with the list's own states
  `Pending | InProgress | Completed | Failed`); Milvus ignores paging and answers every job.
  Both list finished jobs too: only those not terminal are kept.
- `POST /v2/vectordb/jobs/import/abort` `{"jobId": ...}`: Milvus 2026 builds only, and only for
  imports created with auto-commit off; Zilliz Cloud has no cancel (exit 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
from pydantic import BaseModel, ConfigDict

from jobwatch.errors import NotFoundError, StateUnknownError, UsageError
from jobwatch.http import Client, body_text, error_text, raise_for_status
from jobwatch.providers.base import read_json_body

if TYPE_CHECKING:
    from jobwatch.providers.zilliz import Zilliz

LIST_PAGE_SIZE = 100  # Zilliz Cloud: the SDKs default to 10; the simulator allows up to 100


class ListedJob(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    jobId: str | int  # noqa: N815 - the provider's names
    state: str = ""


class ListedJobs(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    records: list[ListedJob] | None = None


class ListBody(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    code: int | str | None = None
    message: str | None = None
    data: ListedJobs | None = None


def running_request(provider: Zilliz, client: Client, cursor: str | None) -> httpx.Request:
    body: dict[str, Any] = {}
    if not provider.is_milvus:
        body = {
            "clusterId": str(provider.cluster_id),
            "pageSize": LIST_PAGE_SIZE,
            "currentPage": int(cursor or 1),
        }
    return provider.request(client, "running", json=body)


def parse_running(
    provider: Zilliz, response: httpx.Response, cursor: str | None
) -> tuple[list[str], str | None]:
    raise_for_status(response, error_text(response, "message"), provider=provider.name)
    body = read_json_body(
        ListBody, response, provider=provider.name, what="zilliz: unexpected import job list"
    )
    code = _as_int(body.code)
    if code not in (0, 200) or body.data is None or body.data.records is None:
        raise provider._error(code, body.message or "no import job records in the answer")
    records = body.data.records
    ids = [str(job.jobId) for job in records if not provider.map_state(job.state).is_terminal]
    # Zilliz Cloud's `count` may be the total or this page's size [U]: a full page asks for
    # the next one, an empty or short page ends the list. Milvus does not page.
    if provider.is_milvus or len(records) < LIST_PAGE_SIZE:
        return ids, None
    return ids, str(int(cursor or 1) + 1)


def cancel_request(provider: Zilliz, client: Client, job_id: str) -> httpx.Request:
    if not provider.is_milvus:
        raise UsageError(
            "zilliz: Zilliz Cloud has no cancel for import jobs (its REST API offers create, "
            "getProgress and list only)"
        )
    return provider.request(client, "cancel", json={"jobId": str(job_id)})


def parse_cancel(provider: Zilliz, response: httpx.Response, job_id: str) -> bool:
    if response.status_code == 404 and "json" not in response.headers.get("Content-Type", ""):
        raise StateUnknownError(
            f"milvus: this server has no /v2/vectordb/jobs/import/abort (Milvus 2.6 and older "
            f"cannot abort an import): {body_text(response, 80)}"
        )
    raise_for_status(response, error_text(response, "message"), provider=provider.name)
    body = read_json_body(ListBody, response, provider=provider.name, what="milvus: abort answer")
    code = _as_int(body.code)
    if code in (0, 200):
        return True
    message = body.message or ""
    if "state Completed" in message or "state Failed" in message:
        return False  # "job N is in terminal/committed state Completed, abort not allowed"
    if "auto_commit" in message:
        raise StateUnknownError(
            f"milvus: import job {job_id} cannot be aborted: Milvus aborts only imports created "
            f'with "auto_commit": "false" ({message})'
        )
    if "does not exist" in message or "not found" in message:
        raise NotFoundError(f"milvus: import job {job_id} not found: {message}")
    error = provider._error(code, message)
    if isinstance(error, NotFoundError) or "not allowed" in message:  # e.g. while Committing
        raise StateUnknownError(f"milvus: import job {job_id} cannot be aborted: {message}")
    raise error


def _as_int(code: int | str | None) -> int | None:
    try:
        return int(code) if code is not None else None
    except ValueError:
        return None
