"""The real `jobwatch` process on a pseudo-terminal, its bytes read into a terminal emulator
(`pyte`, a dev dependency) so a test asserts the screen a user sees: the lines on it, after
redraws, resizes and Ctrl-C. Used by the live-view tests in tests/e2e/test_terminal.py."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping, Sequence

import pyte

ROWS = 40


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class Terminal:
    """A process on a pty of `columns` x `rows`, and the screen its output draws. The screen
    keeps what scrolled off the top in `history` (lines above the live region)."""

    def __init__(
        self,
        args: Sequence[str],
        env: Mapping[str, str],
        *,
        columns: int,
        rows: int = ROWS,
        cwd: str | None = None,
    ) -> None:
        self.columns, self.rows = columns, rows
        self.screen = pyte.HistoryScreen(columns, rows, history=5000)
        self.screen.set_mode(pyte.modes.LNM)  # a newline also returns the carriage, as a tty does
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        master, slave = pty.openpty()
        _set_size(slave, columns, rows)
        self.master = master
        self.process = subprocess.Popen(
            list(args),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": "", "LINES": ""},
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_take_terminal,
            close_fds=True,
        )
        os.close(slave)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the process closed the pty
            return False
        if not data:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def read_until(self, seen: Callable[[Terminal], bool], timeout: float = 60.0) -> bool:
        """Read output until `seen(self)` or the process ends; whether `seen` came true."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if seen(self):
                return True
            if not self._read(0.05):
                return seen(self)
        return seen(self)

    def text(self) -> str:
        """Everything decoded so far (escape sequences and all)."""
        return self.raw.decode("utf-8", "replace")

    def resize(self, columns: int, rows: int | None = None) -> None:
        """What tmux (and VTE, iTerm2) does when its window is resized: the lines on screen
        and above it are re-wrapped to the new width (a line of 120 cells is two lines at
        60), the cursor moves with its text; then the new size and SIGWINCH."""
        rows = rows or self.rows
        old = self.screen
        lines = [dict(line) for line in old.history.top]
        lines += [dict(old.buffer[y]) for y in range(old.lines)]
        cursor_line, cursor_x = len(old.history.top) + old.cursor.y, old.cursor.x
        wrapped: list[list[pyte.screens.Char]] = []
        new_cursor = (0, 0)
        for index, line in enumerate(lines):
            chars = [line.get(x, old.default_char) for x in range(old.columns)]
            while chars and chars[-1].data == " ":
                chars.pop()
            if index == cursor_line:
                new_cursor = (len(wrapped) + cursor_x // columns, cursor_x % columns)
            pieces = [chars[at : at + columns] for at in range(0, len(chars), columns)] or [[]]
            wrapped += pieces
        last = max(new_cursor[0], max((n for n, row in enumerate(wrapped) if row), default=0))
        wrapped = wrapped[: last + 1]
        top = max(0, len(wrapped) - rows)
        screen = pyte.HistoryScreen(columns, rows, history=5000)
        screen.set_mode(pyte.modes.LNM)
        for row in wrapped[:top]:
            line = screen.buffer[0].__class__(screen.default_char)
            for x, char in enumerate(row):
                line[x] = char
            screen.history.top.append(line)
        for y, row in enumerate(wrapped[top:]):
            for x, char in enumerate(row):
                screen.buffer[y][x] = char
        screen.cursor.y, screen.cursor.x = new_cursor[0] - top, new_cursor[1]
        self.stream.detach(old)
        self.stream.attach(screen)
        self.screen = screen
        self.columns, self.rows = columns, rows
        _set_size(self.master, columns, rows)
        os.killpg(self.process.pid, signal.SIGWINCH)

    def interrupt(self) -> None:
        """Ctrl-C as a terminal sends it: the INTR character on the pty."""
        os.write(self.master, b"\x03")

    def wait(self, timeout: float = 60.0) -> int:
        """Read to the end of the output; the exit code."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self._read(0.05):
            if self.process.poll() is not None:
                while select.select([self.master], [], [], 0.1)[0] and self._read(0):
                    pass
                break
        return self.process.wait(timeout=max(1.0, end - time.monotonic()))

    def lines(self) -> list[str]:
        """The screen's lines, with what scrolled off above, trailing spaces and empty lines
        at the end dropped."""
        above = [_history_line(line, self.screen.columns) for line in self.screen.history.top]
        shown = [line.rstrip() for line in self.screen.display]
        every = [line.rstrip() for line in above] + shown
        while every and not every[-1]:
            every.pop()
        return every

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)
        try:
            os.close(self.master)
        except OSError:
            pass

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _take_terminal() -> None:
    """In the child, after setsid: the pty becomes its controlling terminal, so Ctrl-C on
    it is SIGINT to the child's process group, as in a shell."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _history_line(line: Mapping[int, pyte.screens.Char], columns: int) -> str:
    return "".join(line[x].data if x in line else " " for x in range(columns))


def jobwatch_args(*args: str) -> list[str]:
    return [sys.executable, "-m", "jobwatch", *args]
