"""The Rich consoles every renderer draws on: colour from --color, NO_COLOR and FORCE_COLOR,
and a terminal only when we mean to redraw. Rich is imported only when a console is made: a
one-off --json check never makes one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from jobwatch.core.settings import ColorMode, ProgressMode, RunOptions
from jobwatch.streams import Streams, isatty

if TYPE_CHECKING:
    from rich.console import Console


def wants_live(options: RunOptions, streams: Streams) -> bool:
    """Live redraws only on a real terminal; never in CI, on TERM=dumb, with --json (stdout is
    for machines), or when forced colour made Rich think it has a terminal."""
    if options.progress is ProgressMode.LIVE:
        return True
    if options.progress is not ProgressMode.AUTO or options.json:
        return False
    env = streams.env
    return isatty(streams.stderr) and not env.get("CI") and env.get("TERM") != "dumb"


def auto_color(options: RunOptions, streams: Streams) -> bool:
    """Colour on a terminal for one-off checks and live views; a watch's plain lines (and the
    lines after them) are coloured only when forced."""
    return not options.watch or wants_live(options, streams)


def make_console(
    stream: TextIO,
    options: RunOptions,
    env: Mapping[str, str],
    *,
    live: bool,
    auto_color: bool = True,
) -> Console:
    """A console whose colour follows --color, NO_COLOR and FORCE_COLOR, and which only thinks
    it is a terminal when we mean to redraw. With `auto_color` off (plain lines of a watch)
    there is colour only when forced."""
    if options.color is ColorMode.NEVER:
        color = False
    elif options.color is ColorMode.ALWAYS:
        color = True
    elif env.get("NO_COLOR"):
        color = False
    elif env.get("FORCE_COLOR"):
        color = True
    else:
        color = auto_color and isatty(stream) and env.get("TERM") != "dumb"
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=live,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        # A terminal wraps long lines at words (Rich's wrap); a pipe or file gets each line
        # whole, for grep.
        soft_wrap=not live and not isatty(stream),
        width=None if live or isatty(stream) else 200,
        _environ={key: value for key, value in env.items() if key not in ("FORCE_COLOR",)},
    )


def stderr_console(options: RunOptions, streams: Streams) -> Console:
    """The console for lines on stderr outside a live view."""
    return make_console(
        streams.stderr, options, streams.env, live=False, auto_color=auto_color(options, streams)
    )
