"""A `[providers.NAME]` table is read strictly: every wrong key is one usage error naming the
file, the table and the key (README: Your own provider, "Tables are strict"). And its JSON
pointers are RFC 6901's."""

from __future__ import annotations

import copy
import datetime
import tomllib
from typing import Any

import pytest

from jobwatch.core.errors import UsageError
from jobwatch.core.models import JobState
from jobwatch.providers import PROVIDERS
from jobwatch.providers.defined import names_in_use, read_table, read_tables
from jobwatch.providers.defined.pointer import Pointer
from jobwatch.providers.defined.tables import RESERVED_NAMES, KeyHeader, NotFound, Table
from tests.definedkit import ACME_EXPORTS

BASE: dict[str, Any] = tomllib.loads(ACME_EXPORTS)["providers"]["acme"]
WHERE = "providers.toml"


def table(name: str = "acme", **changes: Any) -> Table:
    """The acme table with changes: `key=value`, `key=None` to drop it, `read__x` for a key of
    a sub-table."""
    raw = copy.deepcopy(BASE)
    for key, value in changes.items():
        part, _, inner = key.partition("__")
        place = raw[part] if inner else raw
        if value is None:
            place.pop(inner or part, None)
        else:
            place[inner or part] = value
    return read_table(name, raw, where=WHERE, taken=names_in_use(PROVIDERS))


def problem(name: str = "acme", **changes: Any) -> str:
    with pytest.raises(UsageError) as info:
        table(name, **changes)
    return info.value.message


def test_the_example_table_reads_as_written() -> None:
    acme = table()
    assert (acme.name, acme.origin, acme.summary, acme.base_urls) == (
        "acme", WHERE, "Acme exports", {"global": "https://api.acme.test"},
    )  # fmt: skip
    assert (acme.status.method, acme.status.path, acme.cancel) == ("GET", "/v1/exports/{id}", None)
    assert (acme.key_env, acme.key_header, acme.headers) == (
        ("ACME_API_KEY",), KeyHeader("Authorization", "Bearer"), (),
    )  # fmt: skip
    assert (acme.interval, acme.unit, acme.not_found, acme.progress_scale) == (1.0, "rows", (), 1)
    assert {name: pointer.text for name, pointer in acme.read.items()} == {
        "status": "/state", "completed": "/done", "total": "/total",
    }  # fmt: skip
    assert acme.states == {
        "queued": JobState.PENDING, "rendering": JobState.RUNNING, "done": JobState.SUCCEEDED,
    }  # fmt: skip


def test_defaults_of_the_optional_keys() -> None:
    bare = table(summary=None, key_env=None, interval=None, unit=None)
    assert (bare.summary, bare.key_env, bare.interval, bare.unit) == ("acme jobs", (), 5.0, None)


