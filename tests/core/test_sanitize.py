"""Every provider string is shown clean (issue 10 point 5): control characters, escape sequences
and bidi overrides replaced by U+FFFD, line breaks by a space, and the run's keys masked, in the
JOB JSON and in every event, whatever field of the answer they came in."""

from __future__ import annotations

import json

import pytest

from jobwatch.core import exitcodes
from jobwatch.core.models import Item, JobState, JobStatus
from jobwatch.core.sanitize import (
    LINE_MAX,
    PLACEHOLDER,
    TEXT_MAX,
    bound,
    clean_job,
    clean_text,
    hunted_secrets,
    plausible_count,
)
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.firecrawl import BatchScrape
from jobwatch.providers.zilliz import ImportJob
from tests.fakeprovider import fake_group
from tests.watchkit import Reply, firecrawl_body, settings, watch, zilliz_body

KEY = "k-123456789012"  # watchkit's key; masked as `auth list` shows it
MASKED = "k-…9012"
SECRETS = hunted_secrets([KEY])

# Each: hostile text, and what is shown instead.
HOSTILE = [
    ("\x1b[31mred\x1b[0m", f"{PLACEHOLDER}red{PLACEHOLDER}"),
    ("\x1b]0;pwned\x07title", f"{PLACEHOLDER}title"),
    ("\x1b]8;;http://evil\x1b\\link", f"{PLACEHOLDER}link"),
    ("\x9b2Jgone", f"{PLACEHOLDER}gone"),
    ("a\x00b\x7fc\x85d", f"a{PLACEHOLDER}b{PLACEHOLDER}c{PLACEHOLDER}d"),
    ("evil\u202egnp.exe", f"evil{PLACEHOLDER}gnp.exe"),
    ("\u2066x\u2069", f"{PLACEHOLDER}x{PLACEHOLDER}"),
    ("line one\nline two\tthree\r\n", "line one line two three  "),
    ("\x1bc", f"{PLACEHOLDER}c"),
]


@pytest.mark.parametrize(("text", "shown"), HOSTILE)
def test_clean_text_replaces_control_characters(text, shown):
    assert clean_text(text, ()) == shown


def test_clean_text_leaves_ordinary_text_alone_as_the_same_object():
    text = "scraping 40/100 pages — ünïcode ✓ 完了"
    assert clean_text(text, SECRETS) is text


@pytest.mark.parametrize(
    ("keys", "text", "shown"),
    [
        ([KEY], f"Invalid token {KEY}.", f"Invalid token {MASKED}."),
        ([f"  {KEY}\n"], f"token={KEY}", f"token={MASKED}"),  # a CI secret with a newline
        ([f"{KEY}\n"], f"token={KEY}\n!", f"token={MASKED}!"),  # the key as given
        (["fc-0123456789abcdef9f2a"], "key fc-0123456789abcdef9f2a", "key fc-…9f2a"),
        (["short"], "a short word", "a short word"),  # under 8 characters: not hunted
    ],
)
def test_clean_text_masks_the_run_keys(keys, text, shown):
    assert clean_text(text, hunted_secrets(keys)) == shown
    assert clean_text(text, keys) == shown


def test_clean_job_cleans_every_provider_string_and_nothing_else():
    job = JobStatus(
        provider="zilliz",
        id="job-1",
        state=JobState.RUNNING,
        status="Import\x1b[2Jing",
        message=f"note {KEY}",
        unit="rows\n",
        items=[
            Item(name="a\u202e.parquet", state=JobState.RUNNING, status="ok"),
            Item(name="b.parquet", state=JobState.RUNNING, status="ok"),
        ],
        extra={"warning": [{"deep\x00": f"x {KEY}"}], "count": 3, "fine": "yes"},
    )
    cleaned = clean_job(job, SECRETS)
    assert cleaned.to_json() == {
        **job.to_json(),
        "status": f"Import{PLACEHOLDER}ing",
        "message": f"note {MASKED}",
        "unit": "rows ",
        "items": [
            {**job.items[0].to_json(), "name": f"a{PLACEHOLDER}.parquet"},
            job.items[1].to_json(),
        ],
        "extra": {"warning": [{f"deep{PLACEHOLDER}": f"x {MASKED}"}], "count": 3, "fine": "yes"},
    }
    assert cleaned.items[1] is job.items[1]


