"""Job ids (issue 10, strict requests): which ids are refused, naming the argument, and how an
id becomes exactly one URL path segment."""

from __future__ import annotations

from urllib.parse import unquote

import httpx
import pytest

from jobwatch.core.errors import UsageError
from jobwatch.core.ids import check_job_id, path_segment


@pytest.mark.parametrize(
    "job_id",
    [
        "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",
        "s_m4x7enmven8djfqak",
        "744667080521909***",
        "a b",
        "a/b",
        "…",
        "...",
    ],
)
def test_ordinary_and_odd_but_harmless_ids_pass_unchanged(job_id: str) -> None:
    assert check_job_id(job_id, "SNAPSHOT_ID") == job_id


@pytest.mark.parametrize(
    ("job_id", "says"),
    [
        ("", "empty"),
        (".", "'.' is not a job id"),
        ("..", "'..' is not a job id"),
        ("abc\n", "U+000A"),
        ("a\nb", "U+000A"),
        ("a\rb", "U+000D"),
        ("a\tb", "U+0009"),
        ("a\x00b", "U+0000"),
        ("a\x1b[31mb", "U+001B"),
        ("a\x7fb", "U+007F"),
        ("a\x85b", "U+0085"),
    ],
)
@pytest.mark.parametrize("argument", ["SNAPSHOT_ID", "--cluster-id", "DATASET_ID", "coze:ds/"])
def test_bad_ids_are_usage_errors_naming_the_argument(
    job_id: str, says: str, argument: str
) -> None:
    with pytest.raises(UsageError) as info:
        check_job_id(job_id, argument)
    message = info.value.message
    assert info.value.exit_code == 2
    assert message.startswith(f"{argument}: ")
    assert says in message
    # The message is one printable line: the id's control characters are shown escaped.
    assert message.isprintable()


@pytest.mark.parametrize(
    ("job_id", "segment"),
    [
        ("../../../v1/team/credit-usage", "..%2F..%2F..%2Fv1%2Fteam%2Fcredit-usage"),
        ("abc#frag", "abc%23frag"),
        ("a?x=1", "a%3Fx%3D1"),
        ("a/b", "a%2Fb"),
        ("%2e%2e", "%252e%252e"),
        ("..%2F..", "..%252F.."),
        ("a/../b", "a%2F..%2Fb"),
        ("x y\u00e9", "x%20y%C3%A9"),
        ("a\nb", "a%0Ab"),
        ("1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"),
        ("...", "..."),
    ],
)
def test_path_segment_encodes_one_segment_that_httpx_sends_as_is(job_id: str, segment: str) -> None:
    assert path_segment(job_id) == segment
    # What httpx would put on the wire (it folds `.`/`..` segments, so check it keeps ours).
    sent = httpx.Request("GET", f"http://h/v2/crawl/{path_segment(job_id)}?limit=1").url.raw_path
    assert sent == f"/v2/crawl/{segment}?limit=1".encode()
    assert unquote(sent.split(b"?")[0].split(b"/")[-1].decode()) == job_id


@pytest.mark.parametrize("job_id", ["", ".", ".."])
def test_path_segment_refuses_what_cannot_be_one_segment(job_id: str) -> None:
    # httpx would send `/v2/crawl/..` as `/v2` and `/v2/crawl/` as a folder: never sent.
    with pytest.raises(UsageError) as info:
        path_segment(job_id)
    assert info.value.exit_code == 2


def test_an_id_of_utf8_bytes_read_in_a_c_locale_is_that_id() -> None:
    escaped = "job-\u00e9".encode().decode("ascii", "surrogateescape")  # what Python makes of argv
    assert check_job_id(escaped, "JOB_ID") == "job-\u00e9"


def test_an_id_of_bytes_that_are_not_utf8_is_a_usage_error_showing_them() -> None:
    escaped = b"job-\xff\xfe".decode("utf-8", "surrogateescape")
    with pytest.raises(UsageError) as raised:
        check_job_id(escaped, "JOB_ID")
    assert raised.value.message == (
        "JOB_ID: the job id 'job-\\xff\\xfe' is not valid UTF-8; "
        "pass the id as the provider shows it"
    )
