"""Reading one `[providers.NAME]` table, strictly (README: Your own provider).

Every key is checked before anything is sent: an unknown key, a value of the wrong type, a
pointer that is not RFC 6901, an endpoint that is not `GET|POST /path/{id}`, a base URL with a
path, a header h11 would refuse or that jobwatch sets itself, a state word listed twice, a name
that clashes with a provider or a command. Each problem is one UsageError (exit 2) naming the
file, the table and the key: `providers.toml: [providers.acme] read.status: …`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlsplit

from jobwatch.core.errors import UsageError
from jobwatch.core.models import JobState
from jobwatch.core.sanitize import clean_text
from jobwatch.providers.defined.pointer import Pointer
from jobwatch.providers.spec import Endpoint

# Commands a provider's name would hide (README: Your own provider).
RESERVED_NAMES = ("watch", "auth", "sim", "demo", "cancel", "providers")
STATES = ("pending", "running", "succeeded", "failed", "cancelled")
READ_KEYS = ("status", "completed", "total", "progress", "progress_scale", "message", "eta_seconds")
TABLE_KEYS = (
    "summary",
    "base_url",
    "base_urls",
    "status",
    "body",
    "key_env",
    "key_header",
    "headers",
    "interval",
    "unit",
    "cancel",
    "not_found",
    "read",
    "states",
)
DEFAULT_KEY_HEADER = "Authorization: Bearer"
DEFAULT_INTERVAL = 5.0
ID = "{id}"

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_SITE = re.compile(r"[a-z][a-z0-9-]{0,39}")
_ENV_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# An HTTP token (RFC 9110 5.6.2): header names and auth schemes.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# What a path or query may hold besides {id} (RFC 3986 pchar, and `?` `/` in a query).
_PATH = re.compile(r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+)+/?|/")
_QUERY = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")
_ENDPOINT = re.compile(r"(?P<method>\S+) (?P<target>\S+)")
_STATUS_METHODS = ("GET", "POST")
_CANCEL_METHODS = ("POST", "DELETE")
# Headers a table may not set: framing and connection headers (h11 owns them), the Host (the
# base URL names it), and what jobwatch sends itself.
RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "proxy-authorization",
        "proxy-connection",
        "content-type",
        "content-encoding",
        "accept",
        "accept-encoding",
        "user-agent",
    }
)
_MAX_TEXT = 200


def shown(key: str) -> str:
    """A key of the file as messages show it: bare when it is a plain name, else quoted (with
    any control character escaped, so a message never carries one)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


@dataclass(frozen=True)
class KeyHeader:
    """How the key is sent: `Authorization: Bearer KEY` (`scheme` "Bearer"), or a header that
    holds the bare key (`x-api-key: KEY`, AssemblyAI's `Authorization: KEY`)."""

    name: str
    scheme: str | None

    def value(self, key: str) -> str:
        return f"{self.scheme} {key}" if self.scheme else key

    def __str__(self) -> str:
        return f"{self.name}: {self.value('KEY')}"


@dataclass(frozen=True)
class NotFound:
    """One answer that means "no such job": any of `statuses` (none listed: any status) and,
    with a pointer, a JSON body holding exactly `value` there."""

    statuses: tuple[int, ...]
    pointer: Pointer | None = None
    value: str | int | float | bool | None = None

    def matches(self, status: int, body: Any) -> bool:
        if self.statuses and status not in self.statuses:
            return False
        if self.pointer is None:
            return True
        found = self.pointer.find(body)
        return found == self.value and isinstance(found, bool) == isinstance(self.value, bool)

    def __str__(self) -> str:
        statuses = "HTTP " + " or ".join(map(str, self.statuses)) if self.statuses else "any answer"
        if self.pointer is None:
            return statuses
        return f"{statuses} with {json.dumps(self.value)} at {self.pointer}"


