"""The live view's two decisions: which jobs get a row when they do not all fit, and how wide
each column is at a given terminal width."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from jobwatch.core.models import JobState, JobStatus, is_unread
from jobwatch.render.text import is_problem

Key = TypeVar("Key")

# Who gets a row first when they do not all fit; lower is shown first.
PROBLEM, ACTIVE, JUST_FINISHED, WAITING, FINISHED = range(5)


def rank(job: JobStatus, recently_changed: bool) -> int:
    """Failed, cancelled, stalled or unknown first, then running, then a job that finished a
    moment ago, then pending (or not read yet), then succeeded."""
    if is_problem(job):
        return PROBLEM
    if is_unread(job) or job.state is JobState.PENDING:
        return WAITING
    if not job.state.is_terminal:
        return ACTIVE
    return JUST_FINISHED if recently_changed else FINISHED


def choose(
    keys: Sequence[Key], rank_of: Callable[[Key], int], rows_of: Callable[[Key], int], room: int
) -> list[Key]:
    """All keys when their rows fit in `room` lines; else the best-ranked ones that fit in
    `room - 1` (a line below says what is left out), in their original order so the rows
    shown do not jump about."""
    if sum(rows_of(key) for key in keys) <= room:
        return list(keys)
    budget = room - 1
    picked: set[int] = set()
    for index in sorted(range(len(keys)), key=lambda i: (rank_of(keys[i]), i)):
        need = rows_of(keys[index])
        if need <= budget:
            picked.add(index)
            budget -= need
    return [key for index, key in enumerate(keys) if index in picked]


# Widest a column gets, and the narrowest it shrinks to (in cells).
STATUS_MAX = 16  # `retry 12 in 59s`, `not found yet`, the providers' words
BAR_MAX = 24
PERCENT = 4  # 100%
ELAPSED = 6  # 59m59s, 2h03m: fixed, so the columns after it never shift
ETA = 10  # eta 59m59s
NOTE_WANT = 32  # a retry note or a reason, before the bar shrinks for it
NOTE_MIN = 10


@dataclass(frozen=True)
class Columns:
    """Cell widths of a row; 0 leaves the column out. `unit` says whether counts and rates
    carry theirs."""

    provider: int
    ident: int
    status: int
    bar: int
    counts: int
    percent: int
    elapsed: int
    eta: int
    note: int = 0
    unit: bool = True
    rate: int = 0

    def used(self) -> int:
        """Cells taken by the columns and the single spaces between them."""
        shown = [width for name in _WIDTHS if (width := int(getattr(self, name)))]
        return sum(shown) + len(shown) - 1


_WIDTHS = (
    "provider", "ident", "status", "bar", "counts", "rate", "percent", "elapsed", "eta", "note"
)  # fmt: skip


@dataclass
class Natural:
    """The widths the rows would like, kept at their widest so far: the columns do not shift
    as counts grow or status words change."""

    provider: int = 0
    ident: int = 0
    status: int = 0
    counts: int = 0  # `100/100 pages`
    counts_bare: int = 0  # `100/100`
    rate: int = 0  # `12 pages/s`
    rate_bare: int = 0  # `12/s`
    eta: int = 0  # `eta 5s`: 0 until an ETA is shown, then ETA

    def widen(self, **widths: int) -> None:
        for name, width in widths.items():
            setattr(self, name, max(getattr(self, name), width))


# The order in which columns give way on a narrow terminal, as the table below lists it: the
# note (whose whole text follows the last frame anyway) and the bar first, then counts and
# rates lose their unit and the rate goes; only then do ids shorten (in the middle), the
# counts go and the elapsed time; the status (which holds the short forms `retry 2 in 4s` and
# `not found yet`) and the provider shorten last, the ETA goes late, the percent stays, and
# every row keeps a bar.
_SHRINK: tuple[tuple[str, int], ...] = (
    ("note", 20),
    ("bar", 16),
    ("note", 12),
    ("bar", 12),
    ("unit", 0),
    ("note", NOTE_MIN),
    ("note", 0),
    ("rate", 0),
    ("bar", 10),
    ("bar", 8),
    ("ident", 20),
    ("counts", 0),
    ("ident", 14),
    ("bar", 6),
    ("ident", 10),
    ("elapsed", 0),
    ("status", 10),
    ("ident", 8),
    ("provider", 6),
    ("status", 7),
    ("eta", 0),
    ("bar", 3),
    ("ident", 5),
    ("status", 4),
    ("provider", 4),
)


def fit(width: int, natural: Natural, *, notes: bool) -> Columns:
    """The widest columns that fit in `width`. The note column (only when some row has a note)
    gives way first and gets what is left at the end."""
    columns = Columns(
        provider=natural.provider,
        ident=natural.ident,
        status=min(natural.status, STATUS_MAX),
        bar=BAR_MAX,
        counts=natural.counts,
        rate=natural.rate,
        percent=PERCENT,
        elapsed=ELAPSED,
        eta=natural.eta and ETA,
        note=NOTE_WANT if notes else 0,
    )
    shrunk: list[tuple[str, int]] = []  # (column, width before), to give back what is spare
    for name, floor in _SHRINK:
        over = columns.used() - width
        if over <= 0:
            break
        if name == "unit":
            if columns.counts > natural.counts_bare or columns.rate > natural.rate_bare:
                columns = replace(
                    columns, counts=natural.counts_bare, rate=natural.rate_bare, unit=False
                )
        elif floor == 0:
            columns = _set(columns, name, 0)
        elif (current := _get(columns, name)) > floor:
            shrunk.append((name, current))
            columns = _set(columns, name, max(floor, current - over))
    # Dropping a column may free more than was needed: the last columns shrunk get it back.
    for name, before in reversed(shrunk):
        spare = width - columns.used()
        if spare <= 0:
            break
        current = _get(columns, name)
        if current:  # not a column dropped since
            columns = _set(columns, name, min(before, current + spare))
    spare = width - columns.used()
    if columns.note:
        columns = replace(columns, note=columns.note + spare)
    elif notes and spare - 1 >= NOTE_MIN:
        columns = replace(columns, note=spare - 1)
    return columns


def _get(columns: Columns, name: str) -> int:
    return int(getattr(columns, name))


def _set(columns: Columns, name: str, width: int) -> Columns:
    changes: dict[str, Any] = {name: width}
    return replace(columns, **changes)


def fit_text(text: str, width: int) -> str:
    """The start of `text` in `width` cells, cut with `…`."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def fit_id(text: str, width: int) -> str:
    """An id in `width` cells, keeping both ends: `3f2a9c…77e1c1`."""
    if len(text) <= width:
        return text
    if width < 3:
        return text[:width]
    tail = (width - 1) // 2
    return f"{text[: width - 1 - tail]}…{text[-tail:]}"


def fit_job_id(job: JobStatus, width: int) -> str:
    """`DATASET/DOCUMENT` for Coze (a third of the room for the dataset), else the id."""
    if not job.scope:
        return fit_id(job.id, width)
    whole = f"{job.scope}/{job.id}"
    if len(whole) <= width:
        return whole
    dataset = min(len(job.scope), max(3, (width - 1) // 3))
    return f"{fit_id(job.scope, dataset)}/{fit_id(job.id, width - 1 - dataset)}"


def fit_item(name: str, width: int) -> str:
    """A part's row in the id column: `  └ a.parquet`, indented under its job; a path too
    long keeps its file name (`  └ …/part-0.parquet`), then both ends of that."""
    prefix = "  └ " if width >= 12 else "└ "
    room = width - len(prefix)
    if len(name) <= room:
        return prefix + name
    base = name.rstrip("/").rsplit("/", 1)[-1]
    if base != name and len(base) + 2 <= room:
        return f"{prefix}…/{base}"
    return prefix + fit_id(base, room)