# What each strict rule says, exactly: file, table, key, and what is wrong.
PROBLEMS = {
    "unknown key": (
        {"colour": "red"},
        "providers.toml: [providers.acme] colour: unknown key (known: summary, base_url, "
        "base_urls, status, body, key_env, key_header, headers, interval, unit, cancel, "
        "not_found, read, states)",
    ),
    "unknown read key": (
        {"read__state": "/x"},
        "providers.toml: [providers.acme] read.state: unknown key (known: status, completed, "
        "total, progress, progress_scale, message, eta_seconds)",
    ),
    "unknown state": (
        {"states__done": ["x"]},
        "providers.toml: [providers.acme] states.done: unknown key (known: pending, running, "
        "succeeded, failed, cancelled)",
    ),
    "pointer without slash": (
        {"read__status": "status"},
        "providers.toml: [providers.acme] read.status: 'status' is not a JSON pointer "
        "(RFC 6901): it starts with / (e.g. /status)",
    ),
    "pointer with a bad escape": (
        {"read__total": "/a~2b"},
        "providers.toml: [providers.acme] read.total: '/a~2b' is not a JSON pointer (RFC 6901): "
        "~ is written ~0 and / is ~1",
    ),
    "pointer in not_found": (
        {"not_found": {"pointer": "error", "value": "x"}},
        "providers.toml: [providers.acme] not_found.pointer: 'error' is not a JSON pointer "
        "(RFC 6901): it starts with / (e.g. /status)",
    ),
    "path without {id}": (
        {"status": "GET /v1/exports"},
        "providers.toml: [providers.acme] status: the path has no {id} (e.g. GET /v1/jobs/{id}; "
        "a POST may name it in body)",
    ),
    "query that pastes the id": (
        {"status": "GET /v1/exports?id={id}"},
        "providers.toml: [providers.acme] status: {id} goes in the path, never in a query (it "
        "is sent as one path segment)",
    ),
    "query that pastes the id beside it in the path": (
        {"status": "GET /v1/exports/{id}?again={id}"},
        "providers.toml: [providers.acme] status: {id} goes in the path, never in a query (it "
        "is sent as one path segment)",
    ),
    "method": (
        {"status": "PUT /v1/exports/{id}"},
        "providers.toml: [providers.acme] status: the method is GET or POST, not 'PUT'",
    ),
    "method in lower case": (
        {"status": "get /v1/exports/{id}"},
        "providers.toml: [providers.acme] status: the method is GET or POST, not 'get'",
    ),
    "cancel method": (
        {"cancel": "GET /v1/exports/{id}/cancel"},
        "providers.toml: [providers.acme] cancel: the method is POST or DELETE, not 'GET'",
    ),
    "cancel without {id}": (
        {"cancel": "POST /v1/cancel"},
        "providers.toml: [providers.acme] cancel: the path has no {id} (e.g. POST "
        "/v1/jobs/{id}/cancel)",
    ),
    "a word listed twice": (
        {"states__failed": ["done"]},
        "providers.toml: [providers.acme] states.failed[0]: 'done' is listed twice (also in "
        "states.succeeded)",
    ),
    "a word listed twice in one list": (
        {"states__running": ["rendering", "rendering"]},
        "providers.toml: [providers.acme] states.running[1]: 'rendering' is listed twice (also "
        "in states.running)",
    ),
    "base URL with a path": (
        {"base_url": "https://api.acme.test/v1"},
        "providers.toml: [providers.acme] base_url: 'https://api.acme.test/v1' must not have a "
        "path: give only the scheme, host and port (e.g. https://api.acme.test); the path goes "
        "in status",
    ),
    "base URL by site with a path": (
        {"base_url": None, "base_urls": {"us": "https://a.test", "eu": "https://b.test/x"}},
        "providers.toml: [providers.acme] base_urls.eu: 'https://b.test/x' must not have a "
        "path: give only the scheme, host and port (e.g. https://b.test); the path goes in "
        "status",
    ),
}


@pytest.mark.parametrize("case", list(PROBLEMS))
def test_each_strict_rule_names_file_table_and_key(case: str) -> None:
    changes, message = PROBLEMS[case]
    assert problem(**changes) == message


@pytest.mark.parametrize("name", [*RESERVED_NAMES, "firecrawl", "zilliz", "coze", "brightdata"])
def test_a_name_may_not_hide_a_command_or_a_built_in_provider(name: str) -> None:
    what = f"the command `jobwatch {name}`" if name in RESERVED_NAMES else (
        f"the built-in provider {name}"
    )  # fmt: skip
    assert (
        problem(name) == f"providers.toml: [providers.{name}]: the name {name} is taken by {what}"
    )


def test_a_name_may_not_take_a_reference_prefix() -> None:
    assert problem("firecrawl-crawl") == (
        "providers.toml: [providers.firecrawl-crawl]: the name firecrawl-crawl is taken by the "
        "reference prefix firecrawl-crawl: of firecrawl"
    )


@pytest.mark.parametrize("name", ["Acme", "acme_x", "9acme", "a--b", "acme-", "a" * 41, "ac me"])
def test_a_name_is_lower_case_letters_digits_and_dashes(name: str) -> None:
    assert "a provider's name is lower-case letters, digits and single dashes" in problem(name)


def test_a_name_with_a_control_character_is_quoted_escaped() -> None:
    message = problem("ac\x1b[31mme")
    assert message.startswith('providers.toml: [providers."ac\\u001b[31mme"]: ')
    assert "\x1b" not in message


def test_two_files_may_not_define_one_name() -> None:
    first = read_tables({"acme": BASE}, where="a.toml", taken=names_in_use(PROVIDERS))
    taken = {**names_in_use(PROVIDERS), "acme": f"the provider acme of {first[0].origin}"}
    with pytest.raises(UsageError, match=r"^b.toml: \[providers.acme\]: the name acme is taken by "
                       r"the provider acme of a.toml$"):  # fmt: skip
        read_tables({"acme": BASE}, where="b.toml", taken=taken)


