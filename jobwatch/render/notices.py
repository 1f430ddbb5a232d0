"""One-off lines for people on stderr: what a listing found, what was cancelled, and the
retries and warnings of one-off checks and of watches that draw nothing (--json)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from jobwatch.core.events import Event, RetryEvent, WarningEvent
from jobwatch.core.models import JobStatus
from jobwatch.render.text import names_by_id, retry_line

if TYPE_CHECKING:
    from rich.console import Console


def say(stderr: TextIO, line: str) -> None:
    """One line on stderr; a stderr that cannot be written to only silences it."""
    try:
        print(line, file=stderr, flush=True)
    except (OSError, ValueError):
        pass


class NoticesReporter:
    """A reporter for one-off checks and for watches that draw nothing (--json): retries and
    warnings as plain lines on stderr."""

    def __init__(self, make_console: Callable[[], Console]) -> None:
        self.make_console = make_console
        self.console: Console | None = None
        self.names: dict[tuple[str, str], str] = {}

    def start(self, jobs: Sequence[JobStatus]) -> None:
        self.names = names_by_id(jobs)

    def on_event(self, event: Event) -> None:
        if isinstance(event, RetryEvent):
            self._print(retry_line(event, self.names))
        elif isinstance(event, WarningEvent):
            self._print(f"warning: {event.text}")

    def _print(self, text: str) -> None:
        if self.console is None:
            self.console = self.make_console()
        self.console.print(text, style="yellow", markup=False)

    def tick(self) -> None:
        pass

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        pass
