"""The poll loop's record of results: the latest status of every job (a placeholder for each job
not read yet), change detection, jobs ended as `unknown`, and every stored or reported provider
string cleaned (jobwatch/sanitize.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from jobwatch.core import exitcodes
from jobwatch.core.errors import JobwatchError
from jobwatch.core.events import Event, StatusEvent, WarningEvent
from jobwatch.core.models import NOT_FOUND_YET, JobState, JobStatus, utc_now_iso
from jobwatch.core.sanitize import LINE_MAX, clean_job, clean_text, hunted_secrets
from jobwatch.poll.settings import JobGroup
from jobwatch.providers.base import JobStatusOrError, Provider

# A job in the book: (index of its group, job id).
Key = tuple[int, str]
# At most this much of an exception's own text goes into a message.
EXCEPTION_TEXT = 200


def describe_exception(exc: BaseException) -> str:
    """`Type: text` on one short line (the text may come from a provider: cleaned later)."""
    text = " ".join(str(exc).split())
    if len(text) > EXCEPTION_TEXT:
        text = text[:EXCEPTION_TEXT] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def internal_error(exc: BaseException) -> str:
    """The message of a job ended by a bug in jobwatch."""
    return f"internal error: {describe_exception(exc)}, please report"


class JobResults:
    """What is known of every job, in the order given; reports each change through `emit`."""

    def __init__(self, groups: Sequence[JobGroup], emit: Callable[[Event], None]) -> None:
        self.latest: dict[Key, JobStatus] = {}
        self._order: list[Key] = []
        self._placeholders: dict[Key, JobStatus] = {}
        self._warned: set[tuple[str, str]] = set()
        self._emit = emit
        # Keys to hide should a provider's text quote one back.
        self.secrets = hunted_secrets(group.provider.settings.api_key for group in groups)
        for index, group in enumerate(groups):
            for job_id in group.job_ids:
                key = (index, job_id)
                if key not in self._placeholders:
                    self._order.append(key)
                    self._placeholders[key] = group.provider.unread(job_id)

    def jobs(self) -> list[JobStatus]:
        """The latest status of every job, in the order given; unread jobs say so."""
        return [self.latest.get(key) or self._placeholders[key] for key in self._order]

    def unsettled(self) -> bool:
        """True while a job is unread or not terminal."""
        latest = self.latest
        return any(key not in latest or not latest[key].state.is_terminal for key in self._order)

    def is_terminal(self, key: Key) -> bool:
        job = self.latest.get(key)
        return job is not None and job.state.is_terminal

    def clean(self, text: str) -> str:
        """A provider's text for a line of its own (a warning, a retry's reason): cleaned and
        cut to LINE_MAX."""
        return clean_text(text, self.secrets, LINE_MAX)

    def record(
        self,
        group_index: int,
        provider: Provider,
        job_ids: Sequence[str],
        results: Sequence[JobStatusOrError],
    ) -> tuple[list[str], bool]:
        """Store one answer's results: the ids now terminal, and whether one failed or was
        cancelled. A bug while recording one job ends that job alone (`internal error`)."""
        finished: list[str] = []
        failed = False
        for job_id, result in zip(job_ids, results, strict=True):
            key = (group_index, job_id)
            try:
                if isinstance(result, JobwatchError):
                    self.end(group_index, [job_id], result.message, result.exit_code)
                    finished.append(job_id)
                    continue
                self._warn_unknown(provider, result.status)
                self.update(key, result)
            except Exception as exc:  # noqa: BLE001 - a bug: contained to this job
                self.fail(group_index, [job_id], exc)
                finished.append(job_id)
                continue
            if result.state.is_terminal:
                finished.append(job_id)
                failed = failed or result.state in (JobState.FAILED, JobState.CANCELLED)
        return finished, failed

    def end(self, group_index: int, job_ids: Iterable[str], message: str, exit_code: int) -> None:
        """These jobs' states cannot be learned: they end as `unknown`, with this exit code
        (124 for a job that ran out of time, 3 or 4 for errors)."""
        for job_id in job_ids:
            key = (group_index, job_id)
            before = self.latest.get(key) or self._placeholders[key]
            self.update(
                key,
                before.replace(
                    state=JobState.UNKNOWN,
                    message=message,
                    error_exit_code=exit_code,
                    checked_at=utc_now_iso(),
                ),
            )

    def fail(self, group_index: int, job_ids: Iterable[str], exc: BaseException) -> None:
        """A bug in jobwatch while handling these jobs: they end as `unknown` (exit 3)."""
        job_ids = list(job_ids)
        message = internal_error(exc)
        try:
            self.end(group_index, job_ids, message, exitcodes.UNKNOWN)
        except Exception:  # noqa: BLE001 - the bug is in ending jobs: store the outcome bare
            for job_id in job_ids:
                key = (group_index, job_id)
                self.latest[key] = self._placeholders[key].replace(
                    state=JobState.UNKNOWN,
                    message=clean_text(message, ()),
                    error_exit_code=exitcodes.UNKNOWN,
                )

    def update(self, key: Key, job: JobStatus) -> None:
        """Store a job's status, cleaned; report it when it says something new."""
        job = clean_job(job, self.secrets)
        before = self.latest.get(key)
        self.latest[key] = job
        if not job.same_progress(before):
            self._emit(StatusEvent(job))

    def _warn_unknown(self, provider: Provider, status: str) -> None:
        word = (provider.name, status)
        if not provider.knows(status) and word not in self._warned and status != NOT_FOUND_YET:
            self._warned.add(word)
            self._emit(
                WarningEvent(
                    f"{provider.name}: unknown status word {self.clean(status)!r}, "
                    "treated as running"
                )
            )
