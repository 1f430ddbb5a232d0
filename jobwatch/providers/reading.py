"""Reading a provider's JSON answer field by field, with the types its documented shape promises.

A body is parsed once (jobwatch/http/responses.py: no NaN, no number too big for a float, no
nesting too deep), then each field the adapter needs is taken with the reader of its type.
What a documented field may also be, the readers accept, as the providers' SDKs do: a count
sent as `"12"` or `12.0`, a code sent as text. Anything else is an answer of an unexpected
shape: StateUnknownError naming what was read and the field (exit 3, or a retry where the
caller says so). Fields nobody asked for are never looked at, so a body's `data` (Firecrawl's
scraped documents) is never kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from jobwatch.core.errors import StateUnknownError
from jobwatch.http.responses import expect_json_object

if TYPE_CHECKING:
    import httpx

_WHOLE = re.compile(r"\s*[-+]?\d+\s*")
_SHOWN = 40  # characters of an unexpected value quoted in a message


class Fields:
    """One JSON object of an answer. `what` names it in messages (`firecrawl: status body`)."""

    __slots__ = ("data", "what")

    def __init__(self, data: dict[str, Any], what: str) -> None:
        self.data = data
        self.what = what

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        """The value as it came (None when absent)."""
        return self.data.get(key)

    def _wrong(self, key: str, value: Any, should: str) -> StateUnknownError:
        shown = repr(value)
        if len(shown) > _SHOWN:
            shown = shown[: _SHOWN - 1] + "…"
        return StateUnknownError(f"{self.what}: `{key}` should be {should}, not {shown}")

    def text(self, key: str, *, numbers: bool = False) -> str | None:
        """A string; None when absent or null. `numbers`: a number is read as its text."""
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self._wrong(key, value, "text")

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise StateUnknownError(f"{self.what}: the answer has no `{key}` field")
        return value

    def integer(self, key: str) -> int | None:
        """A whole number (also `12.0` or `"12"`); None when absent or null."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _WHOLE.fullmatch(value) and len(value) < 4300:
            return int(value)
        raise self._wrong(key, value, "a whole number")

    def number(self, key: str) -> float | None:
        """A number (also one sent as text); None when absent or null."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:
                raise self._wrong(key, value, "a number a float can hold") from None
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                raise self._wrong(key, value, "a number") from None
            if number == number and abs(number) != float("inf"):
                return number
        raise self._wrong(key, value, "a number")

    def amount(self, key: str) -> int | float | None:
        """A documented `number` (credits, tokens, a cost): whole ones as integers."""
        value = self.number(key)
        return int(value) if value is not None and value.is_integer() else value

    def flag(self, key: str) -> bool | None:
        """true or false; None when absent or null."""
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(key, value, "true or false")

    def code(self, key: str) -> int | str | None:
        """An error code as sent: a number or a text (Zilliz and Coze send both)."""
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise self._wrong(key, value, "a code")

    def object(self, key: str) -> Fields | None:
        """A nested object; None when absent or null."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dict):
            return Fields(value, f"{self.what} `{key}`")
        raise self._wrong(key, value, "an object")

    def objects(self, key: str) -> list[Fields]:
        """A list of objects; empty when absent or null."""
        return list(self._objects(key))

    def _objects(self, key: str) -> Iterator[Fields]:
        value = self.data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            raise self._wrong(key, value, "a list")
        for position, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise self._wrong(f"{key}[{position}]", entry, "an object")
            yield Fields(entry, f"{self.what} `{key}[{position}]`")

    def strings(self, key: str) -> list[str]:
        """A list of strings; empty when absent or null."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            raise self._wrong(key, value, "a list of texts")
        return value

    def present(self, *keys: str) -> dict[str, Any]:
        """The named fields that have a value (not null), as they came: a JOB's `extra`."""
        data = self.data
        return {key: data[key] for key in keys if data.get(key) is not None}


def read_object(response: httpx.Response, *, provider: str, what: str) -> Fields:
    """A 2xx body that must be a JSON object (else a RetryableError: a proxy's page, a cut
    answer), as Fields named `what`."""
    return Fields(expect_json_object(response, provider=provider), what)
