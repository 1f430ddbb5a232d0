"""What a poll's results mean beyond the provider's word (README: Gates): a "not found"
that only means "not created yet" (--wait-for-start), a job that stopped changing
(--stall-timeout), and a success short of --min-completed / --min-success.

Runs on the poller's clock. Its cost per job and poll: one isinstance check, plus a dict look-up
and a tuple comparison when a stall timeout is set."""

from __future__ import annotations

from collections.abc import Sequence

from jobwatch.core.errors import GoneError, NotFoundError
from jobwatch.core.models import NOT_FOUND_YET, JobState, JobStatus, done_counts
from jobwatch.core.text import duration, share_text
from jobwatch.poll.schedule import Clock
from jobwatch.poll.settings import PollSettings
from jobwatch.providers.base import JobStatusOrError, Provider

Key = tuple[int, str]  # (index of its group, job id), as in book.py
# What counts as a change: status word, counts, progress and parts (Bright Data gives no
# counts, so there only its status word moves).
Signature = tuple[object, ...]


class Rules:
    """Turns a poll's results into what jobwatch reports (see the module's docstring)."""

    def __init__(self, settings: PollSettings, clock: Clock) -> None:
        self.clock = clock
        self.window = settings.wait_for_start
        self.window_ends = clock() + settings.wait_for_start
        self.stall_timeout = settings.stall_timeout if settings.until_terminal else None
        self.min_completed = settings.min_completed
        self.min_success = settings.min_success
        self.gated = self.min_completed is not None or self.min_success is not None
        # Per job: the last signature, when it was first seen (clock), and its checked_at.
        self._last: dict[Key, tuple[Signature, float, str]] = {}
        self._missing: set[Key] = set()  # answered "not found" inside the window

    def screen(
        self,
        group_index: int,
        provider: Provider,
        job_ids: Sequence[str],
        results: Sequence[JobStatusOrError],
    ) -> tuple[Sequence[JobStatusOrError], bool]:
        """The results as jobwatch reports them, and whether a job is only "not found yet"
        (then a one-off check polls again too)."""
        changed: list[JobStatusOrError] | None = None
        waiting = False
        stall = self.stall_timeout is not None
        for position, result in enumerate(results):
            new: JobStatusOrError
            if isinstance(result, JobStatus):
                if result.state is JobState.SUCCEEDED:
                    if not self.gated:
                        continue
                    new = self._gate(result)
                elif stall and not result.state.is_terminal:
                    new = self._stall((group_index, job_ids[position]), result)
                else:
                    continue
            elif isinstance(result, NotFoundError):
                new = self._not_found((group_index, job_ids[position]), provider, result)
                waiting = waiting or isinstance(new, JobStatus)
            else:
                continue
            if new is not result:
                if changed is None:
                    changed = list(results)
                changed[position] = new
        return (results if changed is None else changed), waiting

    def _not_found(self, key: Key, provider: Provider, exc: NotFoundError) -> JobStatusOrError:
        """Inside the window: `pending` / `not found yet`. After it: the error, saying how long
        the job was waited for when it was."""
        if not isinstance(exc, GoneError) and self.clock() < self.window_ends:
            self._missing.add(key)
            return provider.job(
                key[1],
                state=JobState.PENDING,
                status=NOT_FOUND_YET,
                message=f"{exc.message} (taken as not created yet for "
                f"--wait-for-start {self.window:g}s)",
            )
        if key in self._missing:
            self._missing.discard(key)
            return type(exc)(
                f"{exc.message} (still not found after --wait-for-start {self.window:g}s)"
            )
        return exc

    def _stall(self, key: Key, job: JobStatus) -> JobStatus:
        signature = (job.status, job.completed, job.total, job.progress, job.items)
        now = self.clock()
        last = self._last.get(key)
        if last is None or last[0] != signature:
            self._last[key] = (signature, now, job.checked_at)
            return job
        still = now - last[1]
        if self.stall_timeout is None or still < self.stall_timeout:
            return job
        since = last[2]
        # `12:03:04 UTC` from the ISO time of the first answer that said the same.
        message = f"no change since {since[11:19]} UTC (for {duration(still)})"
        if job.message:
            message += f"; {job.message}"
        return job.replace(
            state=JobState.STALLED, message=message, extra={**job.extra, "stalled_since": since}
        )

    def _gate(self, job: JobStatus) -> JobStatus:
        counts = done_counts(job)
        if counts is None:
            return job  # not judged: the run's end says so once (render/reasons.py)
        done, total, unit = counts
        short: list[str] = []
        if self.min_completed is not None and done < self.min_completed:
            short.append(f"{done} {unit} < --min-completed {self.min_completed}")
        if self.min_success is not None and total is not None:
            # Nothing attempted is nothing done: 0 of 0 pages is short of any ratio above 0.
            share = done / total if total > 0 else 0.0
            if share < self.min_success:
                short.append(
                    f"{done} of {total} {unit} ({share_text(share)}) "
                    f"< --min-success {self.min_success:g}"
                )
        if not short:
            return job
        if job.message:
            short.append(job.message)
        return job.replace(state=JobState.FAILED, message="; ".join(short))
