"""Bright Data deliveries (`GET /datasets/v3/delivery/{id}`) and Marketplace filter snapshots
(`GET /datasets/snapshots/{id}`), from documented bodies (docs/providers/brightdata.md
#deliveries, #marketplace-snapshots).

Where the fixtures come from: `delivery_done_docs_example.json` and
`marketplace_scheduled_docs_example.json` are the docs' examples verbatim, placeholders and all
(BD-MD, BD-MKT); the others are those shapes with the fields named in each test changed, the
words taken from the states tables (BD-MD, BD-MKT, BD-META); `delivery_404_does_not_exist.txt`
is the error list's text (BD-EBE2), `marketplace_404_not_found.html` the third-party capture's
(BD-WO) served as `text/html`, as the OpenAPI says. Error and warning texts are stand-ins.
"""

from __future__ import annotations

import json

import pytest

from jobwatch.core.errors import CredentialsError, NotFoundError, RetryableError, UsageError
from jobwatch.core.models import JobState
from jobwatch.providers import PROVIDERS
from jobwatch.providers.brightdata import Delivery, MarketplaceSnapshot, Snapshot
from tests.contract import JOB_KEYS
from tests.providers.conftest import (
    FakeEndpoint,
    endpoint,
    error_of,
    fixture_bytes,
    one_status,
    settings,
)

KEY = "bd-key-abcdef0123456789"
DELIVERY = "d_m4x9a2b3c4d5e6f7g"
SNAP = "snap_m5b2c3d4e5f6g7h8i"
HOST = "https://api.brightdata.com"


def delivery_answer(fixture: str | None = None, **kwargs) -> FakeEndpoint:
    return endpoint(
        "GET", f"{HOST}/datasets/v3/delivery/{DELIVERY}", "brightdata", fixture, **kwargs
    )


def marketplace_answer(fixture: str | None = None, **kwargs) -> FakeEndpoint:
    return endpoint("GET", f"{HOST}/datasets/snapshots/{SNAP}", "brightdata", fixture, **kwargs)


def delivery() -> Delivery:
    return Delivery(settings(api_key=KEY))


def marketplace() -> MarketplaceSnapshot:
    return MarketplaceSnapshot(settings(api_key=KEY))


def with_status(fixture: str, status: str) -> bytes:
    body = json.loads(fixture_bytes("brightdata", fixture))
    return json.dumps({**body, "status": status}).encode()


def test_the_kinds_of_the_brightdata_command() -> None:
    entry = PROVIDERS["brightdata"]
    assert entry.kind_names() == ("snapshot", "delivery", "marketplace")
    assert entry.default is Snapshot
    assert [f.text for f in Delivery.reference_forms()] == ["brightdata-delivery:DELIVERY"]
    assert [f.text for f in MarketplaceSnapshot.reference_forms()] == [
        "brightdata-marketplace:SNAPSHOT"
    ]
    # Neither is listed nor cancelled by Bright Data.
    assert not Delivery.can_list() and not MarketplaceSnapshot.can_list()
    assert Snapshot.can_list()


@pytest.mark.parametrize(
    ("provider", "fake", "path"),
    [
        (delivery, delivery_answer, f"/datasets/v3/delivery/{DELIVERY}"),
        (marketplace, marketplace_answer, f"/datasets/snapshots/{SNAP}"),
    ],
)
def test_the_request_is_a_bare_get_with_the_bearer_key(provider, fake, path) -> None:
    answer = fake(body=b'{"status":"done"}', headers={"Content-Type": "application/json"})
    job_id = path.rsplit("/", 1)[1]
    one_status(provider(), job_id, answer)
    request = answer.request
    assert (request.method, request.url.host, request.url.path) == (
        "GET",
        "api.brightdata.com",
        path,
    )
    assert request.url.query == b"" and request.content == b""
    assert request.headers["Authorization"] == f"Bearer {KEY}"


# --- deliveries -----------------------------------------------------------------------------


