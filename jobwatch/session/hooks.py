"""`--on-job-end CMD` (README: Hooks and notifications): CMD runs through `sh -c` once for each job
as it ends, while the other jobs keep being polled.

Security: CMD is the user's own command line, run as they typed it with `/bin/sh -c`, like a
`make` recipe or a git hook; the job's fields reach it only through environment variables
(JOBWATCH_PROVIDER, JOBWATCH_JOB_ID, JOBWATCH_STATE, JOBWATCH_STATUS, JOBWATCH_JOB), never
pasted into the command line, so a provider's text cannot inject shell syntax.

A hook's output (stdout and stderr) goes to jobwatch's stderr. A hook has ended when its own
process has exited: its output is read until then and for OUTPUT_GRACE seconds more (what a
child it left behind still writes), then the pipe is let go; the children are the user's and
keep running (`upload.sh &`). A hook that fails is reported (`hook for firecrawl JOB exited
3`); hooks whose own process is still running when the run ends (deadline, interrupt, or
LAST_WAIT seconds after the last job ended when there is no deadline) are stopped: SIGTERM to
the hook's process group, SIGKILL after STOP_GRACE seconds. A hook never changes jobwatch's
exit code.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

from jobwatch.core import exitcodes
from jobwatch.core.events import Event, StatusEvent
from jobwatch.core.models import JobState, JobStatus, job_name

MAX_RUNNING = 8  # hooks at once; more wait for a slot
STOP_GRACE = 2.0  # seconds between SIGTERM and SIGKILL
OUTPUT_GRACE = 1.0  # seconds to read what a finished hook's children still write
CHUNK = 65536
# Without --timeout, how long the hooks still running when the last job ended may take.
LAST_WAIT = 300.0


def ends(job: JobStatus) -> bool:
    """Whether this status ends the job for a hook: terminal, and not merely out of time."""
    if job.state is JobState.UNKNOWN:
        return job.error_exit_code != exitcodes.TIMEOUT
    return job.state.is_terminal


def hook_environment(base: Mapping[str, str], job: JobStatus) -> dict[str, str]:
    return {
        **base,
        "JOBWATCH_PROVIDER": job.provider,
        "JOBWATCH_JOB_ID": job.id,
        "JOBWATCH_STATE": job.state.value,
        "JOBWATCH_STATUS": job.status,
        "JOBWATCH_JOB": job.to_json_text(),
    }


class HookReporter:
    """A reporter (watch.Reporter) of the session that starts CMD for each job that ends;
    `settle` waits for the hooks at the end of the watch and stops those still running."""

    def __init__(
        self,
        command: str,
        stderr: TextIO,
        env: Mapping[str, str],
        *,
        deadline: float | None = None,
    ) -> None:
        self.command = command
        self.stderr = stderr
        self.env = env
        self.deadline = deadline
        self.started: set[tuple[str, str | None, str]] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self._slots: asyncio.Semaphore | None = None
        self._output: Callable[[str], None] | None = None

    def send_output_to(self, output: Callable[[str], None]) -> None:
        """Hand the hooks' output to `output` (the live view prints it above itself)
        instead of writing it to stderr."""
        self._output = output

    def start(self, jobs: Sequence[JobStatus]) -> None:
        pass

    def on_event(self, event: Event) -> None:
        if not isinstance(event, StatusEvent) or not ends(event.job):
            return
        job = event.job
        key = (job.provider, job.scope, job.id)
        if key in self.started:
            return
        self.started.add(key)
        task = asyncio.get_running_loop().create_task(self._run(job))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def tick(self) -> None:
        pass

    def finish(self, jobs: Sequence[JobStatus], exit_code: int, interrupted: bool) -> None:
        pass

    async def settle(self, *, stop_now: bool) -> None:
        """Wait for the running hooks (until the deadline, or at most LAST_WAIT seconds without
        one); stop the rest."""
        if self.tasks and not stop_now:
            left = LAST_WAIT if self.deadline is None else self.deadline - time.monotonic()
            await asyncio.wait(set(self.tasks), timeout=max(left, 0))
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _run(self, job: JobStatus) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(MAX_RUNNING)
        name = job_name(job)
        async with self._slots:
            # Our own pipe, not asyncio's: asyncio's Process.wait() returns only once the
            # output pipes are closed too, which a background child (`sleep 300 &`) holds.
            read_end, write_end = os.pipe()
            try:
                process = await asyncio.create_subprocess_shell(
                    self.command,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=write_end,
                    stderr=write_end,
                    env=hook_environment(self.env, job),
                    start_new_session=True,  # its own process group: stopped as a whole
                )
            except BaseException as exc:
                os.close(read_end)
                if not isinstance(exc, OSError):
                    raise
                self._say(f"jobwatch: hook for {name} could not start: {exc.strerror or exc}")
                return
            finally:
                os.close(write_end)
            pump = asyncio.create_task(self._pump(read_end))
            try:
                code = await process.wait()
            except asyncio.CancelledError:
                await _stop(process)
                pump.cancel()
                self._say(f"jobwatch: hook for {name} stopped: still running at the end of the run")
                raise
            try:
                await asyncio.wait_for(pump, OUTPUT_GRACE)
            except TimeoutError:
                pass  # a background child of the hook still holds its output: let it go
            if code < 0:
                self._say(f"jobwatch: hook for {name} was killed by signal {-code}")
            elif code:
                self._say(f"jobwatch: hook for {name} exited {code}")

    async def _pump(self, fd: int) -> None:
        """Copy the hook's output to stderr until its end (or until cancelled); the pipe is
        closed either way."""
        loop = asyncio.get_running_loop()
        stream = asyncio.StreamReader(loop=loop)
        pipe = os.fdopen(fd, "rb", buffering=0)
        try:
            transport, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(stream, loop=loop), pipe
            )
        except BaseException:
            pipe.close()
            raise
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            while chunk := await stream.read(CHUNK):
                self._write(decoder.decode(chunk))
        finally:
            transport.close()
            self._write(decoder.decode(b"", final=True))

    def _write(self, text: str) -> None:
        if text and self._output is not None:
            self._output(text)
        elif text:
            try:
                self.stderr.write(text)
                self.stderr.flush()
            except (OSError, ValueError):
                pass

    def _say(self, line: str) -> None:
        self._write(line + "\n")


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM to the hook's process group, SIGKILL after STOP_GRACE seconds."""
    for signum, grace in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
        try:
            os.killpg(process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            await asyncio.wait_for(process.wait(), grace)
            return
        except TimeoutError:
            continue
