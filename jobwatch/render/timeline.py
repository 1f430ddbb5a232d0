"""The picture of a watch for the step summary (README: CI recipes): a Mermaid gantt chart with
one bar per job from its first answer to its end, in its end state, a section per provider.

`Timeline` is a reporter: it notes when the run started and ended and when each job first
answered (the JOB itself only says when it was last checked)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from jobwatch.core import exitcodes
from jobwatch.core.events import Event, StatusEvent
from jobwatch.core.models import NOT_FOUND_YET, JobState, JobStatus, is_unread
from jobwatch.core.text import duration
from jobwatch.render import mermaid
from jobwatch.render.text import short_id, state_phrase

MAX_BARS = 50  # more jobs: the 50 that ran longest, and a line for the rest
NAME_LENGTH = 60  # a bar's name is cut here (the table has everything)
ID_LENGTH = 24

# (provider, scope, id): a job, as the events and the final list name it.
Key = tuple[str, str | None, str]


def _key(job: JobStatus) -> Key:
    return (job.provider, job.scope, job.id)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _when(job: JobStatus) -> datetime | None:
    """The time of the answer behind `job` (its `checked_at`), in UTC."""
    try:
        moment = datetime.fromisoformat(job.checked_at)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def answered(job: JobStatus) -> bool:
    """True when `job` is what its provider said about it (not a placeholder, not "not found
    yet", not an error of jobwatch's)."""
    return not is_unread(job) and job.status != NOT_FOUND_YET and job.state is not JobState.UNKNOWN


def still_running(job: JobStatus) -> bool:
    """Not finished when the run ended (the deadline, an interrupt, --fail-fast)."""
    if is_unread(job) or not job.state.is_terminal:
        return True
    return job.state is JobState.UNKNOWN and job.error_exit_code == exitcodes.TIMEOUT


class Timeline:
    """When the run started and ended, and when each job first answered."""

    def __init__(self, now: Callable[[], datetime] = _utc_now) -> None:
        self.now = now
        self.started: datetime | None = None
        self.ended: datetime | None = None
        self.first: dict[Key, datetime] = {}

    def start(self, jobs: Sequence[JobStatus]) -> None:
        self.started = self.now()

    def on_event(self, event: Event) -> None:
        if isinstance(event, StatusEvent) and answered(event.job):
            key = _key(event.job)
            if key not in self.first:
                self.first[key] = _when(event.job) or self.now()

    def tick(self) -> None:
        pass

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        self.ended = self.now()

    def bar(self, job: JobStatus) -> mermaid.Bar:
        """The job's bar: from its first answer (or the start of the run, when it never gave
        one) to its last answer (or the end of the run, when it was not finished)."""
        run_start = self.started or self.now()
        run_end = self.ended or self.now()
        start = self.first.get(_key(job), run_start)
        running = still_running(job)
        end = run_end if running else (_when(job) or run_end)
        end = max(end, start)
        phrase = f"still {state_phrase(job)}" if running else state_phrase(job)
        name = f"{short_id(job.ident, ID_LENGTH)} {phrase}"
        if len(name) > NAME_LENGTH:
            name = name[: NAME_LENGTH - 1] + "…"
        tags = _tags(job, running)
        if end == start:
            tags += ("milestone",)  # an instant: ended at its first answer
        return mermaid.Bar(job.provider, name, tags, start, end)


def _tags(job: JobStatus, running: bool) -> tuple[str, ...]:
    """done: succeeded; crit: failed or cancelled; crit + active: stalled; active: still
    running at the end; crit + done: unknown (jobwatch could not learn the state)."""
    if running:
        return ("active",)
    if job.state is JobState.SUCCEEDED:
        return ("done",)
    if job.state is JobState.STALLED:
        return ("crit", "active")
    if job.state is JobState.UNKNOWN:
        return ("crit", "done")
    return ("crit",)


def chart(jobs: Sequence[JobStatus], timeline: Timeline) -> str:
    """The Markdown of the picture: a ```mermaid block and, over MAX_BARS jobs, a line for the
    jobs left out. Empty for no jobs."""
    if not jobs:
        return ""
    bars = [timeline.bar(job) for job in jobs]
    shown = list(range(len(bars)))
    note = ""
    if len(bars) > MAX_BARS:
        longest = sorted(shown, key=lambda i: bars[i].end - bars[i].start, reverse=True)
        shown = sorted(longest[:MAX_BARS])
        left = longest[MAX_BARS:]
        most = max(bars[i].end - bars[i].start for i in left).total_seconds()
        note = (
            f"The chart shows the {MAX_BARS} jobs that ran longest; the {len(left)} others "
            f"(none longer than {duration(most)}) are in the table below.\n\n"
        )
    picked = [bars[i] for i in shown]
    span = (max(b.end for b in picked) - min(b.start for b in picked)).total_seconds()
    axis = "%H:%M:%S" if span < 2 * 3600 else "%H:%M" if span < 86400 else "%m-%d %H:%M"
    noun = "job" if len(jobs) == 1 else "jobs"
    title = f"jobwatch: {len(jobs)} {noun}, times in UTC"
    text = mermaid.gantt(title, picked, axis_format=axis)
    return f"```mermaid\n{text}```\n\n{note}"