MORE_PROBLEMS = [
    ({"status": None}, 'status: is missing (the status endpoint: "GET /v1/jobs/{id}")'),
    ({"status": 3}, "status: should be a string, not a number"),
    ({"status": "GET /v1/x y/{id}"}, "status: 'GET /v1/x y/{id}' should be a method and a path"),
    ({"status": "GET //evil.test/{id}"}, "status: '//evil.test/{id}' is not a URL path"),
    ({"status": "GET /v1/../admin/{id}"}, "status: '/v1/../admin/{id}' has a . or .. segment"),
    ({"status": "GET /v1/{tenant}/{id}"}, "status: '/v1/{tenant}/{id}': only {id} may be in"),
    ({"status": "GET /v1/{id}/{id}"}, "status: {id} appears more than once in the path"),
    ({"status": "GET v1/exports/{id}"}, "status: 'v1/exports/{id}' is not a URL path"),
    ({"status": "GET /v1/x/{id}#top"}, "status: '/v1/x/{id}#top' is not a URL path"),
    ({"status": "GET /v1/x/{id}?a=%zz"}, "status: the query 'a=%zz' has characters a URL"),
    ({"body": {"id": "{id}"}}, "body: is only for a POST status endpoint"),
    ({"status": "POST /v1/x"}, "status: the path has no {id} (e.g. GET /v1/jobs/{id}; a POST"),
    ({"status": "POST /v1/x", "body": {"q": "all"}}, 'body: names no job: put "{id}" in it'),
    ({"status": "POST /v1/x", "body": {"id": "job-{id}"}}, "body.id: the id is sent as a whole"),
    ({"status": "POST /v1/x", "body": {"{id}": 1}}, "body: {id} may be a value, never a key"),
    (
        {"status": "POST /v1/x", "body": {"id": "{id}", "at": datetime.date(2026, 1, 1)}},
        "body.at: JSON has no dates or times: write them as strings",
    ),
    ({"status": "POST /v1/x", "body": {"id": "{id}", "n": float("inf")}}, "body.n: JSON has no"),
    ({"base_url": None}, "base_url: give base_url, or base_urls by site, not both or neither"),
    ({"base_urls": {"eu": "https://x.test"}}, "base_url: give base_url, or base_urls by site"),
    ({"base_url": None, "base_urls": {}}, "base_urls: should be a table of sites"),
    ({"base_url": None, "base_urls": {"EU": "https://x.test"}}, "base_urls.EU: a site's name"),
    ({"base_url": "https://api.acme.test?x=1"}, "must not have a path"),
    ({"base_url": "https://api.acme.test#x"}, "must not have a path"),
    ({"base_url": "https://u:p@api.acme.test"}, "must not carry a user name or password"),
    ({"base_url": "ftp://api.acme.test"}, "must start with https:// or http:// and name a host"),
    ({"base_url": "api.acme.test"}, "must start with https:// or http:// and name a host"),
    ({"base_url": "https://api.acme.test:99999"}, "has an invalid port"),
    ({"base_url": "https://api.äcme.test"}, "must be plain ASCII (a host in its xn-- form)"),
    ({"key_env": "ACME_API_KEY"}, "key_env: should be a list of strings, not a string"),
    ({"key_env": ["ACME-KEY"]}, "key_env[0]: 'ACME-KEY' is not a variable's name"),
    ({"key_env": ["A", "A"]}, "key_env[1]: A is listed twice"),
    ({"key_header": "Authorization: Bearer x"}, "key_header: 'Authorization: Bearer x' should be"),
    ({"key_header": "x api key"}, "key_header: 'x api key' should be a header name"),
    ({"key_header": "Host"}, "key_header: Host is not a header for a key"),
    ({"key_header": "Content-Length"}, "key_header: Content-Length is not a header for a key"),
    ({"key_header": 1}, "key_header: should be a string, not a number"),
    ({"headers": {"Host": "evil.test"}}, "headers.Host: Host is set by jobwatch or the connect"),
    ({"headers": {"Content-Length": "0"}}, "headers.Content-Length: Content-Length is set by"),
    ({"headers": {"Transfer-Encoding": "x"}}, "headers.Transfer-Encoding: Transfer-Encoding is"),
    ({"headers": {"User-Agent": "me"}}, "headers.User-Agent: User-Agent is set by jobwatch"),
    ({"headers": {"authorization": "x"}}, "headers.authorization: the key goes in key_header"),
    (
        {"key_header": "x-api-key", "headers": {"X-API-Key": "v"}},
        "headers.X-API-Key: the key goes in key_header, and its value in `auth set`",
    ),
    ({"headers": {"X-A": "a\r\nX-B: b"}}, "headers.X-A: a header value is printable ASCII"),
    ({"headers": {"X-A": " a"}}, "headers.X-A: a header value is printable ASCII, with no space"),
    ({"headers": {"X-A": "é"}}, "headers.X-A: a header value is printable ASCII"),
    ({"headers": {"X-A": "a", "x-a": "b"}}, "headers.x-a: is given twice (header names ignore"),
    ({"headers": {"a b": "x"}}, 'headers."a b": is not a header name'),
    ({"headers": "X-A: a"}, "headers: should be a table, not a string"),
    ({"interval": 0}, "interval: should be more than 0 and at most 86400, not 0"),
    ({"interval": -1}, "interval: should be more than 0 and at most 86400, not -1"),
    ({"interval": "10"}, "interval: should be a number, not a string"),
    ({"interval": True}, "interval: should be a number, not true/false"),
    ({"summary": ""}, "summary: is empty"),
    ({"summary": 3}, "summary: should be a string, not a number"),
    ({"unit": "x" * 41}, "unit: is longer than 40 characters"),
    ({"unit": ["rows"]}, "unit: should be a string, not a list"),
    ({"not_found": "404"}, "not_found: should be an HTTP status (404) or { statuses = [400]"),
    ({"not_found": 99}, "not_found: 99 is not an HTTP status (100 to 599)"),
    ({"not_found": [404, True]}, "not_found[1]: should be an HTTP status (404) or"),
    ({"not_found": {"statuses": [400]}}, "not_found: needs a pointer and a value (or write the"),
    ({"not_found": {"pointer": "/e"}}, "not_found: needs a pointer and a value"),
    ({"not_found": {"pointer": "/e", "value": {}}}, "not_found.value: should be a string, a num"),
    ({"not_found": {"pointer": "/e", "value": "x", "status": 400}}, "not_found.status: unknown"),
    ({"not_found": {"statuses": 400, "pointer": "/e", "value": "x"}}, "not_found.statuses: shou"),
    ({"not_found": {"statuses": [600], "pointer": "/e", "value": "x"}}, "600 is not an HTTP"),
    ({"read": None}, "read: is missing (a [providers.acme.read] table)"),
    ({"read": {"completed": "/done"}}, "read.status: is missing (the pointer to the status word"),
    ({"read": "/state"}, "read: should be a table, not a string"),
    ({"read__status": 3}, "read.status: should be a JSON pointer such as /status, not a number"),
    ({"read__progress_scale": 100}, "read.progress_scale: is for read.progress, which is missing"),
    ({"read__progress": "/p", "read__progress_scale": 0}, "read.progress_scale: should be more"),
    ({"states": None}, "states: is missing (a [providers.acme.states] table)"),
    ({"states": {"running": ["x"]}}, "states.succeeded: is missing: which word means the job is"),
    ({"states__succeeded": []}, "states.succeeded: is missing: which word means the job is done"),
    ({"states__succeeded": "done"}, "states.succeeded: should be a list of strings, not a string"),
    ({"states__succeeded": [""]}, "states.succeeded[0]: a status word has 1 to 100 characters"),
    ({"states__succeeded": [1]}, "states.succeeded[0]: should be a string, not a number"),
]


