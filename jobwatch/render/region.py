"""The live region: the lines at the bottom of a terminal that a live view redraws in place,
and the lines printed above it (a hook's output) without breaking it.

Why not Rich's `Live`: it leaves the cursor at the end of the region's last line, so the
`^C` a terminal echoes on Ctrl-C (or anything else written there) pushes the region down a
line and the next redraw leaves a copy of its first row; and on a narrower window it does not
know that the terminal re-wrapped the old lines (tmux, VTE and iTerm2 do), so leftovers stay.

Here the cursor rests at the start of the line below the region, every redraw moves up over
the region as the terminal now shows it and erases to the end of the screen, and each frame
is written in one piece. A line is never wider than the terminal (the frame is cropped), so
only a resize can make the terminal wrap one."""

from __future__ import annotations

import atexit
import math

from rich.console import COLOR_SYSTEMS, Console, RenderableType
from rich.segment import Segment

HIDE_CURSOR = "\x1b[?25l"
SHOW_CURSOR = "\x1b[?25h"
ERASE_DOWN = "\x1b[J"


class LiveRegion:
    """Draws frames in place on a terminal console (`Console(force_terminal=True)`)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._drawn: list[int] = []  # the cell width of each line of the last frame
        self._drawn_width = 0  # the terminal's width when it was drawn
        self._started = False
        self._closed = False

    def _write(self, text: str) -> None:
        try:
            self.console.file.write(text)
            self.console.file.flush()
        except (OSError, ValueError):
            pass  # a closed stderr only silences the view

    def _back(self, width: int) -> str:
        """The control codes that take the cursor from below the last frame to where it
        began, and erase it: the terminal may have re-wrapped its lines to a new width."""
        if not self._drawn:
            return ""
        if width < self._drawn_width:
            rows = sum(max(1, math.ceil(cells / width)) for cells in self._drawn)
        else:
            rows = len(self._drawn)
        return f"\r\x1b[{rows}A{ERASE_DOWN}"

    def _frame(self, renderable: RenderableType, width: int, height: int) -> tuple[str, list[int]]:
        """The frame as text with its styles, each line ending in a newline, and its widths;
        at most `height - 1` lines (the cursor's line is below)."""
        options = self.console.options.update(width=width, height=None, no_wrap=True)
        lines = self.console.render_lines(renderable, options, pad=False)
        if len(lines) > max(1, height - 1):
            lines = lines[: max(1, height - 1)]
        # No colour system (NO_COLOR, --color never): no styles at all.
        color_system = COLOR_SYSTEMS.get(self.console.color_system or "")
        texts, widths = [], []
        for line in lines:
            kept = _rstrip(Segment.adjust_line_length(line, width))
            widths.append(sum(segment.cell_length for segment in kept))
            texts.append(
                "".join(
                    segment.style.render(segment.text, color_system=color_system)
                    if segment.style and color_system
                    else segment.text
                    for segment in kept
                    if not segment.control
                )
                + "\n"
            )
        return "".join(texts), widths

    def draw(self, renderable: RenderableType, above: str = "") -> None:
        """Redraw the region with `renderable`; `above` (lines, each ending in a newline) is
        written first, above it, where it stays."""
        if self._closed:
            self._write(above)
            return
        size = self.console.size
        width, height = max(1, size.width), max(2, size.height)
        start = "" if self._started else HIDE_CURSOR
        if not self._started:
            self._started = True
            atexit.register(self._show_cursor)
        text, widths = self._frame(renderable, width, height)
        self._write(start + self._back(width) + above + text)
        self._drawn, self._drawn_width = widths, width

    def print_above(self, renderable: RenderableType, frame: RenderableType) -> None:
        """Print `renderable` above the region (wrapped at words to the width), then the
        region again."""
        width = max(1, self.console.size.width)
        with self.console.capture() as capture:
            self.console.print(renderable, width=width, soft_wrap=False, overflow="fold")
        self.draw(frame, above=capture.get())

    def close(self, renderable: RenderableType) -> None:
        """The last frame, left on screen, and the cursor back; later writes go below it."""
        if self._closed:
            return
        self.draw(renderable)
        self._closed = True
        self._show_cursor()

    def _show_cursor(self) -> None:
        if self._started:
            self._write(SHOW_CURSOR)
            atexit.unregister(self._show_cursor)
            self._started = False


def _rstrip(line: list[Segment]) -> list[Segment]:
    """A line without its trailing blanks (unstyled, or styled without a background), so the
    terminal holds no more cells of it than it shows."""
    kept = list(line)
    while kept:
        last = kept[-1]
        if last.control:
            kept.pop()
            continue
        if last.style is not None and last.style.bgcolor is not None:
            break
        text = last.text.rstrip(" ")
        if text:
            kept[-1] = Segment(text, last.style)
            break
        kept.pop()
    return kept
