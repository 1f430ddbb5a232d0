"""Job ids on their way into a request: refused when they cannot name one job, and encoded as
exactly one URL path segment when they go into a URL path (issue 10, strict requests)."""

from __future__ import annotations

import re
from urllib.parse import quote

from jobwatch.core.errors import UsageError

# C0 controls (newline, tab, NUL, ESC, …), DEL and the C1 controls: Unicode category Cc.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DOT_SEGMENTS = frozenset({".", ".."})


def check_job_id(text: str, argument: str) -> str:
    """`text` when it can name one job (its UTF-8 bytes read as such, whatever the locale);
    else a UsageError (exit 2) naming `argument` (e.g. `SNAPSHOT_ID`, `--cluster-id`,
    `DATASET_ID`, a `watch` reference)."""
    if text == "":
        raise UsageError(f"{argument}: an empty job id names no job")
    if text in _DOT_SEGMENTS:
        raise UsageError(f"{argument}: {text!r} is not a job id (it names a URL folder)")
    if _SURROGATE.search(text) is not None:
        # Bytes Python could not decode (argv and stdin in a C locale, or not UTF-8 at all)
        # come as surrogate escapes: UTF-8 bytes are the id they spell, others no id.
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeError:
            raise UsageError(
                f"{argument}: the job id '{shown_bytes(text)}' is not valid UTF-8; "
                "pass the id as the provider shows it"
            ) from None
    control = _CONTROL.search(text)
    if control is not None:
        raise UsageError(
            f"{argument}: the job id {text!r} contains a control character "
            f"(U+{ord(control.group()):04X}); pass the id alone, on one line"
        )
    return text


def shown_bytes(text: str) -> str:
    """`text` with the bytes that were not UTF-8 (surrogate escapes) shown as `\\xff`."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeError:  # a surrogate that stands for no byte
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def path_segment(text: str) -> str:
    """`text` percent-encoded as ONE URL path segment: `/`, `?`, `#`, `%`, spaces, controls and
    non-ASCII are all encoded, so an id can never reach another endpoint or add a query.

    An empty id, `.` and `..` cannot be one segment (clients and servers fold dot segments into
    the parent folder), so they are refused here too, whatever the caller checked before.
    """
    if text == "" or text in _DOT_SEGMENTS:
        raise UsageError(f"the job id {text!r} cannot be sent: it is not one URL path segment")
    return quote(text, safe="")
