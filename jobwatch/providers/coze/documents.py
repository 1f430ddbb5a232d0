"""Coze knowledge-base documents: processing progress, and the documents still processing
(docs/providers/coze.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobwatch.core.errors import NotFoundError, StateUnknownError, UsageError
from jobwatch.core.models import JobState, JobStatus, percent_to_fraction, present
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.coze.api import Coze, as_code
from jobwatch.providers.reading import Fields
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# `--running` reads the document list this many at a time (the maximum is undocumented).
LIST_PAGE_SIZE = 100
# cozepy's DocumentStatus names for the integer status (docs/providers/coze.md#states).
STATUS_WORDS = {0: "processing", 1: "completed", 9: "failed"}


class Document(Coze):
    """`POST /v1/datasets/{dataset_id}/process` with every document id in one request."""

    kind = "document"
    kind_help = "knowledge-base documents: POST /v1/datasets/{id}/process"
    examples = (
        "jobwatch coze 7441234567890123456 7442585813587689472 7442585813587689473",
        "jobwatch coze 7441234567890123456 7442585813587689472 --region cn --watch",
    )
    id_metavar = "DOCUMENT_ID"
    id_help = "The documents' ids."
    dataset_id: str  # its context field
    context_fields = (
        ContextField("dataset_id", "The knowledge base.", metavar="DATASET_ID", required=True),
    )
    ref_forms = (RefForm("coze", "coze:DATASET/DOCUMENT", "dataset_id"),)
    scope_field = "dataset_id"
    endpoints = {
        "status": Endpoint("POST", "/v1/datasets/{dataset_id}/process"),
        "running": Endpoint("POST", "/open_api/knowledge/document/list"),  # coze.md#running-jobs
    }
    running_noun = "documents still processing"
    states = state_words(running="processing", succeeded="completed", failed="failed")

    @property
    def label(self) -> str:
        return f"coze dataset {self.dataset_id}"

    def batches(self, job_ids: Sequence[str]) -> list[list[str]]:
        return [list(job_ids)]

    # -- documents still processing (docs/providers/coze.md#running-jobs); no cancel --

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request | None:
        body = {"dataset_id": self.dataset_id, "page": int(cursor or 1), "size": LIST_PAGE_SIZE}
        # Agw-Js-Conv: str keeps 64-bit ids as JSON strings.
        headers = {"Agw-Js-Conv": "str"}
        return self.request(client, "running", json=body, headers=headers)

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        envelope, _ = self.envelope(response)
        # No `data` wrapper (docs/providers/coze.md#running-jobs); cozepy accepts one too.
        wrapped = envelope.object("data")
        body = wrapped if wrapped is not None and "document_infos" in wrapped else envelope
        infos, total = body.raw("document_infos"), body.raw("total")
        if not isinstance(infos, list):
            raise StateUnknownError("coze: the document list has no document_infos list")
        ids = []
        for info in infos:
            document_id = info.get("document_id") if isinstance(info, dict) else None
            if not isinstance(document_id, (str, int)) or isinstance(document_id, bool):
                raise StateUnknownError("coze: a listed document has no document_id")
            if as_code(info.get("status")) == 0:  # 0 processing, 1 completed, 9 failed
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
        envelope, logid = self.envelope(response)
        data = envelope.object("data")
        rows = data.raw("data") if data is not None else None
        if not isinstance(rows, list):
            raise StateUnknownError("coze: the answer has no data.data list")
        by_id: dict[str, Fields] = {}
        for document in Fields({"data": rows}, "coze: document progress").objects("data"):
            # Ids exceed 2^53: they are strings, but a number must not be rounded either.
            document_id = document.text("document_id", numbers=True)
            if document_id is None:
                raise StateUnknownError("coze: a document's progress has no document_id")
            by_id[document_id] = document
        results: list[JobStatusOrError] = []
        for doc_id in job_ids:
            found = by_id.get(doc_id)
            if found is None:
                results.append(
                    NotFoundError(f"coze: document {doc_id} is not in dataset {self.dataset_id}")
                )
            else:
                results.append(self._status(doc_id, found, logid))
        return results

    def _status(self, document_id: str, document: Fields, logid: str | None) -> JobStatus:
        status = document.code("status")
        if status is None:
            raise StateUnknownError("coze: a document's progress has no status")
        number = as_code(status)
        word = STATUS_WORDS.get(number, str(status)) if number is not None else "?"
        state = self.map_state(word)
        remaining = document.number("remaining_time")
        extra = present(
            document_name=document.text("document_name"),
            size=document.integer("size"),
            type=document.text("type"),
            update_type=document.integer("update_type"),
            update_interval=document.integer("update_interval"),
            status_code=status,
            logid=logid,
        )
        return self.job(
            document_id,
            state=state,
            status=word,
            progress=percent_to_fraction(document.number("progress")),
            eta_seconds=remaining if state is JobState.RUNNING and remaining else None,
            message=document.text("status_descript") or None,
            extra=extra,
        )