def test_done_is_succeeded_with_its_files_counted() -> None:
    job = one_status(delivery(), DELIVERY, delivery_answer("delivery_done_docs_example.json"))
    assert (job.provider, job.id, job.state, job.status) == (
        "brightdata",
        DELIVERY,
        JobState.SUCCEEDED,
        "done",
    )
    assert job.extra == {"kind": "delivery", "delivery_files": 1}
    # No counts: a pulsing bar, not judged by the gates.
    assert (job.progress, job.completed, job.total) == (None, None, None)
    assert set(job.to_json()) == JOB_KEYS


def test_a_delivery_without_status_is_still_delivering_without_a_warning() -> None:
    job = one_status(delivery(), DELIVERY, delivery_answer("delivery_under_way_no_status.json"))
    assert (job.state, job.status) == (JobState.RUNNING, "no status")
    assert job.extra["delivery_files"] == 1
    assert Delivery.knows(job.status)  # documented as expected: no "unknown word" warning


def test_any_other_word_is_running_raw_with_a_warning() -> None:
    job = one_status(delivery(), DELIVERY, delivery_answer("delivery_unknown_status.json"))
    assert (job.state, job.status) == (JobState.RUNNING, "in_progress")
    assert not Delivery.knows("in_progress")


@pytest.mark.parametrize(
    ("fixture", "state", "word"),
    [
        ("delivery_failed.json", JobState.FAILED, "failed"),
        ("delivery_canceled.json", JobState.CANCELLED, "canceled"),
    ],
)
def test_failed_and_canceled_are_terminal(fixture: str, state: JobState, word: str) -> None:
    job = one_status(delivery(), DELIVERY, delivery_answer(fixture))
    assert (job.state, job.status) == (state, word)
    assert job.state.is_terminal
    assert job.message is None  # the documented body has no reason
    assert job.extra["delivery_files"] == 0


def test_a_reason_in_a_failed_body_is_its_message() -> None:
    body = with_status("delivery_failed.json", "failed")[:-1] + b',"error":"Access Denied"}'
    job = one_status(delivery(), DELIVERY, delivery_answer(body=body))
    assert job.message == "Access Denied"


def test_delivery_does_not_exist_is_not_found() -> None:
    error = error_of(
        delivery(), [DELIVERY], delivery_answer("delivery_404_does_not_exist.txt", status=404)
    )
    assert type(error) is NotFoundError
    assert error.message == "brightdata: HTTP 404: Delivery does not exist"


@pytest.mark.parametrize(
    ("fixture", "status"),
    [("error_401.json", 401), ("error_401_invalid_credentials.txt", 401)],
)
def test_a_rejected_key_is_a_credentials_error(fixture: str, status: int) -> None:
    for provider, answer, job_id in (
        (delivery(), delivery_answer, DELIVERY),
        (marketplace(), marketplace_answer, SNAP),
    ):
        error = error_of(provider, [job_id], answer(fixture, status=status))
        assert isinstance(error, CredentialsError) and error.exit_code == 4


def test_a_delivery_has_no_cancel_naming_its_kind() -> None:
    with pytest.raises(UsageError, match="^brightdata delivery has no cancel"):
        delivery().cancel_request(None, DELIVERY)  # type: ignore[arg-type]


# --- Marketplace snapshots ------------------------------------------------------------------


def test_the_docs_example_is_pending_with_its_sizes_under_extra() -> None:
    job = one_status(
        marketplace(), SNAP, marketplace_answer("marketplace_scheduled_docs_example.json")
    )
    assert (job.state, job.status, job.message) == (JobState.PENDING, "scheduled", None)
    assert job.extra == {
        "kind": "marketplace",
        "dataset_id": "<string>",
        "created": "2023-11-07T05:31:56Z",
        "dataset_size": 123,
        "file_size": 123,
        "cost": 123,
    }
    assert job.progress is None and job.completed is None


