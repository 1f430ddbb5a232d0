"""Provider text made safe to show: control characters replaced, the run's credentials masked.

Every string a provider sends (status word, message, warning, file names, extras, error bodies)
goes through here before it is stored or reported, so every output mode (table, lines, live
view, NDJSON, `--json`, GitHub outputs) shows the same clean text.

The rule, for one-line text:
- tab, newline, carriage return, vertical tab, form feed and the Unicode line and paragraph
  separators become one space each;
- a whole escape sequence (CSI `ESC [ … final`, OSC `ESC ] … BEL` or `ESC ] … ESC \\`, and the
  one-byte C1 CSI `\\x9b …`) becomes one U+FFFD (�);
- every other control character becomes one U+FFFD: the rest of C0, DEL, C1 (U+0080–U+009F),
  and the bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069 (which make a
  terminal show text in another order than it is).
- Any of the run's keys (of at least MIN_SECRET characters), as given or with surrounding
  whitespace stripped, is shown as `auth list` shows keys (`fc-…9f2a`).
- Lone surrogates (a JSON `\\ud800` escape) become U+FFFD too: no stream can write them.

And bounded (README: Troubleshooting, limits): a provider's text is cut to TEXT_MAX characters
where it is stored (what `--json` shows), its words and names (status, unit, a file's name) to
LINE_MAX, with `…` and the original length (`bound`); a line for people cuts the rest to
LINE_MAX (jobwatch/render/text.py `on_line`). A count no real job has (negative, over
COUNT_MAX, or `completed` over COMPLETED_OVER times `total`) is shown as unknown.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any

from jobwatch.core.keys import mask
from jobwatch.core.models import Item, JobStatus

PLACEHOLDER = "\ufffd"
# Keys shorter than this are not hunted for in text: it would mangle ordinary words.
MIN_SECRET = 8

_SPACES = "\t\n\v\f\r\u2028\u2029"
_CONTROLS = [
    *range(0x20),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    *range(0xD800, 0xE000),
]
_TABLE = {code: " " if chr(code) in _SPACES else PLACEHOLDER for code in _CONTROLS}
_TABLE.update({ord(char): " " for char in _SPACES})
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x9b[0-?]*[ -/]*[@-~]"
)


# Characters of one provider string stored (and shown by --json), and on a line for people.
TEXT_MAX = 2000
LINE_MAX = 300
# Counts beyond any real job: more than COUNT_MAX, or completed over COMPLETED_OVER x total.
COUNT_MAX = 10**15
COMPLETED_OVER = 10
_CUT = re.compile(r"… \((\d{1,3}(?:,\d{3})*) characters\)\Z")


def bound(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters, `…` and its length: `abc… (1,000,040
    characters)`. A text cut before keeps its original length."""
    if len(text) <= limit:
        return text
    cut = _CUT.search(text)
    if cut is None:
        return f"{text[:limit]}… ({len(text):,} characters)"
    if cut.start() <= limit:
        return text
    return f"{text[:limit]}{cut.group()}"


def plausible_count(value: int | None) -> int | None:
    """A provider's count, or None (unknown) when no real job has it: negative or over
    COUNT_MAX."""
    if value is None or 0 <= value <= COUNT_MAX:
        return value
    return None


class Secrets(tuple[str, ...]):
    """Keys to mask, ready for hunting (see hunted_secrets): each as given and stripped, long
    enough, longest first."""


def hunted_secrets(keys: Iterable[str | None]) -> Secrets:
    """The strings to mask for these keys: each as given and stripped, long enough to hunt
    for, longest first (so a key that contains another is masked whole)."""
    if isinstance(keys, Secrets):
        return keys
    found = {
        variant
        for key in keys
        if key
        for variant in (key, key.strip())
        if len(variant) >= MIN_SECRET
    }
    return Secrets(sorted(found, key=len, reverse=True))