@pytest.mark.parametrize(("changes", "said"), MORE_PROBLEMS, ids=[m for _, m in MORE_PROBLEMS])
def test_every_other_wrong_key_is_named(changes: dict[str, Any], said: str) -> None:
    message = problem(**changes)
    assert message.startswith("providers.toml: [providers.acme] "), message
    assert said in message, message
    assert "\x1b" not in message and "\n" not in message


def test_the_table_itself_must_be_a_table() -> None:
    with pytest.raises(UsageError, match=r"\[providers.acme\]: should be a table, not a string"):
        read_table("acme", "GET /x", where=WHERE, taken={})
    with pytest.raises(UsageError, match=r"^providers.toml: \[providers\] should be a table"):
        read_tables(["acme"], where=WHERE, taken={})


def test_the_optional_keys_read() -> None:
    full = table(
        summary="Acme exports \x1b[31min red\x1b[0m",
        base_url=None,
        base_urls={"us": "https://us.acme.test/", "eu": "http://127.0.0.1:8080"},
        status="POST /v1/exports/lookup?verbose=true",
        body={"export": {"ids": ["{id}"], "deep": True}, "n": 1.5},
        cancel="DELETE /v1/exports/{id}",
        key_header="X-Acme-Key",
        headers={"Acme-Version": "2026-01-01", "X-Trace": "on"},
        unit="rows \x07",
        not_found=[410, {"pointer": "/error/code", "value": "not_found"}],
        read__progress="/pct",
        read__progress_scale=100,
        read__message="/error/message",
        read__eta_seconds="/eta",
        states__failed=["broken"],
        states__cancelled=["stopped"],
    )
    assert full.summary == "Acme exports \ufffdin red\ufffd"  # sanitized once, where it is read
    assert full.base_urls == {"us": "https://us.acme.test", "eu": "http://127.0.0.1:8080"}
    assert str(full.status) == "POST /v1/exports/lookup?verbose=true"
    assert [pointer.text for pointer in full.id_in_body] == ["/export/ids/0"]
    assert str(full.cancel) == "DELETE /v1/exports/{id}"
    assert str(full.key_header) == "X-Acme-Key: KEY"
    assert full.headers == (("Acme-Version", "2026-01-01"), ("X-Trace", "on"))
    assert full.unit == "rows \ufffd"
    assert [str(rule) for rule in full.not_found] == [
        "HTTP 410", 'any answer with "not_found" at /error/code',
    ]  # fmt: skip
    assert full.progress_scale == 100
    assert full.states["broken"] is JobState.FAILED and full.states["stopped"] is JobState.CANCELLED


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("Authorization: Bearer", KeyHeader("Authorization", "Bearer")),
        ("Authorization:Token", KeyHeader("Authorization", "Token")),
        ("Authorization", KeyHeader("Authorization", None)),
        ("x-api-key", KeyHeader("x-api-key", None)),
        ("X-Goog-Api-Key", KeyHeader("X-Goog-Api-Key", None)),
    ],
)
def test_the_key_header_grammar(text: str, header: KeyHeader) -> None:
    assert table(key_header=text).key_header == header
    assert header.value("KEY") == (f"{header.scheme} KEY" if header.scheme else "KEY")