def test_clean_job_returns_a_clean_job_as_it_is():
    job = JobStatus(
        provider="firecrawl",
        id="fc-1",
        state=JobState.RUNNING,
        status="scraping",
        unit="pages",
        extra={"kind": "crawl", "creditsUsed": 3},
    )
    assert clean_job(job, SECRETS) is job


# --- through the watch loop: JOB JSON and events ------------------------------------------

ESC = "\x1b[31m"
NUL = "\x00"
BIDI = "\u202e"


def assert_clean(blob: str) -> None:
    """Nothing raw and no whole key in this text (a JOB's JSON or an event's text)."""
    for raw in (ESC, "\x1b", NUL, BIDI, KEY):
        assert raw not in blob


def test_hostile_strings_reach_the_job_and_events_only_as_placeholders():
    word = f"run{ESC}ning{NUL}{BIDI}"
    result = watch(
        [fake_group("j")],
        {
            "j": [
                Reply(
                    200,
                    {
                        "status": word,
                        "message": f"msg{ESC}{NUL}",
                        "files": [f"file{BIDI}.csv"],
                        "extra": {"warning": f"w{ESC}", "nested": [{"k": f"{NUL}v"}]},
                    },
                ),
                Reply(200, {"status": "done"}),
            ]
        },
    )
    (warning,) = result.warnings
    assert warning.text == (
        f"fake: unknown status word 'run{PLACEHOLDER}ning{PLACEHOLDER}{PLACEHOLDER}', "
        "treated as running"
    )
    first = result.statuses[0].job.to_json()
    assert first["status"] == f"run{PLACEHOLDER}ning{PLACEHOLDER}{PLACEHOLDER}"
    assert first["message"] == f"msg{PLACEHOLDER}{PLACEHOLDER}"
    assert first["items"][0]["name"] == f"file{PLACEHOLDER}.csv"
    assert first["extra"] == {
        "warning": f"w{PLACEHOLDER}",
        "nested": [{"k": f"{PLACEHOLDER}v"}],
    }
    for event in result.statuses:
        assert_clean(event.job.to_json_text())
    assert_clean(warning.text)


def test_a_key_echoed_in_status_and_warning_is_masked():
    body = {"success": True, "status": f"bad {KEY}", "warning": f"key {KEY} is rate limited"}
    result = watch(
        [JobGroup(BatchScrape(settings()), ["fc-1"])],
        {"fc-1": [Reply(200, body), firecrawl_body("completed")]},
    )
    first = result.statuses[0].job.to_json()
    assert first["status"] == f"bad {MASKED}"
    assert first["extra"]["warning"] == f"key {MASKED} is rate limited"
    assert (
        result.warnings[0].text
        == f"firecrawl: unknown status word 'bad {MASKED}', treated as running"
    )
    for event in result.statuses:
        assert_clean(json.dumps(event.job.to_json()))


def test_an_error_body_with_the_key_and_escapes_is_clean_in_retries_and_the_end():
    error = Reply(500, {"error": f"upstream said {ESC}token {KEY} invalid{NUL}"})
    result = watch([JobGroup(BatchScrape(settings()), ["fc-1"])], {"fc-1": [error]}, max_retries=1)
    (retry,) = result.retries
    shown = f"firecrawl: HTTP 500: upstream said {PLACEHOLDER}token {MASKED} invalid{PLACEHOLDER}"
    assert retry.reason == shown
    job = result.job("fc-1")
    assert job.message == f"{shown} (gave up after 2 failed polls in a row)"
    assert_clean(job.to_json_text())
    assert result.poller.exit_code() == exitcodes.UNKNOWN


def test_a_rejected_key_quoted_back_is_masked_in_the_job():
    reply = Reply(401, {"error": f"Unauthorized: Invalid token {KEY}"})
    result = watch([JobGroup(BatchScrape(settings()), ["fc-1"])], {"fc-1": [reply]})
    assert (
        result.job("fc-1").message
        == f"firecrawl: HTTP 401: Unauthorized: Invalid token {MASKED} (the key was sent to "
        "http://sim.test: if it wants its own key, pass --api-key or set "
        "$JOBWATCH_FIRECRAWL_API_KEY)"
    )
    assert result.poller.exit_code() == exitcodes.CREDENTIALS


