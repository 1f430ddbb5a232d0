"""Zilliz Cloud import jobs, and self-hosted Milvus's: progress, the import job list and
Milvus's abort (docs/providers/zilliz.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jobwatch.core.errors import NotFoundError, StateUnknownError, UsageError
from jobwatch.core.models import Item, JobStatus, percent_to_fraction, present, ratio
from jobwatch.http.responses import body_text, error_text, raise_for_status
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.reading import Fields, read_object
from jobwatch.providers.spec import ContextField, Endpoint, RefForm
from jobwatch.providers.zilliz.api import Zilliz, as_code, is_cloud

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

IMPORT = "/v2/vectordb/jobs/import"
LIST_PAGE_SIZE = 100  # Zilliz Cloud: the SDKs default to 10; the simulator allows up to 100


class ImportJob(Zilliz):
    """`POST /v2/vectordb/jobs/import/getProgress` (Zilliz Cloud, needs a cluster id), or
    `POST /v2/vectordb/jobs/import/describe` on a self-hosted Milvus base URL
    (docs/providers/zilliz.md#status)."""

    kind = "import"
    kind_help = (
        "import jobs: POST /v2/vectordb/jobs/import/getProgress (Milvus: /describe, no cluster id)"
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
    endpoints = {
        "status": Endpoint("POST", f"{IMPORT}/getProgress"),
        "milvus_status": Endpoint("POST", f"{IMPORT}/describe"),  # zilliz.md#milvus-status
        "running": Endpoint("POST", f"{IMPORT}/list"),  # zilliz.md#running-jobs
        "cancel": Endpoint("POST", f"{IMPORT}/abort"),  # Milvus only: zilliz.md#cancel
    }
    unit = "rows"
    running_noun = "unfinished import jobs"
    states = state_words(
        pending="Pending",
        # Uncommitted, Committing: a two-phase import with auto-commit off, paused until
        # someone calls /commit; InProgress … IndexBuilding: per-file (task) states
        # (docs/providers/zilliz.md#states).
        running="Importing Uncommitted Committing InProgress PreImporting Sorting IndexBuilding",
        succeeded="Completed",
        failed="Failed",
    )

    def __init__(self, settings: Any, **context: Any) -> None:
        super().__init__(settings, **context)
        # Milvus needs no cluster id; anything else with a cluster id speaks getProgress.
        self.is_milvus = not is_cloud(self.base_url) and not self.cluster_id
        if not self.is_milvus and not self.cluster_id:
            raise UsageError(
                "zilliz needs a cluster id: pass --cluster-id in01-…, or store one with "
                "`jobwatch auth set zilliz --cluster-id in01-…`"
            )

    @property
    def needs_key(self) -> bool:
        # A Milvus server with authorization disabled takes no token
        # (docs/providers/zilliz.md#hosts-and-auth).
        return is_cloud(self.base_url)

    @property
    def label(self) -> str:
        return "milvus" if self.is_milvus else f"zilliz cluster {self.cluster_id}"

    # -- import job list and Milvus abort (docs/providers/zilliz.md#running-jobs, #cancel) --

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
        body = read_object(response, provider=self.name, what="zilliz: import job list")
        code = as_code(body.code("code"))
        data = body.object("data")
        if code not in (0, 200) or data is None or data.raw("records") is None:
            message = body.text("message") or "no import job records in the answer"
            raise self.code_error(code, message)
        records = data.objects("records")
        ids = []
        for job in records:
            job_id = job.code("jobId")
            if job_id is None:
                raise StateUnknownError("zilliz: a listed import job has no jobId")
            if not self.map_state(job.text("state") or "").is_terminal:
                ids.append(str(job_id))
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
        body = read_object(response, provider=self.name, what="milvus: abort answer")
        code = as_code(body.code("code"))
        if code in (0, 200):
            return True
        message = body.text("message") or ""
        if "state Completed" in message or "state Failed" in message:
            return False  # "job N is in terminal/committed state Completed, abort not allowed"
        if "auto_commit" in message:
            raise StateUnknownError(
                f"milvus: import job {job_id} cannot be aborted: Milvus aborts only imports "
                f'created with "auto_commit": "false" ({message})'
            )
        if "does not exist" in message or "not found" in message:
            raise NotFoundError(f"milvus: import job {job_id} not found: {message}")
        error = self.code_error(code, message)
        if isinstance(error, NotFoundError) or "not allowed" in message:  # e.g. while Committing
            raise StateUnknownError(f"milvus: import job {job_id} cannot be aborted: {message}")
        raise error

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        # Always a string: old examples sent a number > 2^53; Milvus rejects numbers
        # (docs/providers/zilliz.md#quirks).
        body: dict[str, str] = {"jobId": str(job_id)}
        if self.is_milvus:
            return self.request(client, "milvus_status", json=body)
        body["clusterId"] = str(self.cluster_id)
        return self.request(client, "status", json=body)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        raise_for_status(response, error_text(response, "message"), provider=self.name)
        body = read_object(response, provider=self.name, what="zilliz: progress body")
        code = as_code(body.code("code"))
        data = body.object("data")
        # Success is code 0 (int or "0"; Milvus 2.3 said 200). A `code: 0` with a message and
        # no data (or data without a state) is an error too (docs/providers/zilliz.md#errors).
        if code not in (0, 200) or data is None or not data.text("state"):
            message = body.text("message") or "no import job state in the answer"
            raise self.code_error(code, message)
        return [self._status(job_id, data)]

    def _status(self, job_id: str, job: Fields) -> JobStatus:
        """`data` of getProgress (Zilliz Cloud) and of describe (Milvus): the same shape."""
        word = job.required_text("state")
        message = job.text("reason") or None
        if word == "Uncommitted":
            message = "waiting for a commit: the import was created with auto-commit off"
        elif word == "Committing":
            message = "committing"
        items = [
            Item(
                name=part.text("fileName") or "",
                state=self.map_state(part.text("state") or ""),
                status=part.text("state") or "",
                progress=percent_to_fraction(part.number("progress")),
                message=part.text("reason") or None,
            )
            for part in job.objects("details")
        ]
        imported, total = job.integer("importedRows"), job.integer("totalRows")
        extra = present(
            collectionName=job.text("collectionName"),
            fileName=job.text("fileName") or None,
            fileSize=job.integer("fileSize"),
            totalRows=total,
            importedRows=imported,
            completeTime=job.text("completeTime") or None,
            api="milvus" if self.is_milvus else "zilliz",
        )
        has_rows = imported is not None and bool(total)
        progress = job.number("progress")
        return self.job(
            job_id,
            state=self.map_state(word),
            status=word,
            progress=percent_to_fraction(progress)
            if progress is not None
            else ratio(imported, total),
            completed=imported if has_rows else None,
            total=total if has_rows else None,
            unit=self.unit if has_rows else None,
            message=message,
            items=items,
            extra=extra,
        )
