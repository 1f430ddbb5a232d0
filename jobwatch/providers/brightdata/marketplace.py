"""Bright Data Marketplace filter snapshots (`snap_…`): `GET /datasets/snapshots/{id}`
(docs/providers/brightdata.md#marketplace-snapshots).

The body: `{"id", "created", "status", "dataset_id", "customer_id", "dataset_size", "file_size",
"cost", "error", "error_code", "warning", "warning_code", "initiation_type"}`. `dataset_size`
counts records, with no total while building: no progress, the gates do not judge it. No
cancel, no list. Its 404 is a `text/html` page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jobwatch.core.errors import NotFoundError
from jobwatch.core.models import JobState, present
from jobwatch.http.responses import json_body
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.brightdata.api import NO_STATUS, BrightData
from jobwatch.providers.reading import Fields, read_object
from jobwatch.providers.spec import Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

_TAG = re.compile(r"<[^>]*>")
# `pending_*`: the snapshot list's filter names a family of pending words
# (docs/providers/brightdata.md#marketplace-states).
_PENDING_PREFIX = "pending_"


class MarketplaceSnapshot(BrightData):
    """`GET /datasets/snapshots/{id}` (docs/providers/brightdata.md#marketplace-snapshots)."""

    kind = "marketplace"
    kind_help = "Marketplace filter snapshots (snap_...): GET /datasets/snapshots/{id}"
    extra_kind = "marketplace"
    examples = ("jobwatch brightdata snap_m5b2c3d4e5f6g7h8i --kind marketplace --watch",)
    id_metavar = "SNAPSHOT_ID"
    ref_forms = (RefForm("brightdata-marketplace", "brightdata-marketplace:SNAPSHOT"),)
    endpoints = {"status": Endpoint("GET", "/datasets/snapshots/{snapshot_id}")}
    states = {
        **state_words(
            # The SDK reads a body without `status` as `scheduled`
            # (docs/providers/brightdata.md#marketplace-states).
            pending="scheduled",
            running="building collecting digesting validating delivering "
            "queued_for_developer_review rolling_back",
            succeeded="ready",
            failed="failed",
            # Filter jobs are cancelled after 5 minutes: terminal.
            cancelled="canceled cancelled",
        ),
        NO_STATUS: JobState.PENDING,
    }

    @classmethod
    def map_state(cls, word: str) -> JobState:
        if word.startswith(_PENDING_PREFIX):
            return JobState.PENDING
        return super().map_state(word)

    @classmethod
    def knows(cls, word: str) -> bool:
        return word.startswith(_PENDING_PREFIX) or super().knows(word)

    @property
    def label(self) -> str:
        return "brightdata marketplace snapshot"

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (snapshot_id,) = job_ids
        return self.request(client, "status", snapshot_id=snapshot_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (snapshot_id,) = job_ids
        if response.status_code == 404 and json_body(response) is None:
            # A `text/html` 404 is this endpoint's own "not found"
            # (docs/providers/brightdata.md#marketplace-errors).
            raise NotFoundError(f"brightdata: HTTP 404: {_page_text(response) or 'not found'}")
        self.check_status(response)
        body = read_object(response, provider=self.name, what="brightdata: marketplace snapshot")
        status = body.text("status") or NO_STATUS
        state = self.map_state(status)
        message = None
        if state in (JobState.FAILED, JobState.CANCELLED):
            message = _reason(body.text("error", numbers=True), body.code("error_code"))
        return [
            self.job(snapshot_id, state=state, status=status, message=message, extra=_extra(body))
        ]


def _extra(body: Fields) -> dict[str, Any]:
    return present(
        dataset_id=body.text("dataset_id"),
        created=body.text("created"),
        dataset_size=body.integer("dataset_size"),
        file_size=body.integer("file_size"),
        cost=body.amount("cost"),
        error=body.text("error", numbers=True),
        error_code=body.code("error_code"),
        warning=body.text("warning", numbers=True),
        warning_code=body.code("warning_code"),
        initiation_type=body.text("initiation_type"),
    )


def _reason(error: str | None, code: int | str | None) -> str | None:
    """`error (error_code)`, or whichever of them there is."""
    code_text = str(code) if code is not None and code != "" else None
    if error and code_text:
        return f"{error} ({code_text})"
    return error or code_text


def _page_text(response: httpx.Response, limit: int = 200) -> str:
    """An HTML or text body as one short line of its text."""
    text = response.content[: limit * 8].decode("utf-8", errors="replace")
    words = " ".join(_TAG.sub(" ", text).split())
    return words[:limit]
