"""`--notify` (README: Hooks and notifications): when a watch of at least NOTIFY_AFTER seconds
ends, ring the terminal bell (when stderr is a terminal) and send the summary line as a desktop
notification through whichever of NOTIFIERS the PATH has. Silent where there is none; never an
error; a notifier that hangs is killed after NOTIFIER_TIMEOUT seconds."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from typing import TextIO

from jobwatch.streams import isatty

NOTIFY_AFTER = 10.0
NOTIFIER_TIMEOUT = 3.0
TITLE = "jobwatch"
NOTIFIERS = ("notify-send", "terminal-notifier", "osascript")
# osascript reads the text as an argument, never as AppleScript source.
_APPLESCRIPT = (
    "on run argv",
    f'display notification (item 1 of argv) with title "{TITLE}"',
    "end run",
)


def notifier_command(text: str, path: str | None) -> list[str] | None:
    """The command that shows `text` as a desktop notification, or None when PATH has none."""
    for name in NOTIFIERS:
        found = shutil.which(name, path=path)
        if found is None:
            continue
        if name == "notify-send":
            return [found, "--app-name", TITLE, TITLE, text]
        if name == "terminal-notifier":
            return [found, "-title", TITLE, "-message", text]
        script = [word for line in _APPLESCRIPT for word in ("-e", line)]
        return [found, *script, text]
    return None


def notify(text: str, elapsed: float, stderr: TextIO, env: Mapping[str, str]) -> None:
    """Bell and desktop notification for a watch that took at least NOTIFY_AFTER seconds."""
    if elapsed < NOTIFY_AFTER:
        return
    if isatty(stderr):
        try:
            stderr.write("\a")
            stderr.flush()
        except (OSError, ValueError):
            pass
    command = notifier_command(text, env.get("PATH"))
    if command is None:
        return
    try:
        subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(env),
            timeout=NOTIFIER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        pass  # a missing display, a hanging notifier (killed by the timeout): not our error
