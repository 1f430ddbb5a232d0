"""Bright Data deliveries of a snapshot to S3, GCS, a webhook, ...: `GET
/datasets/v3/delivery/{delivery_id}` (docs/providers/brightdata.md#deliveries).

The body: `{"id", "delivery_files": [{"filename", "delivery_ts"}], "status"}`. The documented
status words are only the terminal `done`, `failed` and `canceled`: any other word, or none,
means still delivering. No counts (the files delivered so far are under `extra`), no cancel,
no list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobwatch.core.models import JobState
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.brightdata.api import NO_STATUS, BrightData
from jobwatch.providers.reading import read_object
from jobwatch.providers.spec import Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client


class Delivery(BrightData):
    """`GET /datasets/v3/delivery/{delivery_id}` (docs/providers/brightdata.md#deliveries)."""

    kind = "delivery"
    kind_help = "deliveries of a snapshot (S3, GCS, webhook, ...): GET /datasets/v3/delivery/{id}"
    extra_kind = "delivery"
    examples = ("jobwatch brightdata d_m4x9a2b3c4d5e6f7g --kind delivery --watch",)
    id_metavar = "DELIVERY_ID"
    ref_forms = (RefForm("brightdata-delivery", "brightdata-delivery:DELIVERY"),)
    endpoints = {"status": Endpoint("GET", "/datasets/v3/delivery/{delivery_id}")}
    # docs/providers/brightdata.md#delivery-states: no in-progress word is documented, so a
    # body without `status` is an expected one (no "unknown word" warning).
    states = {
        **state_words(succeeded="done", failed="failed", cancelled="canceled cancelled"),
        NO_STATUS: JobState.RUNNING,
    }

    @property
    def label(self) -> str:
        return "brightdata delivery"

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (delivery_id,) = job_ids
        return self.request(client, "status", delivery_id=delivery_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (delivery_id,) = job_ids
        self.check_status(response)  # 404 `Delivery does not exist`: not found
        body = read_object(response, provider=self.name, what="brightdata: delivery body")
        status = body.text("status") or NO_STATUS
        files = body.objects("delivery_files")
        state = self.map_state(status)
        message = None
        if state in (JobState.FAILED, JobState.CANCELLED):
            # Not documented for deliveries; read where Bright Data's other bodies put a reason.
            message = body.text("error") or body.text("error_message") or None
        return [
            self.job(
                delivery_id,
                state=state,
                status=status,
                message=message,
                extra={"delivery_files": len(files)},
            )
        ]
