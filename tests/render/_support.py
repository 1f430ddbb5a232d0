"""Shared bits for the renderer tests: a settable clock, consoles, and job statuses."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from jobwatch.core.models import Item, JobState, JobStatus


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def plain_console(width: int = 100) -> Console:
    return Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)


def output(console: Console) -> str:
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


FC_ID = "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"


def firecrawl(
    completed: int = 40,
    total: int = 100,
    status: str = "scraping",
    state: JobState = JobState.RUNNING,
    job_id: str = FC_ID,
    **extra: Any,
) -> JobStatus:
    return JobStatus(
        provider="firecrawl",
        id=job_id,
        state=state,
        status=status,
        completed=completed,
        total=total,
        unit="pages",
        progress=completed / total if total else None,
        **extra,
    )


def zilliz(progress: float = 0.45) -> JobStatus:
    return JobStatus(
        provider="zilliz",
        id="job-0123456789",
        state=JobState.RUNNING,
        status="Importing",
        progress=progress,
        items=[
            Item(name="a.parquet", state=JobState.RUNNING, status="Importing", progress=progress),
            Item(
                name="b.parquet",
                state=JobState.FAILED,
                status="Failed",
                progress=None,
                message="schema mismatch",
            ),
        ],
    )


def brightdata(status: str = "running", state: JobState = JobState.RUNNING) -> JobStatus:
    return JobStatus(provider="brightdata", id="s_m4x7enmven8djfqak", state=state, status=status)


def coze(progress: float = 0.4, eta: float | None = 30.0) -> JobStatus:
    return JobStatus(
        provider="coze",
        id="7442585813587689472",
        scope="7442585813587689999",
        scope_key="dataset_id",
        state=JobState.RUNNING,
        status="processing",
        progress=progress,
        eta_seconds=eta,
    )