def clean_text(text: str, secrets: Sequence[str], limit: int | None = None) -> str:
    """`text` as one safe line: the run's keys masked, control characters replaced (see the
    module's docstring for the rule), then cut to `limit` characters (`bound`). Text that
    needs nothing is returned as it is, cheaply. `secrets` are the run's keys (best given once
    through hunted_secrets)."""
    hunted = hunted_secrets(secrets)
    if text.isprintable():
        for secret in hunted:
            if secret in text:
                break
        else:
            return text if limit is None or len(text) <= limit else bound(text, limit)
    for secret in hunted:
        if secret in text:
            text = text.replace(secret, mask(secret.strip()))
    if not text.isprintable():
        text = _SEQUENCE.sub(PLACEHOLDER, text).translate(_TABLE)
    return text if limit is None else bound(text, limit)


# The most characters of each field a provider writes: words and names, and texts.
_LIMITS = {"status": LINE_MAX, "unit": LINE_MAX, "name": LINE_MAX, "message": TEXT_MAX}


def clean_job(job: JobStatus, secrets: Sequence[str]) -> JobStatus:
    """`job` with every string a provider may have written cleaned and bounded by clean_text:
    status, message, unit, each item's name, status and message, and every string (keys
    included) anywhere inside `extra`; counts no real job has made unknown. The same object
    when nothing needed cleaning."""
    hunted = hunted_secrets(secrets)
    update: dict[str, Any] = {}
    for name in ("status", "message", "unit"):
        value = getattr(job, name)
        if value is not None and (cleaned := clean_text(value, hunted, _LIMITS[name])) is not value:
            update[name] = cleaned
    update.update(_plausible_counts(job))
    if job.items:
        items = [_clean_item(item, hunted) for item in job.items]
        if any(new is not old for new, old in zip(items, job.items, strict=True)):
            update["items"] = items
    if job.extra and _dirty(job.extra, hunted):
        update["extra"] = _clean_value(job.extra, hunted)
    return job.replace(**update) if update else job


def _plausible_counts(job: JobStatus) -> dict[str, Any]:
    """The counts and ETA to change: None for those no real job has."""
    completed, total = plausible_count(job.completed), plausible_count(job.total)
    if completed is not None and total and completed > COMPLETED_OVER * total:
        completed = None
    eta = job.eta_seconds
    if eta is not None and not 0 <= eta <= COUNT_MAX:  # also False for NaN
        eta = None
    update: dict[str, Any] = {}
    if completed is not job.completed:
        update["completed"] = completed
    if total is not job.total:
        update["total"] = total
    if eta is not job.eta_seconds:
        update["eta_seconds"] = eta
    return update


def _clean_item(item: Item, secrets: Secrets) -> Item:
    update: dict[str, Any] = {}
    for name in ("name", "status", "message"):
        value = getattr(item, name)
        limit = _LIMITS[name]
        if value is not None and (cleaned := clean_text(value, secrets, limit)) is not value:
            update[name] = cleaned
    return dataclasses.replace(item, **update) if update else item


def _dirty(value: Any, secrets: Secrets) -> bool:
    """True when a JSON-like value holds a string clean_text would change (plain loops: this
    runs for every stored status)."""
    if isinstance(value, str):
        if not value.isprintable():
            return True
        if len(value) > TEXT_MAX and bound(value, TEXT_MAX) is not value:
            return True
        for secret in secrets:
            if secret in value:
                return True
        return False
    if isinstance(value, dict):
        for key, item in value.items():
            if _dirty(key, secrets) or _dirty(item, secrets):
                return True
        return False
    if isinstance(value, (list, tuple)):
        for item in value:
            if _dirty(item, secrets):
                return True
    return False


def _clean_value(value: Any, secrets: Secrets) -> Any:
    """A JSON-like value with every string cleaned."""
    if isinstance(value, str):
        return clean_text(value, secrets, TEXT_MAX)
    if isinstance(value, dict):
        return {
            _clean_value(key, secrets): _clean_value(item, secrets) for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(_clean_value(item, secrets) for item in value)
    return value
