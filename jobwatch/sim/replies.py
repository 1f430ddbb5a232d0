"""What the simulator's provider handlers read (`SimRequest`) and return (`Reply`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

JsonObject = dict[str, Any]

REJECTED_KEY = "bad-key"


@dataclass(frozen=True)
class SimRequest:
    """One HTTP request, already read off the socket."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    host: str  # the Host header, or the server's own address

    def bearer_token(self) -> str | None:
        """The token of `Authorization: Bearer <token>`, or None when there is none."""
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()

    def authorized(self) -> bool:
        """Any bearer token is accepted except the simulator's rejected key `bad-key`."""
        token = self.bearer_token()
        return token is not None and token != REJECTED_KEY


@dataclass(frozen=True)
class Reply:
    """An HTTP answer; `drop=True` means: close the connection without answering."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = field(default=())
    drop: bool = False

    def with_header(self, name: str, value: str) -> Reply:
        return replace(self, headers=(*self.headers, (name, value)))


DROP = Reply(drop=True)


def json_reply(payload: object, status: int = 200) -> Reply:
    return Reply(status=status, body=json.dumps(payload, separators=(",", ":")).encode())


def text_reply(text: str, status: int) -> Reply:
    return Reply(status=status, body=text.encode(), content_type="text/plain; charset=utf-8")


def parse_json_object(body: bytes) -> JsonObject | None:
    """The body as a JSON object, or None when it is not one."""
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def iso_seconds(moment: datetime) -> str:
    """`2024-04-01T06:17:55Z`, as Zilliz and Milvus write times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_millis(moment: datetime) -> str:
    """`2024-04-01T06:17:55.123Z`, as JavaScript's toISOString (Firecrawl) writes times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
