"""Coze knowledge-base document processing progress. See specs/PROVIDERS.md section 3."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, field_validator

from jobwatch.core.errors import (
    CredentialsError,
    JobwatchError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
    UsageError,
)
from jobwatch.core.models import JobState, JobStatus, percent_to_fraction, present
from jobwatch.http import Client, body_text, json_body, raise_for_status, retry_after_seconds
from jobwatch.providers.base import JobStatusOrError, Provider, read_body, state_words
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

BASE_URLS = {"global": "https://api.coze.com", "cn": "https://api.coze.cn"}
# Codes from the official table (CZ-EC) and coze-js's classification (CZ-JS).
AUTH_CODES = frozenset({4100, 4101, 700012006})
NOT_FOUND_CODES = frozenset({4200})
RETRYABLE_CODES = frozenset({4009, 4013, 4020, 5000})
# `--running` reads the document list this many at a time (the maximum is undocumented).
LIST_PAGE_SIZE = 100
# cozepy's DocumentStatus names for the integer status (CZ-PY).
STATUS_WORDS = {0: "processing", 1: "completed", 9: "failed"}


class DocumentProgress(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    document_id: str
    document_name: str | None = None
    size: int | None = None
    type: str | None = None
    status: int | str
    progress: float | None = None
    remaining_time: float | None = None
    status_descript: str | None = None
    update_type: int | None = None
    update_interval: int | None = None

    @field_validator("document_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        # Ids exceed 2^53: they are strings, but a number must not be rounded either.
        return str(value) if isinstance(value, int) else value


# The document's fields a JOB carries under `extra`.
_EXTRA_FIELDS = {"document_name", "size", "type", "update_type", "update_interval"}


class CozeBody(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    code: int | str | None = None
    msg: str | None = None
    data: dict[str, Any] | None = None
    detail: dict[str, Any] | None = None


class Coze(Provider):
    """`POST /v1/datasets/{dataset_id}/process` with every document id in one request."""

    name = "coze"
    summary = "Coze knowledge-base documents: POST /v1/datasets/{id}/process (one request for all)."
    examples = (
        "jobwatch coze 7441234567890123456 7442585813587689472 7442585813587689473",
        "jobwatch coze 7441234567890123456 7442585813587689472 --region cn --watch",
    )
    id_metavar = "DOCUMENT_ID"
    dataset_id: str  # its context field
    context_fields = (
        ContextField("dataset_id", "The knowledge base.", metavar="DATASET_ID", required=True),
    )
    ref_forms = (RefForm("coze", "coze:DATASET/DOCUMENT", "dataset_id"),)
    base_urls = BASE_URLS
    endpoints = {
        "status": Endpoint("POST", "/v1/datasets/{dataset_id}/process"),
        "running": Endpoint("POST", "/open_api/knowledge/document/list"),  # ENDPOINTS-NEXT.md 4
    }
    stand_in = "jobwatch.providers.coze.sim"
    key_env_vars = ("COZE_API_TOKEN",)
    default_interval = 3.0
    running_noun = "documents still processing"
    states = state_words(running="processing", succeeded="completed", failed="failed")

    @property
    def label(self) -> str:
        return f"coze dataset {self.dataset_id}"

    def batches(self, job_ids: Sequence[str]) -> list[list[str]]:
        return [list(job_ids)]

    # -- documents still processing (ENDPOINTS-NEXT.md section 4); no cancel --

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request | None:
        body = {"dataset_id": self.dataset_id, "page": int(cursor or 1), "size": LIST_PAGE_SIZE}
        # Agw-Js-Conv: str keeps 64-bit ids as JSON strings.
        headers = {"Agw-Js-Conv": "str"}
        return self.request(client, "running", json=body, headers=headers)

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        raw = json_body(response)
        if not isinstance(raw, dict):
            raise_for_status(response, response.reason_phrase, provider=self.name)
            raise RetryableError(f"coze: HTTP {response.status_code} answer is not JSON")
        code = _as_int(raw.get("code"))
        if code != 0:
            if code is None:
                raise_for_status(response, body_text(response), provider=self.name)
            detail = raw.get("detail")
            logid = detail.get("logid") if isinstance(detail, dict) else None
            raise self._error(code, str(raw.get("msg") or ""), logid)
        raise_for_status(response, "", provider=self.name)
        # No `data` wrapper (CZ-LIST); cozepy accepts a wrapped body too.
        wrapped = raw.get("data")
        body = wrapped if isinstance(wrapped, dict) and "document_infos" in wrapped else raw
        infos, total = body.get("document_infos"), body.get("total")
        if not isinstance(infos, list):
            raise StateUnknownError("coze: the document list has no document_infos list")
        ids = []
        for info in infos:
            document_id = info.get("document_id") if isinstance(info, dict) else None
            if not isinstance(document_id, (str, int)) or isinstance(document_id, bool):
                raise StateUnknownError("coze: a listed document has no document_id")
            if _as_int(info.get("status")) == 0:  # 0 processing, 1 completed, 9 failed
                ids.append(str(document_id))
        page = int(cursor or 1)
        more = isinstance(total, int) and total > page * LIST_PAGE_SIZE and len(infos) > 0
        return ids, str(page + 1) if more else None

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        raise UsageError("coze has no cancel: Coze's API cannot stop a document's processing")

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        body = {"document_ids": [str(d) for d in job_ids]}
        return self.request(client, "status", json=body, dataset_id=self.dataset_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        raw = json_body(response)
        logid = response.headers.get("x-tt-logid")
        if not isinstance(raw, dict):
            raise_for_status(response, response.reason_phrase, provider=self.name)
            raise RetryableError(f"coze: HTTP {response.status_code} answer is not JSON")
        body = read_body(CozeBody, raw, "coze: unexpected body")
        logid = (body.detail or {}).get("logid") or logid
        code = _as_int(body.code)
        # A 2xx body with data but no code is a success, as cozepy reads it (it defaults the
        # code to 0).
        if code is None and response.status_code < 300 and body.data is not None:
            code = 0
        # Errors come as a code in the body, with HTTP 200 or a matching status (CZ-JS).
        if code != 0:
            if code is None:
                # No Coze code (a gateway's JSON error page): the HTTP status says what it is.
                raise_for_status(response, body.msg or body_text(response), provider=self.name)
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise self._error(code, body.msg or "", logid, retry_after)
        raise_for_status(response, body.msg or "", provider=self.name)
        rows = (body.data or {}).get("data")
        if not isinstance(rows, list):
            raise StateUnknownError("coze: the answer has no data.data list")
        by_id: dict[str, DocumentProgress] = {}
        for row in rows:
            document = read_body(DocumentProgress, row, "coze: unexpected document progress")
            by_id[document.document_id] = document
        results: list[JobStatusOrError] = []
        for doc_id in job_ids:
            found = by_id.get(doc_id)
            if found is None:
                results.append(
                    NotFoundError(f"coze: document {doc_id} is not in dataset {self.dataset_id}")
                )
            else:
                results.append(self._status(found, logid))
        return results

    def _error(
        self, code: int | None, msg: str, logid: str | None, retry_after: float | None = None
    ) -> JobwatchError:
        text = f"coze: code {code}: {msg}" + (f" (logid {logid})" if logid else "")
        if code in AUTH_CODES:
            if code == 4100:
                text += (
                    "; a token from the other Coze site is rejected too: try --region cn "
                    "or --region global"
                )
            return CredentialsError(text)
        if code in NOT_FOUND_CODES:
            return NotFoundError(text)
        if code in RETRYABLE_CODES:
            return RetryableError(
                text, retry_after=retry_after, rate_limited=code in (4009, 4013, 4020)
            )
        return StateUnknownError(text)

    def _status(self, document: DocumentProgress, logid: str | None) -> JobStatus:
        number = _as_int(document.status)
        word = STATUS_WORDS.get(number, str(document.status)) if number is not None else "?"
        state = self.map_state(word)
        running = state is JobState.RUNNING
        extra = {
            **document.model_dump(include=_EXTRA_FIELDS, exclude_none=True),
            **present(status_code=document.status, logid=logid),
        }
        return JobStatus(
            provider=self.name,
            id=document.document_id,
            dataset_id=self.dataset_id,
            state=state,
            status=word,
            progress=percent_to_fraction(document.progress),
            eta_seconds=document.remaining_time if running and document.remaining_time else None,
            message=document.status_descript or None,
            extra=extra,
        )


def _as_int(code: int | str | None) -> int | None:
    try:
        return int(code) if code is not None else None
    except ValueError:
        return None