def test_ready_is_succeeded_and_keeps_the_warning_under_extra() -> None:
    job = one_status(marketplace(), SNAP, marketplace_answer("marketplace_ready_with_warning.json"))
    assert (job.state, job.status, job.message) == (JobState.SUCCEEDED, "ready", None)
    assert (job.extra["dataset_size"], job.extra["file_size"], job.extra["cost"]) == (
        1000,
        2516582,
        2.5,
    )
    assert (job.extra["warning"], job.extra["warning_code"]) == (
        "Some records were deduplicated",
        "dedup",
    )


def test_failed_says_its_error_and_code() -> None:
    job = one_status(marketplace(), SNAP, marketplace_answer("marketplace_failed.json"))
    assert (job.state, job.status) == (JobState.FAILED, "failed")
    assert job.message == "Snapshot is empty (empty_snapshot)"
    assert (job.extra["error"], job.extra["error_code"]) == ("Snapshot is empty", "empty_snapshot")


def test_canceled_after_five_minutes_is_cancelled_with_its_reason() -> None:
    answer = marketplace_answer("marketplace_canceled_after_5_minutes.json")
    job = one_status(marketplace(), SNAP, answer)
    assert (job.state, job.status) == (JobState.CANCELLED, "canceled")
    assert job.message == "Filter job exceeded 5 minutes"


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("scheduled", JobState.PENDING),
        ("pending_approval", JobState.PENDING),  # `pending_*`: any word of the family
        ("pending_payment", JobState.PENDING),
        ("building", JobState.RUNNING),
        ("collecting", JobState.RUNNING),
        ("digesting", JobState.RUNNING),
        ("validating", JobState.RUNNING),
        ("delivering", JobState.RUNNING),
        ("queued_for_developer_review", JobState.RUNNING),
        ("rolling_back", JobState.RUNNING),
        ("ready", JobState.SUCCEEDED),
        ("failed", JobState.FAILED),
        ("canceled", JobState.CANCELLED),
    ],
)
def test_every_documented_word(word: str, state: JobState) -> None:
    body = with_status("marketplace_building.json", word)
    job = one_status(marketplace(), SNAP, marketplace_answer(body=body))
    assert (job.state, job.status) == (state, word)
    assert MarketplaceSnapshot.knows(word)


def test_an_unknown_word_is_running_raw() -> None:
    body = with_status("marketplace_building.json", "thinking")
    job = one_status(marketplace(), SNAP, marketplace_answer(body=body))
    assert (job.state, job.status) == (JobState.RUNNING, "thinking")
    assert not MarketplaceSnapshot.knows("thinking")


def test_a_body_without_status_is_pending_as_the_sdk_reads_it() -> None:
    job = one_status(marketplace(), SNAP, marketplace_answer("marketplace_no_status.json"))
    assert (job.state, job.status) == (JobState.PENDING, "no status")


def test_the_text_html_404_is_not_found_with_its_text() -> None:
    answer = marketplace_answer(
        "marketplace_404_not_found.html",
        status=404,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    error = error_of(marketplace(), [SNAP], answer)
    assert type(error) is NotFoundError
    assert error.message == "brightdata: HTTP 404: snapshot not found"


def test_a_json_404_is_not_found_too() -> None:
    answer = marketplace_answer("error_404.json", status=404)
    assert type(error_of(marketplace(), [SNAP], answer)) is NotFoundError


def test_a_proxy_page_with_200_is_retried() -> None:
    answer = marketplace_answer(body=b"<html>gateway</html>", headers={"Content-Type": "text/html"})
    assert isinstance(error_of(marketplace(), [SNAP], answer), RetryableError)


def test_a_marketplace_snapshot_has_no_cancel_naming_its_kind() -> None:
    with pytest.raises(UsageError, match="^brightdata marketplace snapshot has no cancel"):
        marketplace().cancel_request(None, SNAP)  # type: ignore[arg-type]


def test_the_dataset_option_is_the_snapshot_kinds_only() -> None:
    with pytest.raises(TypeError, match="takes no dataset_id"):
        Delivery(settings(api_key=KEY), dataset_id="gd_1")
