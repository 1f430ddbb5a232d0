"""One run of jobwatch: one event loop, one HTTP client, one deadline and one retry policy for
every phase of it — listing (`--running`), watching, cancelling (`--cancel-on-timeout`,
`--cancel-on-interrupt`, `jobwatch cancel`). The `--on-job-end` hooks and `--notify` hang off
it too."""

from __future__ import annotations

import asyncio
import math
import signal
import time
from collections.abc import Callable, Coroutine, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from jobwatch.core.settings import RunOptions
from jobwatch.http.client import Client
from jobwatch.poll.schedule import RetryPolicy
from jobwatch.streams import Streams

if TYPE_CHECKING:
    from jobwatch.core.models import JobStatus
    from jobwatch.session.hooks import HookReporter

T = TypeVar("T")

# Signals that the console entry turns into an interrupt (a Python handler that raises);
# SIGINT is asyncio.Runner's own.
INTERRUPTING = (signal.SIGTERM, signal.SIGHUP)
Handler = Callable[[int, Any], Any]


class Session:
    """A run's loop (asyncio.Runner: each phase runs on the same loop), client, deadline
    (`RunOptions.deadline_seconds` from the start of the session) and retry policy. Close it
    once (a `with` block): the client is closed, then the loop."""

    def __init__(
        self,
        options: RunOptions,
        streams: Streams | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options
        self.streams = streams or Streams()
        self.clock = clock
        self.started = clock()
        budget = options.deadline_seconds(self.streams.env)
        self.deadline = None if budget is None else self.started + budget
        self.retry = RetryPolicy(options.max_retries)
        self.client = Client(
            self.streams.transport,
            debug=self.streams.stderr if options.debug else None,
            env=self.streams.env,
        )
        self.hooks = _hooks(options, self.streams, self.deadline)
        self._runner = asyncio.Runner()
        self._closed = False

    # -- time ------------------------------------------------------------------------------

    def time_left(self) -> float:
        """Seconds to the deadline (inf without one)."""
        return math.inf if self.deadline is None else self.deadline - self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    # -- phases ----------------------------------------------------------------------------

    def run(self, phase: Coroutine[Any, Any, T]) -> T:
        """Run one phase on the session's loop and return what it returns.

        Ctrl-C (asyncio.Runner's handler), and SIGTERM or SIGHUP when a Python handler is
        installed for them (jobwatch/cli/main.py's raises Terminated), cancel the phase at its
        next await: it unwinds (a request in flight is abandoned cleanly, its connection
        closed), what it left running (hooks) is stopped, and then the interrupt is raised here
        — KeyboardInterrupt, or what the handler raised. A signal that comes as the phase ends
        is raised all the same. The loop stays usable, so the phase after an interrupt
        (cancelling the unfinished jobs) runs on it, with the same client."""
        loop = self._runner.get_loop()
        main: list[asyncio.Task[Any]] = []
        raised: list[BaseException] = []

        async def phase_task() -> T:
            task = asyncio.current_task()
            assert task is not None
            main.append(task)
            if raised:  # a signal came before the phase started
                task.cancel()
            return await phase

        def interrupt(exc: BaseException) -> None:
            # From a signal handler: only what asyncio.Runner's own SIGINT handler does.
            raised.append(exc)
            if main and not main[0].done():
                main[0].cancel()
                loop.call_soon_threadsafe(_wake)

        previous = _redirect(interrupt)
        try:
            try:
                result = self._runner.run(phase_task())
            finally:
                _restore(previous)
        except asyncio.CancelledError:
            if not raised:
                raise
        except BaseException:
            self._stop_leftovers()
            raise
        if raised:
            self._stop_leftovers()
            raise raised[0]
        return result

    def _stop_leftovers(self) -> None:
        """Cancel and wait for the tasks an interrupted phase left (hooks still running); a
        second interrupt meanwhile leaves them to close()."""
        loop = self._runner.get_loop()
        left = [task for task in asyncio.all_tasks(loop) if not task.done()]
        if not left:
            return
        for task in left:
            task.cancel()

        async def wait() -> None:
            await asyncio.gather(*left, return_exceptions=True)

        try:
            self._runner.run(wait())
        except (KeyboardInterrupt, asyncio.CancelledError):
            pass

    # -- what hangs off the session -------------------------------------------------------

    async def settle_hooks(self, *, stop_now: bool) -> None:
        """Wait for the hooks still running (inside the deadline); stop them when `stop_now`."""
        if self.hooks is not None:
            await self.hooks.settle(stop_now=stop_now)

    def notify(self, jobs: Sequence[JobStatus], code: int) -> None:
        """`--notify`: bell and desktop notification with the summary line (never an error)."""
        if not self.options.notify or not self.options.watch:
            return
        from jobwatch.render.text import outcome_line
        from jobwatch.session.notify import notify

        elapsed = self.elapsed()
        notify(outcome_line(jobs, code, elapsed), elapsed, self.streams.stderr, self.streams.env)

    # -- closing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the client, then the loop (once). An interrupt meanwhile is raised after."""
        if self._closed:
            return
        self._closed = True
        try:
            self.run(self.client.aclose())
        finally:
            self._runner.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _hooks(options: RunOptions, streams: Streams, deadline: float | None) -> HookReporter | None:
    if not options.on_job_end or not options.watch:
        return None
    from jobwatch.session.hooks import HookReporter

    return HookReporter(options.on_job_end, streams.stderr, streams.env, deadline=deadline)


def _redirect(interrupt: Callable[[BaseException], None]) -> dict[int, Handler]:
    """While a phase runs, what a SIGTERM or SIGHUP handler raises is handed to `interrupt`
    instead (which cancels the phase) rather than raised wherever the program happens to be;
    the handlers replaced, by signal."""
    previous: dict[int, Handler] = {}
    for signum in INTERRUPTING:
        handler = signal.getsignal(signum)
        if not callable(handler):
            continue

        def redirected(number: int, frame: Any, handler: Handler = handler) -> None:
            try:
                handler(number, frame)
            except BaseException as exc:  # noqa: BLE001 - the handler's way to end the run
                interrupt(exc)

        try:
            signal.signal(signum, redirected)
        except ValueError:  # not the main thread: the handler stays as it is
            continue
        previous[signum] = handler
    return previous


def _restore(previous: dict[int, Handler]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def _wake() -> None:
    """Nothing: a callback that wakes the loop (a signal's cancel is then seen at once)."""