@dataclass(frozen=True)
class Table:
    """A `[providers.NAME]` table, read and checked."""

    name: str
    origin: str  # the file it is in, as messages name it
    summary: str
    base_urls: dict[str, str]  # by site; the first is the default
    status: Endpoint
    cancel: Endpoint | None
    key_env: tuple[str, ...]
    key_header: KeyHeader
    headers: tuple[tuple[str, str], ...]
    interval: float
    unit: str | None
    not_found: tuple[NotFound, ...]
    read: dict[str, Pointer]  # by JOB field: status, completed, total, progress, ...
    progress_scale: float
    words: dict[str, tuple[str, ...]]  # the status words by state, as listed
    body: Any = None  # the POST body template; `{id}` stands for the job's id
    id_in_body: tuple[Pointer, ...] = field(default=())  # where the template holds `{id}`

    @property
    def states(self) -> dict[str, JobState]:
        return {word: JobState(state) for state, words in self.words.items() for word in words}


class _Reader:
    """Reads one table; every problem is a UsageError naming the file, table and key."""

    def __init__(self, name: str, where: str) -> None:
        self.name = name
        self.where = where

    def fail(self, key: str | None, problem: str) -> UsageError:
        at = f" {key}" if key else ""
        return UsageError(f"{self.where}: [providers.{shown(self.name)}]{at}: {problem}")

    def table(self, raw: Any, key: str | None, keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self._not("a table", raw, key)
        for found in raw:
            if found not in keys:
                inside = f"{key}." if key else ""
                raise self.fail(
                    f"{inside}{shown(found)}", f"unknown key (known: {', '.join(keys)})"
                )
        return raw

    def _not(self, should: str, value: Any, key: str | None) -> NoReturn:
        kind = {bool: "true/false", str: "a string", int: "a number", float: "a number"}.get(
            type(value), "a table" if isinstance(value, dict) else "a list"
        )
        if not isinstance(value, str | int | float | bool | dict | list):
            kind = "a date"
        raise self.fail(key, f"should be {should}, not {kind}")

    def text(self, raw: Any, key: str, *, limit: int = _MAX_TEXT) -> str:
        if not isinstance(raw, str):
            self._not("a string", raw, key)
        if not raw.strip():
            raise self.fail(key, "is empty")
        if len(raw) > limit:
            raise self.fail(key, f"is longer than {limit} characters")
        return raw

    def number(self, raw: Any, key: str, *, most: float) -> float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self._not("a number", raw, key)
        if not 0 < raw <= most:
            raise self.fail(key, f"should be more than 0 and at most {most:g}, not {raw}")
        return float(raw)

    def strings(self, raw: Any, key: str) -> list[str]:
        if not isinstance(raw, list):
            self._not("a list of strings", raw, key)
        for position, entry in enumerate(raw):
            if not isinstance(entry, str):
                self._not("a string", entry, f"{key}[{position}]")
        return raw

    def pointer(self, raw: Any, key: str) -> Pointer:
        if not isinstance(raw, str):
            self._not("a JSON pointer such as /status", raw, key)
        if len(raw) > 500:
            raise self.fail(key, "is longer than 500 characters")
        try:
            return Pointer.parse(raw)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None


def read_table(name: str, raw: Any, *, where: str, taken: Mapping[str, str]) -> Table:
    """The table `[providers.NAME]` of the file `where`, checked. `taken`: the names already
    in use (providers, their `watch` reference prefixes), each with what holds it."""
    reader = _Reader(name, where)
    if not _NAME.fullmatch(name) or len(name) > 40:
        raise reader.fail(
            None,
            "a provider's name is lower-case letters, digits and single dashes, starting with "
            "a letter (at most 40: e.g. openai-batch)",
        )
    if name in RESERVED_NAMES:
        raise reader.fail(None, f"the name {name} is taken by the command `jobwatch {name}`")
    if name in taken:
        raise reader.fail(None, f"the name {name} is taken by {taken[name]}")
    table = reader.table(raw, None, TABLE_KEYS)
    if "status" not in table:
        raise reader.fail("status", 'is missing (the status endpoint: "GET /v1/jobs/{id}")')
    status = _endpoint(reader, table["status"], "status", _STATUS_METHODS)
    body, id_in_body = _body(reader, table, status)
    base_urls = _base_urls(reader, table)
    cancel = None
    if "cancel" in table:
        cancel = _endpoint(reader, table["cancel"], "cancel", _CANCEL_METHODS)
        if ID not in cancel.path:
            raise reader.fail("cancel", "the path has no {id} (e.g. POST /v1/jobs/{id}/cancel)")
    key_header = _key_header(reader, table.get("key_header", DEFAULT_KEY_HEADER))
    for required in ("read", "states"):
        if required not in table:
            raise reader.fail(required, f"is missing (a [providers.{name}.{required}] table)")
    read, scale = _read(reader, table["read"])
    summary, unit = table.get("summary"), table.get("unit")
    return Table(
        name=name,
        origin=where,
        summary=clean_text(reader.text(summary, "summary"), ())
        if summary is not None
        else f"{name} jobs",
        base_urls=base_urls,
        status=status,
        cancel=cancel,
        key_env=_key_env(reader, table.get("key_env", [])),
        key_header=key_header,
        headers=_headers(reader, table.get("headers", {}), key_header),
        interval=reader.number(table.get("interval", DEFAULT_INTERVAL), "interval", most=86400),
        unit=clean_text(reader.text(unit, "unit", limit=40), ()) if unit is not None else None,
        not_found=_not_found(reader, table.get("not_found", [])),
        read=read,
        progress_scale=scale,
        words=_states(reader, table["states"]),
        body=body,
        id_in_body=id_in_body,
    )


# -- where requests go ---------------------------------------------------------------------------


def _base_urls(reader: _Reader, table: dict[str, Any]) -> dict[str, str]:
    if ("base_url" in table) == ("base_urls" in table):
        raise reader.fail("base_url", "give base_url, or base_urls by site, not both or neither")
    if "base_url" in table:
        return {"global": _base_url(reader, table["base_url"], "base_url")}
    sites = table["base_urls"]
    if not isinstance(sites, dict) or not sites:
        raise reader.fail(
            "base_urls", 'should be a table of sites, e.g. { us = "https://…", eu = "https://…" }'
        )
    urls = {}
    for site, url in sites.items():
        if not _SITE.fullmatch(site):
            raise reader.fail(
                f"base_urls.{shown(site)}", "a site's name is lower-case letters, digits and -"
            )
        urls[site] = _base_url(reader, url, f"base_urls.{site}")
    return urls


def _base_url(reader: _Reader, raw: Any, key: str) -> str:
    """A base URL is a scheme, host and port, nothing more (README: Options)."""
    url = reader.text(raw, key)
    if not url.isascii() or not url.isprintable() or " " in url:
        raise reader.fail(key, f"{url!r} must be plain ASCII (a host in its xn-- form)")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - an invalid port raises here
    except ValueError:
        raise reader.fail(key, f"{url!r} has an invalid port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise reader.fail(key, f"{url!r} must start with https:// or http:// and name a host")
    if parts.username is not None or parts.password is not None:
        raise reader.fail(key, f"{url!r} must not carry a user name or password")
    if parts.path.rstrip("/") or parts.query or parts.fragment or "?" in url or "#" in url:
        raise reader.fail(
            key,
            f"{url!r} must not have a path: give only the scheme, host and port "
            f"(e.g. {parts.scheme}://{parts.netloc}); the path goes in status",
        )
    return url.rstrip("/")


def _endpoint(reader: _Reader, raw: Any, key: str, methods: tuple[str, ...]) -> Endpoint:
    """`METHOD /path/{id}`: `{id}` is sent as exactly one percent-encoded path segment, so a
    job id can never reach another path, add a query or leave the base URL's host."""
    text = reader.text(raw, key)
    example = f'e.g. "{methods[0]} /v1/jobs/{{id}}"'
    match = _ENDPOINT.fullmatch(text)
    if match is None:
        raise reader.fail(key, f"{text!r} should be a method and a path ({example})")
    method, target = match["method"], match["target"]
    if method not in methods:
        raise reader.fail(key, f"the method is {' or '.join(methods)}, not {method!r}")
    path, question, query = target.partition("?")
    if ID in query or "{" in query or "}" in query:
        raise reader.fail(
            key, "{id} goes in the path, never in a query (it is sent as one path segment)"
        )
    if path.count(ID) > 1:
        raise reader.fail(key, "{id} appears more than once in the path")
    plain = path.replace(ID, "x")
    if "{" in plain or "}" in plain:
        raise reader.fail(key, f"{path!r}: only {{id}} may be in braces")
    if not _PATH.fullmatch(plain) or "//" in plain:
        raise reader.fail(key, f"{path!r} is not a URL path ({example})")
    if any(segment in (".", "..") for segment in plain.split("/")):
        raise reader.fail(key, f"{path!r} has a . or .. segment")
    if question and not _QUERY.fullmatch(query):
        raise reader.fail(key, f"the query {query!r} has characters a URL cannot carry")
    return Endpoint(method, target)


def _body(
    reader: _Reader, table: dict[str, Any], status: Endpoint
) -> tuple[Any, tuple[Pointer, ...]]:
    """The POST body template, with where it holds `{id}`; the job must be named somewhere."""
    if "body" not in table:
        if ID not in status.path:
            raise reader.fail(
                "status",
                "the path has no {id} (e.g. GET /v1/jobs/{id}; a POST may name it in body)",
            )
        return None, ()
    if status.method != "POST":
        raise reader.fail("body", "is only for a POST status endpoint")
    template = table["body"]
    places = list(_id_places(reader, template, ""))
    if ID not in status.path and not places:
        raise reader.fail("body", 'names no job: put "{id}" in it (e.g. { job_id = "{id}" })')
    return template, tuple(Pointer.parse(place) for place in places)


def _id_places(reader: _Reader, value: Any, at: str) -> Iterator[str]:
    """The pointers of the template's `"{id}"` strings; a template JSON cannot say is refused."""
    key = f"body{at.replace('/', '.')}" if at else "body"
    if isinstance(value, dict):
        for name, item in value.items():
            if ID in name:
                raise reader.fail(key, "{id} may be a value, never a key")
            yield from _id_places(
                reader, item, f"{at}/{name.replace('~', '~0').replace('/', '~1')}"
            )
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _id_places(reader, item, f"{at}/{position}")
    elif isinstance(value, str):
        if value == ID:
            yield at
        elif ID in value:
            raise reader.fail(key, 'the id is sent as a whole JSON string: write "{id}" alone')
    elif isinstance(value, float) and not math.isfinite(value):
        raise reader.fail(key, "JSON has no inf or nan")
    elif not isinstance(value, bool | int | float):
        raise reader.fail(key, "JSON has no dates or times: write them as strings")


# -- the key and the headers ----------------------------------------------------------------------


def _key_env(reader: _Reader, raw: Any) -> tuple[str, ...]:
    names = reader.strings(raw, "key_env")
    for position, name in enumerate(names):
        if not _ENV_VAR.fullmatch(name):
            raise reader.fail(f"key_env[{position}]", f"{name!r} is not a variable's name")
        if name in names[:position]:
            raise reader.fail(f"key_env[{position}]", f"{name} is listed twice")
    return tuple(names)


def _key_header(reader: _Reader, raw: Any) -> KeyHeader:
    """`NAME: SCHEME` sends `NAME: SCHEME KEY`; `NAME` alone sends the bare key (README: Your own
    provider)."""
    text = reader.text(raw, "key_header")
    name, colon, scheme = (part.strip() for part in text.partition(":"))
    if not _TOKEN.fullmatch(name) or (colon and not _TOKEN.fullmatch(scheme)):
        raise reader.fail(
            "key_header",
            f'{text!r} should be a header name (the bare key: "x-api-key", "Authorization") '
            'or a name and a scheme ("Authorization: Bearer")',
        )
    if name.lower() in RESERVED_HEADERS:
        raise reader.fail("key_header", f"{name} is not a header for a key")
    return KeyHeader(name, scheme if colon else None)


def _headers(reader: _Reader, raw: Any, key_header: KeyHeader) -> tuple[tuple[str, str], ...]:
    headers = reader.table(raw, "headers", tuple(raw) if isinstance(raw, dict) else ())
    seen: set[str] = set()
    kept = []
    for name, value in headers.items():
        key = f"headers.{shown(name)}"
        if not _TOKEN.fullmatch(name):
            raise reader.fail(key, "is not a header name")
        lower = name.lower()
        if lower in RESERVED_HEADERS:
            raise reader.fail(key, f"{name} is set by jobwatch or the connection, never by a table")
        if lower in ("authorization", key_header.name.lower()):
            raise reader.fail(key, "the key goes in key_header, and its value in `auth set`")
        if lower in seen:
            raise reader.fail(key, "is given twice (header names ignore case)")
        seen.add(lower)
        text = reader.text(value, key, limit=1000)
        if not all(" " <= char <= "~" for char in text) or text != text.strip():
            raise reader.fail(key, "a header value is printable ASCII, with no space at either end")
        kept.append((name, text))
    return tuple(kept)


# -- what is read from an answer ------------------------------------------------------------------


def _not_found(reader: _Reader, raw: Any) -> tuple[NotFound, ...]:
    """`not_found = RULE` or `[RULE, ...]`; RULE: an HTTP status (`404`), or
    `{ statuses = [400], pointer = "/error", value = "…" }` (statuses optional: any)."""
    rules = raw if isinstance(raw, list) else [raw]
    found = []
    for position, rule in enumerate(rules):
        key = f"not_found[{position}]" if isinstance(raw, list) else "not_found"
        if isinstance(rule, int) and not isinstance(rule, bool):
            found.append(NotFound((_http_status(reader, rule, key),)))
            continue
        if not isinstance(rule, dict):
            raise reader.fail(
                key,
                'should be an HTTP status (404) or { statuses = [400], pointer = "/error", '
                'value = "…" }',
            )
        table = reader.table(rule, key, ("statuses", "pointer", "value"))
        statuses = table.get("statuses", [])
        if "statuses" in table and (not isinstance(statuses, list) or not statuses):
            raise reader.fail(f"{key}.statuses", "should be a list of HTTP statuses, e.g. [400]")
        codes = tuple(
            _http_status(reader, code, f"{key}.statuses[{index}]")
            for index, code in enumerate(statuses)
        )
        if "pointer" not in table or "value" not in table:
            raise reader.fail(key, "needs a pointer and a value (or write the statuses alone)")
        value = table["value"]
        if not isinstance(value, str | int | float | bool) or value != value:
            raise reader.fail(f"{key}.value", "should be a string, a number or true/false")
        found.append(NotFound(codes, reader.pointer(table["pointer"], f"{key}.pointer"), value))
    return tuple(found)


def _http_status(reader: _Reader, raw: Any, key: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 100 <= raw <= 599:
        raise reader.fail(key, f"{raw!r} is not an HTTP status (100 to 599)")
    return raw


def _read(reader: _Reader, raw: Any) -> tuple[dict[str, Pointer], float]:
    table = reader.table(raw, "read", READ_KEYS)
    if "status" not in table:
        raise reader.fail("read.status", 'is missing (the pointer to the status word: "/status")')
    pointers = {
        key: reader.pointer(value, f"read.{key}")
        for key, value in table.items()
        if key != "progress_scale"
    }
    scale = 1.0
    if "progress_scale" in table:
        if "progress" not in table:
            raise reader.fail("read.progress_scale", "is for read.progress, which is missing")
        scale = reader.number(table["progress_scale"], "read.progress_scale", most=1e9)
    return pointers, scale


def _states(reader: _Reader, raw: Any) -> dict[str, tuple[str, ...]]:
    table = reader.table(raw, "states", STATES)
    if not table.get("succeeded"):
        raise reader.fail("states.succeeded", "is missing: which word means the job is done?")
    listed: dict[str, str] = {}
    words = {}
    for state in STATES:
        if state not in table:
            continue
        key = f"states.{state}"
        for position, word in enumerate(reader.strings(table[state], key)):
            if not word or len(word) > 100:
                raise reader.fail(f"{key}[{position}]", "a status word has 1 to 100 characters")
            if word in listed:
                raise reader.fail(
                    f"{key}[{position}]",
                    f"{word!r} is listed twice (also in states.{listed[word]})",
                )
            listed[word] = state
        words[state] = tuple(table[state])
    return words
