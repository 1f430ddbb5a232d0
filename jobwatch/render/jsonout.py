"""JSON for one-off checks and NDJSON events for watches (README: Output), on stdout."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from jobwatch.core.events import Event, RetryEvent, StatusEvent
from jobwatch.core.models import JobStatus


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def print_document(out: TextIO, jobs: Sequence[JobStatus], exit_code: int) -> None:
    """The one-off document: {"jobs": [JOB, ...], "exit_code": N}."""
    out.write(
        json.dumps(
            {"jobs": [job.to_json() for job in jobs], "exit_code": exit_code},
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    out.flush()


class NdjsonReporter:
    """One JSON object per line: `status` and `retry` events, then one `summary`."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def _write(self, document: dict[str, Any]) -> None:
        self._write_line(dumps(document))

    def _write_line(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def start(self, jobs: Sequence[JobStatus]) -> None:
        pass

    def on_event(self, event: Event) -> None:
        if isinstance(event, StatusEvent):
            # The JOB serialized by pydantic in one step: a watch writes one per poll.
            self._write_line(f'{{"event":"status","job":{event.job.to_json_text()}}}')
        elif isinstance(event, RetryEvent):
            self._write(
                {
                    "event": "retry",
                    "provider": event.provider,
                    "job_id": event.job_id,
                    "attempt": event.attempt,
                    "delay": round(event.delay, 3),
                    "reason": event.reason,
                }
            )

    def tick(self) -> None:
        pass

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        self._write(
            {"event": "summary", "jobs": [job.to_json() for job in jobs], "exit_code": exit_code}
        )
