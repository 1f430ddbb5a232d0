"""Zilliz Cloud import job progress, and self-hosted Milvus. See specs/PROVIDERS.md section 2."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from jobwatch.core.errors import (
    CredentialsError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
    UsageError,
)
from jobwatch.core.models import Item, JobStatus, percent_to_fraction, present, ratio
from jobwatch.http import Client, body_text, error_text, raise_for_status
from jobwatch.providers.base import JobStatusOrError, Provider, read_json_body, state_words
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

IMPORT = "/v2/vectordb/jobs/import"
CLOUD_BASE_URLS = {
    "global": "https://api.cloud.zilliz.com",
    "cn": "https://api.cloud.zilliz.com.cn",
}
# Error codes in HTTP 200 bodies. Auth: v1 table 80001/80002, the page's example 21119,
# Milvus 1800/1400/1401 (ZD-EC1, ZD-MDX, MV-ERR). 1807: Milvus rate limiter (retry).
AUTH_CODES = frozenset({80001, 80002, 21119, 1800, 1400, 1401})
RETRYABLE_CODES = frozenset({1807})
NOT_FOUND_CODES = frozenset({2100, 2101})
AUTH_WORDS = ("token is illegal", "token is invalid", "apikey is illegal", "authenticat")
# An unknown job under another code (the code varies by version, PROVIDERS.md section 2 [U]):
# "job … not found", "job does not exist", "jobID=… not exist". Not "collection not found".
_NOT_FOUND_TEXT = re.compile(r"\bjob(?:id)?\b.*\b(?:not found|not exists?|does not exist)\b", re.I)


class ImportFile(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    fileName: str = ""  # noqa: N815 - the provider's names
    fileSize: int | None = None  # noqa: N815
    state: str = ""
    progress: float | None = None
    reason: str | None = None
    importedRows: int | None = None  # noqa: N815
    totalRows: int | None = None  # noqa: N815


class ImportJob(ImportFile):
    """`data` of getProgress (Zilliz Cloud) and of describe (Milvus): same shape."""

    jobId: str | int | None = None  # noqa: N815
    collectionName: str | None = None  # noqa: N815
    completeTime: str | None = None  # noqa: N815
    details: list[ImportFile] = []


class ImportProgressBody(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    code: int | str | None = None
    message: str | None = None
    data: ImportJob | None = None


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


class Zilliz(Provider):
    """`POST /v2/vectordb/jobs/import/getProgress` (Zilliz Cloud, needs a cluster id), or
    `POST /v2/vectordb/jobs/import/describe` on a self-hosted Milvus base URL."""

    name = "zilliz"
    summary = (
        "Zilliz Cloud and Milvus import jobs: POST /v2/vectordb/jobs/import/getProgress, or on "
        "a self-hosted Milvus (--base-url http://host:19530) /describe, no cluster id."
    )
    examples = (
        "jobwatch zilliz job-01a2b3c4d5e6f7g8h9i0j1 --cluster-id in01-0123456789abcdef",
        "jobwatch zilliz 448761313698322011 --base-url http://localhost:19530 --watch",
    )
    cluster_id: str | None  # its context field, else the profile's
    context_fields = (
        ContextField(
            "cluster_id",
            "Zilliz Cloud cluster (default: the profile's).",
            flag="--cluster-id",
            in_profile=True,
        ),
    )
    ref_forms = (
        RefForm("zilliz", "zilliz:CLUSTER/JOB (zilliz:JOB for Milvus)", "cluster_id", True),
    )
    base_urls = CLOUD_BASE_URLS
    endpoints = {
        "status": Endpoint("POST", f"{IMPORT}/getProgress"),
        "milvus_status": Endpoint("POST", f"{IMPORT}/describe"),
        "running": Endpoint("POST", f"{IMPORT}/list"),  # ENDPOINTS-NEXT.md 3.1
        "cancel": Endpoint("POST", f"{IMPORT}/abort"),  # Milvus only: 3.2
    }
    # Control-plane endpoints allow 20 requests/s per user per endpoint (ZD-PAGE).
    max_requests_per_second = 20.0
    unit = "rows"
    stand_in = "jobwatch.providers.zilliz.sim"
    key_env_vars = ("ZILLIZ_API_KEY",)
    default_interval = 5.0
    running_noun = "unfinished import jobs"
    states = state_words(
        pending="Pending",
        # Uncommitted, Committing: a two-phase import with auto-commit off, paused until
        # someone calls /commit; InProgress … IndexBuilding: per-file (task) states (MV-DC).
        running="Importing Uncommitted Committing InProgress PreImporting Sorting IndexBuilding",
        succeeded="Completed",
        failed="Failed",
    )

    def __init__(self, settings: Any, **context: Any) -> None:
        super().__init__(settings, **context)
        self.cluster_id = self.cluster_id or settings.cluster_id
        # Milvus needs no cluster id; anything else with a cluster id speaks getProgress.
        self.is_milvus = not _is_cloud(self.base_url) and not self.cluster_id
        if not self.is_milvus and not self.cluster_id:
            raise UsageError(
                "zilliz needs a cluster id: pass --cluster-id in01-…, or store one with "
                "`jobwatch auth set zilliz --cluster-id in01-…`"
            )

    @property
    def needs_key(self) -> bool:
        # A Milvus server with authorization disabled takes no token (MV-DOC).
        return _is_cloud(self.base_url)

    @property
    def label(self) -> str:
        return "milvus" if self.is_milvus else f"zilliz cluster {self.cluster_id}"

    # -- import job list and Milvus abort (specs/ENDPOINTS-NEXT.md section 3) --

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request:
        body: dict[str, Any] = {}
        if not self.is_milvus:
            body = {
                "clusterId": str(self.cluster_id),
                "pageSize": LIST_PAGE_SIZE,
                "currentPage": int(cursor or 1),
            }
        return self.request(client, "running", json=body)

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        raise_for_status(response, error_text(response, "message"), provider=self.name)
        body = read_json_body(
            ListBody, response, provider=self.name, what="zilliz: unexpected import job list"
        )
        code = _as_int(body.code)
        if code not in (0, 200) or body.data is None or body.data.records is None:
            raise self._error(code, body.message or "no import job records in the answer")
        records = body.data.records
        ids = [str(job.jobId) for job in records if not self.map_state(job.state).is_terminal]
        # Zilliz Cloud's `count` may be the total or this page's size [U]: a full page asks for
        # the next one, an empty or short page ends the list. Milvus does not page.
        if self.is_milvus or len(records) < LIST_PAGE_SIZE:
            return ids, None
        return ids, str(int(cursor or 1) + 1)

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        if not self.is_milvus:
            raise UsageError(
                "zilliz: Zilliz Cloud has no cancel for import jobs (its REST API offers create, "
                "getProgress and list only)"
            )
        return self.request(client, "cancel", json={"jobId": str(job_id)})

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        if response.status_code == 404 and "json" not in response.headers.get("Content-Type", ""):
            raise StateUnknownError(
                f"milvus: this server has no /v2/vectordb/jobs/import/abort (Milvus 2.6 and older "
                f"cannot abort an import): {body_text(response, 80)}"
            )
        raise_for_status(response, error_text(response, "message"), provider=self.name)
        body = read_json_body(ListBody, response, provider=self.name, what="milvus: abort answer")
        code = _as_int(body.code)
        if code in (0, 200):
            return True
        message = body.message or ""
        if "state Completed" in message or "state Failed" in message:
            return False  # "job N is in terminal/committed state Completed, abort not allowed"
        if "auto_commit" in message:
            raise StateUnknownError(
                f"milvus: import job {job_id} cannot be aborted: Milvus aborts only imports "
                f'created with "auto_commit": "false" ({message})'
            )
        if "does not exist" in message or "not found" in message:
            raise NotFoundError(f"milvus: import job {job_id} not found: {message}")
        error = self._error(code, message)
        if isinstance(error, NotFoundError) or "not allowed" in message:  # e.g. while Committing
            raise StateUnknownError(f"milvus: import job {job_id} cannot be aborted: {message}")
        raise error

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        # Always a string: old examples sent a number > 2^53 (ZD-MD); Milvus rejects numbers.
        body: dict[str, str] = {"jobId": str(job_id)}
        if self.is_milvus:
            return self.request(client, "milvus_status", json=body)
        body["clusterId"] = str(self.cluster_id)
        return self.request(client, "status", json=body)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        raise_for_status(response, error_text(response, "message"), provider=self.name)
        body = read_json_body(
            ImportProgressBody,
            response,
            provider=self.name,
            what="zilliz: unexpected progress body",
        )
        code = _as_int(body.code)
        # Success is code 0 (int or "0"; Milvus 2.3 said 200). A `code: 0` with a message and
        # no data (or data without a state) is an error too (ZD-MDX).
        if code not in (0, 200) or body.data is None or not body.data.state:
            raise self._error(code, body.message or "no import job state in the answer")
        return [self._status(job_id, body.data)]

    def _error(self, code: int | None, message: str) -> StateUnknownError | CredentialsError:
        text = f"{self.name}: code {code}: {message}"
        if code in AUTH_CODES or any(word in message.lower() for word in AUTH_WORDS):
            return CredentialsError(text)
        if code in RETRYABLE_CODES:
            return RetryableError(text, rate_limited=True)
        if code in NOT_FOUND_CODES or _NOT_FOUND_TEXT.search(message):
            return NotFoundError(text)
        return StateUnknownError(text)

    def _status(self, job_id: str, job: ImportJob) -> JobStatus:
        state = self.map_state(job.state)
        message = job.reason or None
        if job.state == "Uncommitted":
            message = "waiting for a commit: the import was created with auto-commit off"
        elif job.state == "Committing":
            message = "committing"
        items = [
            Item(
                name=part.fileName,
                state=self.map_state(part.state),
                status=part.state,
                progress=percent_to_fraction(part.progress),
                message=part.reason or None,
            )
            for part in job.details
        ]
        extra = present(
            collectionName=job.collectionName,
            fileName=job.fileName or None,
            fileSize=job.fileSize,
            totalRows=job.totalRows,
            importedRows=job.importedRows,
            completeTime=job.completeTime or None,
            api="milvus" if self.is_milvus else "zilliz",
        )
        has_rows = job.importedRows is not None and bool(job.totalRows)
        return JobStatus(
            provider=self.name,
            id=job_id,
            state=state,
            status=job.state,
            progress=percent_to_fraction(job.progress)
            if job.progress is not None
            else ratio(job.importedRows, job.totalRows),
            completed=job.importedRows if has_rows else None,
            total=job.totalRows if has_rows else None,
            unit=self.unit if has_rows else None,
            message=message,
            items=items,
            extra=extra,
        )


def _as_int(code: int | str | None) -> int | None:
    if code is None:
        return None
    try:
        return int(code)
    except ValueError:
        return None


def _is_cloud(base_url: str) -> bool:
    return httpx.URL(base_url).host in _CLOUD_HOSTS


_CLOUD_HOSTS = frozenset(httpx.URL(url).host for url in CLOUD_BASE_URLS.values())
