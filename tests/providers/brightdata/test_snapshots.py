"""Bright Data `GET /datasets/v3/progress/{snapshot_id}` (PROVIDERS.md section 1, seed 000)."""

from __future__ import annotations

import pytest

from jobwatch.core.errors import CredentialsError, NotFoundError, RetryableError
from jobwatch.core.models import JobState
from jobwatch.providers.brightdata import Snapshot
from tests.contract import JOB_KEYS
from tests.providers.conftest import endpoint, error_of, one_status, settings

SNAPSHOT = "s_m4x7enmven8djfqak"
PROGRESS_URL = f"https://api.brightdata.com/datasets/v3/progress/{SNAPSHOT}"


def progress(fixture: str | None = None, **kwargs):
    return endpoint("GET", PROGRESS_URL, "brightdata", fixture, **kwargs)


def provider() -> Snapshot:
    return Snapshot(settings(api_key="bd-key-abcdef0123456789"))


def test_request_is_a_bare_get_with_the_bearer_key():
    fake = progress("progress_running.json")
    one_status(provider(), SNAPSHOT, fake)
    request = fake.request
    assert request.method == "GET"
    assert request.url.host == "api.brightdata.com"
    assert request.url.path == f"/datasets/v3/progress/{SNAPSHOT}"
    assert request.url.query == b""
    assert request.headers["Authorization"] == "Bearer bd-key-abcdef0123456789"
    assert request.content == b""


@pytest.mark.parametrize(
    ("fixture", "word", "state"),
    [
        ("progress_starting.json", "starting", JobState.PENDING),
        ("progress_running.json", "running", JobState.RUNNING),
        ("progress_ready.json", "ready", JobState.SUCCEEDED),
        ("progress_failed.json", "failed", JobState.FAILED),
    ],
)
def test_documented_status_words(fixture, word, state):
    job = one_status(provider(), SNAPSHOT, progress(fixture))
    assert job.provider == "brightdata"
    assert job.id == SNAPSHOT
    assert job.state is state
    assert job.status == word
    assert job.state.is_terminal == (word in ("ready", "failed"))
    # /progress gives no numbers: the bar pulses.
    assert job.progress is None
    assert job.completed is None and job.total is None
    assert job.extra["dataset_id"] == "gd_l1viktl72bvl7bjuj0"


def test_failed_carries_error_message():
    job = one_status(provider(), SNAPSHOT, progress("progress_failed.json"))
    assert job.state is JobState.FAILED
    assert job.message == "No data found in discovery"


def test_ready_keeps_record_counts_in_extra():
    job = one_status(provider(), SNAPSHOT, progress("progress_ready.json"))
    assert job.message is None
    assert job.extra == {
        "dataset_id": "gd_l1viktl72bvl7bjuj0",
        "records": 1250,
        "errors": 3,
        "collection_duration": 94,
    }


def test_unknown_word_is_running_with_the_raw_word_kept():
    job = one_status(provider(), SNAPSHOT, progress("progress_unknown_status.json"))
    assert job.state is JobState.RUNNING
    assert job.status == "in_progress"
    assert not Snapshot.knows("in_progress")


def test_401_json_body_is_a_credentials_error():
    err = error_of(provider(), [SNAPSHOT], progress("error_401.json", status=401))
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4
    assert "User authentication is required" in err.message
    assert "401" in err.message


def test_404_json_body_is_not_found_with_its_text():
    err = error_of(provider(), [SNAPSHOT], progress("error_404.json", status=404))
    assert isinstance(err, NotFoundError)
    assert err.exit_code == 3
    assert "Snapshot not found" in err.message
    assert '{"error"' not in err.message


def test_plain_text_401_body_is_kept_as_the_message():
    fake = progress("error_401_invalid_credentials.txt", status=401)
    err = error_of(provider(), [SNAPSHOT], fake)
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4
    assert err.message.endswith("Invalid credentials")


def test_429_is_retryable_with_retry_after_header():
    fake = progress(
        "error_429_too_many_running_jobs.txt", status=429, headers={"Retry-After": "30"}
    )
    err = error_of(provider(), [SNAPSHOT], fake)
    assert isinstance(err, RetryableError)
    assert err.exit_code == 3
    assert err.retry_after == 30.0
    assert err.rate_limited is True
    assert "You have too many running jobs for this dataset" in err.message


def test_429_without_retry_after_leaves_the_backoff_to_us():
    fake = progress("error_429_too_many_running_jobs.txt", status=429)
    err = error_of(provider(), [SNAPSHOT], fake)
    assert isinstance(err, RetryableError)
    assert err.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retryable_with_retry_after(status):
    fake = progress(status=status, body=b"Service Unavailable", headers={"Retry-After": "7"})
    err = error_of(provider(), [SNAPSHOT], fake)
    assert isinstance(err, RetryableError)
    assert err.exit_code == 3
    assert err.retry_after == 7.0
    assert err.rate_limited is False
    assert f"HTTP {status}" in err.message


def test_200_with_a_non_json_body_is_retried_not_trusted():
    fake = progress(body=b"<html><body>502 Bad Gateway</body></html>")
    err = error_of(provider(), [SNAPSHOT], fake)
    assert isinstance(err, RetryableError)
    assert err.exit_code == 3


def test_missing_key_is_a_credentials_error_at_construction():
    with pytest.raises(CredentialsError) as info:
        Snapshot(settings(api_key=None))
    assert info.value.exit_code == 4
    assert "BRIGHTDATA_API_TOKEN" in info.value.message


def test_to_json_is_the_job_object():
    job = one_status(provider(), SNAPSHOT, progress("progress_failed.json"))
    data = job.to_json()
    assert set(data) == JOB_KEYS
    assert data["provider"] == "brightdata"
    assert data["id"] == SNAPSHOT
    assert data["state"] == "failed"
    assert data["status"] == "failed"
    assert data["message"] == "No data found in discovery"
    assert data["items"] == []
    assert data["checked_at"].endswith("Z")
