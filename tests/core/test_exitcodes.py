"""The exit-code contract (PRODUCT.md section 3), decided in jobwatch.core.exitcodes."""

from __future__ import annotations

import itertools

import pytest

from jobwatch.core import exitcodes
from jobwatch.core.models import JobState, JobStatus


def job(state: JobState, error_exit_code: int | None = None) -> JobStatus:
    return JobStatus(
        provider="firecrawl",
        id=f"job-{state.value}",
        state=state,
        status=state.value,
        error_exit_code=error_exit_code,
    )


def test_the_codes_are_the_documented_numbers() -> None:
    assert (
        exitcodes.SUCCESS,
        exitcodes.JOB_FAILED,
        exitcodes.USAGE,
        exitcodes.UNKNOWN,
        exitcodes.CREDENTIALS,
        exitcodes.TIMEOUT,
        exitcodes.INTERRUPTED,
    ) == (0, 1, 2, 3, 4, 124, 130)


PRECEDENCE = [130, 1, 4, 3, 124, 0]


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(PRECEDENCE, 2)), ids=str)
def test_with_several_codes_the_earlier_in_precedence_wins(first: int, second: int) -> None:
    assert exitcodes.combine([second, first]) == first
    assert exitcodes.combine([first, second, second]) == first


def test_all_codes_together_and_none_at_all() -> None:
    assert exitcodes.combine(reversed(PRECEDENCE)) == 130
    assert exitcodes.combine([]) == 0


@pytest.mark.parametrize(
    ("state", "finished", "expected"),
    [
        (JobState.SUCCEEDED, True, 0),
        (JobState.SUCCEEDED, False, 0),
        (JobState.FAILED, True, 1),
        (JobState.FAILED, False, 1),
        (JobState.CANCELLED, True, 1),
        (JobState.CANCELLED, False, 1),
        # One-off: a job that is still going was read fine.
        (JobState.PENDING, True, 0),
        (JobState.RUNNING, True, 0),
        # Watch that ended before the job was terminal: a timeout, never 0.
        (JobState.PENDING, False, 124),
        (JobState.RUNNING, False, 124),
    ],
)
def test_one_job(state: JobState, finished: bool, expected: int) -> None:
    assert exitcodes.for_job(job(state), finished=finished) == expected


@pytest.mark.parametrize("code", [3, 4, 124])
def test_an_unknown_job_carries_its_own_code(code: int) -> None:
    unknown = job(JobState.UNKNOWN, error_exit_code=code)
    assert exitcodes.for_job(unknown, finished=True) == code
    assert exitcodes.for_job(unknown, finished=False) == code


def test_an_unknown_job_without_a_code_is_state_unknown() -> None:
    assert exitcodes.for_job(job(JobState.UNKNOWN), finished=True) == 3


def test_one_off_is_content_with_running_jobs_but_a_watch_is_not() -> None:
    jobs = [job(JobState.SUCCEEDED), job(JobState.RUNNING), job(JobState.PENDING)]
    assert exitcodes.for_jobs(jobs, watching=False) == 0
    assert exitcodes.for_jobs(jobs, watching=True) == 124
    assert exitcodes.for_jobs(jobs, watching=True, timed_out=True) == 124


def test_a_finished_watch_that_succeeded_is_zero() -> None:
    jobs = [job(JobState.SUCCEEDED), job(JobState.SUCCEEDED)]
    assert exitcodes.for_jobs(jobs, watching=True) == 0


def test_a_timeout_flag_is_never_zero() -> None:
    jobs = [job(JobState.SUCCEEDED)]
    assert exitcodes.for_jobs(jobs, watching=True, timed_out=True) == 124


def test_failed_beats_credentials_beats_unknown_beats_timeout() -> None:
    failed = job(JobState.FAILED)
    creds = job(JobState.UNKNOWN, error_exit_code=4)
    unknown = job(JobState.UNKNOWN, error_exit_code=3)
    running = job(JobState.RUNNING)
    assert exitcodes.for_jobs([running, unknown, creds, failed], watching=True) == 1
    assert exitcodes.for_jobs([running, unknown, creds], watching=True) == 4
    assert exitcodes.for_jobs([running, unknown], watching=True) == 3
    assert exitcodes.for_jobs([running], watching=True) == 124


def test_a_watcher_error_is_not_a_job_failure() -> None:
    assert exitcodes.for_jobs([job(JobState.UNKNOWN, 3)], watching=False) == 3
    assert exitcodes.for_jobs([job(JobState.UNKNOWN, 4)], watching=False) == 4


@pytest.mark.parametrize("signal_code", [130, 143, 129])
def test_an_interruption_wins_over_everything(signal_code: int) -> None:
    jobs = [job(JobState.FAILED), job(JobState.UNKNOWN, 4), job(JobState.RUNNING)]
    assert (
        exitcodes.for_jobs(jobs, watching=True, timed_out=True, interrupted=signal_code)
        == signal_code
    )
    assert (
        exitcodes.for_jobs([job(JobState.SUCCEEDED)], watching=False, interrupted=signal_code)
        == signal_code
    )


def test_stalled_comes_after_unknown_and_before_timeout() -> None:
    stalled = job(JobState.UNKNOWN, 5)
    assert exitcodes.for_jobs([stalled, job(JobState.RUNNING)], watching=True) == 5
    assert exitcodes.for_jobs([stalled, job(JobState.UNKNOWN, 3)], watching=True) == 3
    assert exitcodes.for_jobs([stalled], watching=True, timed_out=True) == 5


def test_one_table_for_cancels_too_usage_after_a_failure_before_credentials() -> None:
    """A cancel's job gets 2 where its provider has no cancel; a watch's job never does."""
    assert exitcodes.PRECEDENCE == (130, 143, 129, 1, 2, 4, 3, 5, 124, 0)
    assert exitcodes.combine([3, 4, 2, 0]) == 2
    assert exitcodes.combine([2, 1]) == 1
    assert exitcodes.combine([2, 143]) == 143
