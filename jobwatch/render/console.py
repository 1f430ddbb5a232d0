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

SCREEN_MAX = 10_000  # columns or lines of the largest screen COLUMNS and LINES may describe


def wants_live(options: RunOptions, streams: Streams) -> bool:
    """Live redraws only on a real terminal; never in CI, on TERM=dumb (or none), with --json
    (stdout is for machines), or when forced colour made Rich think it has a terminal."""
    if options.progress is ProgressMode.LIVE:
        return True
    if options.progress is not ProgressMode.AUTO or options.json:
        return False
    env = streams.env
    return isatty(streams.stderr) and not env.get("CI") and not is_dumb(env)


def is_dumb(env: Mapping[str, str]) -> bool:
    """TERM=dumb, or no TERM at all (unset or empty): as git and ls do, no redraws, no colour."""
    return env.get("TERM", "") in ("", "dumb")


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
        color = auto_color and isatty(stream) and not is_dumb(env)
    from rich.console import Console

    console = Console(
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
        _environ={key: value for key, value in env.items() if _passed_to_rich(key, value)},
    )
    console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    return console


def _passed_to_rich(name: str, value: str) -> bool:
    """FORCE_COLOR is decided here; COLUMNS and LINES count only as a size a screen can have
    (1 to SCREEN_MAX): COLUMNS=0 would draw nothing at all, and Rich takes any digits."""
    if name == "FORCE_COLOR":
        return False
    if name in ("COLUMNS", "LINES"):
        return (
            len(value) <= 5 and value.isascii() and value.isdigit() and 0 < int(value) <= SCREEN_MAX
        )
    return True


def _broken_pipe() -> None:
    """Rich ends the process with exit 1 ("a job failed") on a broken pipe: jobwatch's rule is
    141 (README: Troubleshooting), given where errors become exit codes (cli/main.py)."""
    raise BrokenPipeError("stdout is lost")


def stderr_console(options: RunOptions, streams: Streams) -> Console:
    """The console for lines on stderr outside a live view."""
    return make_console(
        streams.stderr, options, streams.env, live=False, auto_color=auto_color(options, streams)
    )
