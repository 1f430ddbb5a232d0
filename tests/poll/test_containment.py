"""One job's trouble stays with that job (issue 10, point 4; PRODUCT.md section 3): an answer
jobwatch cannot digest is a retryable failure of that poll (exit 3 after --max-retries), a bug
while handling a job ends that job alone as `unknown` ("internal error: …, please report"), and
the other jobs keep polling and keep their outcome, under the precedence rule."""

from __future__ import annotations

import httpx
import pytest

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState
from tests.fakeprovider import fake_group
from tests.watchkit import FakeClock, Reply, Script, watch

DEEP = "[" * 100_000
HUGE = "1" + "0" * 400  # 10^400: too big for a float
LONG = "9" * 5000  # more digits than Python turns into an int

# Bodies no answer should end a run with; each raised by the fake's ordinary parse.
INDIGESTIBLE = {
    "RecursionError": Reply(200, DEEP),
    "OverflowError": Reply(200, f'{{"status": "running", "count": {HUGE}}}'),
    "ValueError": Reply(200, f'{{"status": "running", "count": {LONG}}}'),
    "UnicodeDecodeError": Reply(200, b'{"status": "\xff\xfe"}'),
    "ValidationError": Reply(200, {"status": ["not", "a", "word"]}),
}


def good(final: str) -> list[Reply]:
    return [Reply(200, {"status": "running"}), Reply(200, {"status": final})]


@pytest.mark.parametrize("kind", sorted(INDIGESTIBLE))
@pytest.mark.parametrize(
    ("final", "state", "code"),
    [("done", JobState.SUCCEEDED, exitcodes.UNKNOWN), ("failed", JobState.FAILED, 1)],
)
def test_an_indigestible_answer_is_retried_then_ends_that_job_only(kind, final, state, code):
    result = watch(
        [fake_group("bad", "ok")],
        {"bad": [INDIGESTIBLE[kind]], "ok": good(final)},
        max_retries=2,
    )
    bad = result.job("bad")
    assert bad.state is JobState.UNKNOWN
    assert kind in bad.message
    assert "could not be read" in bad.message
    assert bad.message.endswith("(gave up after 3 failed polls in a row)")
    # Two retries announced, then the give-up: three requests in all.
    assert [event.attempt for event in result.retries] == [1, 2]
    assert all(kind in event.reason for event in result.retries)
    assert len(result.script.times("bad")) == 3
    # The other job kept polling to its own end, and its outcome wins by precedence.
    assert result.script.times("ok") == [0.0, 1.0]
    assert result.job("ok").state is state
    assert result.poller.exit_code() == code


@pytest.mark.parametrize("kind", sorted(INDIGESTIBLE))
def test_an_indigestible_answer_once_is_only_a_retry(kind):
    result = watch(
        [fake_group("flaky")], {"flaky": [INDIGESTIBLE[kind], Reply(200, {"status": "done"})]}
    )
    assert result.script.times() == [0.0, 1.0]
    assert len(result.retries) == 1
    assert result.job("flaky").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.SUCCESS


def test_a_one_off_with_an_indigestible_answer_still_reports_the_failed_job():
    result = watch(
        [fake_group("bad", "gone")],
        {"bad": [Reply(200, DEEP)], "gone": [Reply(200, {"status": "failed"})]},
        until_terminal=False,
        max_retries=1,
    )
    assert result.job("bad").state is JobState.UNKNOWN
    assert result.job("gone").state is JobState.FAILED
    assert result.poller.exit_code() == exitcodes.JOB_FAILED


class Unexpected(Exception):
    pass


@pytest.mark.parametrize(
    "error", [Unexpected("transport fell over"), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "x")]
)
def test_an_unexpected_exception_while_sending_is_a_retry(error):
    clock = FakeClock()
    script = Script(clock, {"bad": [Reply(200, {"status": "done"})]})
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(clock.elapsed)
        if request.url.path.endswith("/bad") and len(calls) == 1:
            raise error
        return script(request)

    result = watch([fake_group("bad")], {}, clock=clock, transport=httpx.MockTransport(handler))
    assert calls == [0.0, 1.0]
    assert type(error).__name__ in result.retries[0].reason
    assert result.job("bad").state is JobState.SUCCEEDED
    assert result.poller.exit_code() == exitcodes.SUCCESS


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("boom", "internal error: RuntimeError: a bug in knows(), please report"),
        (
            "none",
            "internal error: ValueError: zip() argument 2 is shorter than argument 1, "
            "please report",
        ),
    ],
)
@pytest.mark.parametrize(
    ("final", "code"), [("done", exitcodes.UNKNOWN), ("failed", exitcodes.JOB_FAILED)]
)
def test_a_bug_while_recording_one_job_ends_that_job_alone(word, text, final, code):
    result = watch(
        [fake_group("buggy", "ok")],
        {"buggy": [Reply(200, {"status": word})], "ok": good(final)},
    )
    buggy = result.job("buggy")
    assert (buggy.state, buggy.message) == (JobState.UNKNOWN, text)
    assert buggy.error_exit_code == exitcodes.UNKNOWN
    # Not retried: a bug is not the server's fault, and polling again would hit it again.
    assert result.script.times("buggy") == [0.0]
    assert not result.retries
    assert result.script.times("ok") == [0.0, 1.0]
    assert result.poller.exit_code() == code


def test_a_bug_after_other_jobs_finished_leaves_their_outcome():
    result = watch(
        [fake_group("a", "b", "c")],
        {
            "a": [Reply(200, {"status": "failed"})],
            "b": [Reply(200, {"status": "running"}), Reply(200, {"status": "boom"})],
            "c": good("done"),
        },
    )
    assert [job.state for job in result.poller.jobs()] == [
        JobState.FAILED,
        JobState.UNKNOWN,
        JobState.SUCCEEDED,
    ]
    assert result.poller.exit_code() == exitcodes.JOB_FAILED


def test_a_bug_in_storing_a_job_at_all_still_ends_only_that_job(monkeypatch):
    import jobwatch.poll.results as book

    real = book.clean_job

    def cursed(job, secrets):
        if job.id == "cursed":
            raise RuntimeError("cannot store this one")
        return real(job, secrets)

    monkeypatch.setattr(book, "clean_job", cursed)
    result = watch(
        [fake_group("cursed", "ok")],
        {"cursed": [Reply(200, {"status": "running"})], "ok": good("failed")},
    )
    job = result.job("cursed")
    assert job.state is JobState.UNKNOWN
    assert job.message == "internal error: RuntimeError: cannot store this one, please report"
    assert result.job("ok").state is JobState.FAILED
    assert result.poller.exit_code() == exitcodes.JOB_FAILED