def test_not_found_rules_match_status_and_pointer_value() -> None:
    statuses = NotFound((404, 410))
    assert statuses.matches(410, None) and not statuses.matches(400, {"error": "x"})
    lookup = NotFound((400,), Pointer.parse("/error"), "Transcript lookup error")
    assert lookup.matches(400, {"error": "Transcript lookup error"})
    assert not lookup.matches(400, {"error": "format_text must be a Boolean"})
    assert not lookup.matches(404, {"error": "Transcript lookup error"})
    assert not lookup.matches(400, None)
    anywhere = NotFound((), Pointer.parse("/code"), 4200)
    assert anywhere.matches(200, {"code": 4200}) and anywhere.matches(200, {"code": 4200.0})
    assert not anywhere.matches(200, {"code": "4200"})
    flag = NotFound((), Pointer.parse("/missing"), True)
    assert flag.matches(200, {"missing": True}) and not flag.matches(200, {"missing": 1})


# -- JSON pointers (RFC 6901) -------------------------------------------------------------------

# RFC 6901, section 5: the document and what each pointer names.
RFC_DOCUMENT = {
    "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, 'k"l': 6,
    " ": 7, "m~n": 8,
}  # fmt: skip
RFC_EXAMPLES = [
    ("", RFC_DOCUMENT), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1),
    ("/c%d", 2), ("/e^f", 3), ("/g|h", 4), ("/i\\j", 5), ('/k"l', 6), ("/ ", 7), ("/m~0n", 8),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"), RFC_EXAMPLES, ids=[t or "(whole)" for t, _ in RFC_EXAMPLES]
)
def test_pointers_find_what_rfc_6901_says(text: str, value: Any) -> None:
    assert Pointer.parse(text).find(RFC_DOCUMENT) == value


@pytest.mark.parametrize(
    "text", ["/foo/2", "/foo/01", "/foo/-", "/foo/+1", "/nope", "/foo/0/x", "/a~1b/c", "/~01"]
)
def test_a_pointer_that_finds_nothing_finds_none(text: str) -> None:
    assert Pointer.parse(text).find(RFC_DOCUMENT) is None


def test_tokens_unescape_tilde_one_before_tilde_zero() -> None:
    assert Pointer.parse("/~01").tokens == ("~1",)
    assert Pointer.parse("/~01").find({"~1": "yes", "/": "no"}) == "yes"
    assert Pointer.parse("/a/b").find({"a": None}) is None


@pytest.mark.parametrize("text", ["status", "#/status", "/a~", "/a~2", "$.status"])
def test_what_is_not_a_pointer(text: str) -> None:
    with pytest.raises(ValueError, match="is not a JSON pointer"):
        Pointer.parse(text)


def test_put_builds_the_objects_and_lists_on_the_way() -> None:
    document = Pointer.parse("/errors/data/0/message").put({}, "bad line")
    document = Pointer.parse("/status").put(document, "failed")
    assert document == {"errors": {"data": [{"message": "bad line"}]}, "status": "failed"}
    assert Pointer.parse("").put({"a": 1}, "word") == "word"
