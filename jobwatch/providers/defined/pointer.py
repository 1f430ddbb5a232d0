"""JSON pointers (RFC 6901, https://www.rfc-editor.org/rfc/rfc6901): `/request_counts/completed`
names one value inside a JSON document, `/errors/data/0/message` the first entry of a list.

`""` is the whole document; every other pointer is `/`-separated reference tokens, in which `~1`
stands for `/` and `~0` for `~`. A token names an object's member, or a list's entry by its
index (`0`, `12`: no leading zeros, no `-`). A pointer that finds nothing finds None, as does
one that finds JSON null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_INDEX = re.compile(r"0|[1-9][0-9]{0,8}")  # longer would be no list jobwatch can hold
_BAD_TILDE = re.compile(r"~(?![01])")
_BUILT = 100  # put() makes lists up to this long


@dataclass(frozen=True)
class Pointer:
    """One JSON pointer: its text (as written in the table) and its unescaped tokens."""

    text: str
    tokens: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Pointer:
        """The pointer `text` names; ValueError saying what is wrong with it."""
        if text == "":
            return cls(text, ())
        if not text.startswith("/"):
            raise ValueError(
                f"{text!r} is not a JSON pointer (RFC 6901): it starts with / (e.g. /status)"
            )
        raw = text[1:].split("/")
        for token in raw:
            if _BAD_TILDE.search(token):
                raise ValueError(
                    f"{text!r} is not a JSON pointer (RFC 6901): ~ is written ~0 and / is ~1"
                )
        return cls(text, tuple(token.replace("~1", "/").replace("~0", "~") for token in raw))

    def find(self, document: Any) -> Any:
        """The value the pointer names in `document`, or None when there is none."""
        value = document
        for token in self.tokens:
            if isinstance(value, dict):
                value = value.get(token)
            elif isinstance(value, list) and _INDEX.fullmatch(token):
                index = int(token)
                value = value[index] if index < len(value) else None
            else:
                return None
            if value is None:
                return None
        return value

    def put(self, document: Any, value: Any) -> Any:
        """`document` with `value` at this pointer, making the objects and lists on the way
        (a numeric token makes a list); a document in the way is left as it is. The simulator
        builds answers with it."""
        if not self.tokens:
            return value
        root = document if isinstance(document, dict | list) else {}
        here: Any = root
        for position, token in enumerate(self.tokens):
            last = position == len(self.tokens) - 1
            following = None if last else self.tokens[position + 1]
            fresh: Any = [] if following is not None and _INDEX.fullmatch(following) else {}
            if isinstance(here, dict):
                if last:
                    here[token] = value
                else:
                    here = here.setdefault(token, fresh)
            elif isinstance(here, list) and _INDEX.fullmatch(token) and int(token) < _BUILT:
                index = int(token)
                while len(here) <= index:
                    here.append(None)
                if last:
                    here[index] = value
                else:
                    if here[index] is None:
                        here[index] = fresh
                    here = here[index]
            else:
                break
        return root

    def __str__(self) -> str:
        return self.text