def test_zilliz_file_names_are_cleaned():
    body = zilliz_body("Importing")
    body.body["data"]["details"][0]["fileName"] = f"a{ESC}.parquet"
    result = watch(
        [JobGroup(ImportJob(settings(cluster_id="in01-abc")), ["job-1"])],
        {"job-1": [body, zilliz_body("Completed", 100)]},
    )
    first = result.statuses[0].job
    assert first.items[0].name == f"a{PLACEHOLDER}.parquet"


# Bounds (issue 22): provider text is cut where it is stored, counts no job has are unknown


def test_bound_cuts_with_the_original_length_and_keeps_it_when_cut_again() -> None:
    text = "x" * 1_000_040
    stored = bound(text, TEXT_MAX)
    assert stored == "x" * TEXT_MAX + "… (1,000,040 characters)"
    assert bound(stored, LINE_MAX) == "x" * LINE_MAX + "… (1,000,040 characters)"
    assert bound(stored, TEXT_MAX) is stored
    assert bound("short", LINE_MAX) == "short"


def test_clean_text_masks_a_key_before_cutting_so_no_part_of_it_shows() -> None:
    key = "fc-0123456789abcdef0123456789abcdef"
    text = "a" * (LINE_MAX - 10) + key
    shown = clean_text(text, [key], LINE_MAX)
    assert "0123456789" not in shown and shown.endswith("fc-…cdef")


def test_clean_job_bounds_words_names_and_texts() -> None:
    big = "y" * 5000
    dirty = JobStatus(
        provider="zilliz",
        id="j",
        state=JobState.RUNNING,
        status="s" + big,
        unit="u" + big,
        message="m" + big,
        items=[Item(name="n" + big, state=JobState.RUNNING, status="t" + big, message="e" + big)],
        extra={"warning": "w" + big, "k" + big: ["v" + big]},
    )
    clean = clean_job(dirty, ())
    suffix = "… (5,001 characters)"
    assert clean.status == "s" + "y" * (LINE_MAX - 1) + suffix
    assert clean.unit == "u" + "y" * (LINE_MAX - 1) + suffix
    assert clean.message == "m" + "y" * (TEXT_MAX - 1) + suffix
    (item,) = clean.items
    assert (len(item.name), len(item.status), len(item.message or "")) == (
        LINE_MAX + len(suffix),
        LINE_MAX + len(suffix),
        TEXT_MAX + len(suffix),
    )
    assert clean.extra["warning"] == "w" + "y" * (TEXT_MAX - 1) + suffix
    ((key, values),) = [(k, v) for k, v in clean.extra.items() if k.startswith("k")]
    assert len(key) == len(values[0]) == TEXT_MAX + len(suffix)
    assert clean_job(clean, ()) is clean  # bounded once, left alone after


@pytest.mark.parametrize(
    ("completed", "total", "eta", "shown"),
    [
        (5, 10, 30.0, (5, 10, 30.0)),
        (-1, 10, None, (None, 10, None)),
        (10**400, 10, None, (None, 10, None)),
        (5, 10**16, None, (5, None, None)),
        (101, 10, None, (None, 10, None)),  # more than 10 x the total
        (100, 10, None, (100, 10, None)),
        (7, 0, None, (7, 0, None)),  # a total of 0 is "not known yet" at some providers
        (1, 2, -5.0, (1, 2, None)),
        (1, 2, float("nan"), (1, 2, None)),
        (1, 2, 1e300, (1, 2, None)),
    ],
)
def test_counts_no_real_job_has_are_unknown(
    completed: int, total: int, eta: float | None, shown: tuple[object, ...]
) -> None:
    seen = clean_job(
        JobStatus(
            provider="firecrawl",
            id="j",
            state=JobState.RUNNING,
            status="scraping",
            completed=completed,
            total=total,
            eta_seconds=eta,
        ),  # fmt: skip
        (),
    )
    assert (seen.completed, seen.total, seen.eta_seconds) == shown
    assert plausible_count(10**15) == 10**15 and plausible_count(10**15 + 1) is None


def test_a_lone_surrogate_from_a_json_escape_becomes_a_placeholder() -> None:
    text = json.loads('"scr\\ud800x\\udfff"')
    assert clean_text(text, ()) == f"scr{PLACEHOLDER}x{PLACEHOLDER}"
