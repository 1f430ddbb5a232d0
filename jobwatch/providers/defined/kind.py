"""The kind of job a `[providers.NAME]` table describes: one class made from the table's data
(`define`), whose requests and answers follow its endpoints, pointers and status words. It is
a kind like any built-in one: the command line, the poll loop, the renderers and the simulator
see a Provider and nothing else.

An answer is read in this order: the table's `not_found` answers, then the HTTP status as for
every provider (401/403 a rejected key, 404 not found, 429/5xx retried), and only a 2xx body
is read with the pointers. So an error body's own fields (Replicate's problem details carry a
numeric `status`) are never taken for a status word."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from jobwatch.core.errors import NotFoundError, RetryableError, UsageError
from jobwatch.core.models import JobState, ratio
from jobwatch.http.responses import body_text, json_body, raise_for_status
from jobwatch.providers.base import JobStatusOrError, Provider, ProviderEntry
from jobwatch.providers.defined.pointer import Pointer
from jobwatch.providers.defined.tables import ID, Table
from jobwatch.providers.reading import Fields

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# Where an error body says what went wrong, in the shapes public APIs use: OpenAI's
# {"error": {"message"}}, RFC 7807's "detail" and "title", {"error": "…"}, {"message": "…"}.
_ERROR_TEXT = tuple(
    Pointer.parse(text)
    for text in ("/error/message", "/message", "/error", "/detail", "/title", "/msg")
)
_MESSAGE_LIMIT = 300


class Defined(Provider):
    """A kind of job described by a table (`table`); `define` makes one class per table."""

    table: ClassVar[Table]
    kind = "job"
    stand_in = "jobwatch.providers.defined.sim"

    def auth_headers(self) -> dict[str, str]:
        """The table's fixed headers, and the key in its key header."""
        headers = dict(self.table.headers)
        key = self.settings.api_key
        if key:
            headers[self.table.key_header.name] = self.table.key_header.value(key)
        return headers

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        body = fill_body(self.table.body, job_id) if self.table.body is not None else None
        return self.request(
            client, "status", json=body, **_path_values(self.table, "status", job_id)
        )

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        document = self._answer(response)
        read = self.table.read
        word = read["status"].find(document)
        if not isinstance(word, str):
            what = "nothing" if word is None else f"{_json_text(word, 40)}, not a status word"
            raise RetryableError(
                f"{self.name}: the answer has {what} at {read['status']} (read.status)"
            )
        fields = Fields(
            {name: pointer.find(document) for name, pointer in read.items()},
            f"{self.name}: the answer",
        )
        completed, total = fields.integer("completed"), fields.integer("total")
        progress = fields.number("progress")
        if progress is not None:
            progress /= self.table.progress_scale
            if not 0.0 <= progress <= 1.0:
                progress = None
        elif "progress" not in read:
            progress = ratio(completed, total)
        eta = fields.number("eta_seconds")
        message = fields.raw("message")
        return [
            self.job(
                job_id,
                state=self.map_state(word),
                status=word,
                progress=progress,
                completed=completed,
                total=total,
                unit=self.unit,
                eta_seconds=eta if eta is not None and eta >= 0 else None,
                message=_json_text(message, _MESSAGE_LIMIT) if message not in (None, "") else None,
            )
        ]

    def _answer(self, response: httpx.Response) -> Any:
        """The answer's JSON; its error, when it is one: a `not_found` answer of the table,
        else what its HTTP status means."""
        document = json_body(response)
        status = response.status_code
        for rule in self.table.not_found:
            if rule.matches(status, document):
                raise NotFoundError(
                    f"{self.name}: HTTP {status}: {_error_text(response, document)}"
                )
        if status >= 300:
            raise_for_status(response, _error_text(response, document), provider=self.name)
        if document is None:
            kind = response.headers.get("Content-Type", "unknown type").split(";")[0]
            text = body_text(response, 120)
            raise RetryableError(f"{self.name}: HTTP {status} answer is not JSON ({kind}): {text}")
        return document

    # -- cancel (README: Your own provider) ----------------------------------------------------

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        if self.table.cancel is None:
            raise UsageError(
                f"{self.name} has no cancel: its table ({self.table.origin}) names no cancel "
                "endpoint"
            )
        return self.request(client, "cancel", **_path_values(self.table, "cancel", job_id))

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        """Cancelled, unless the answer says the job had already finished: HTTP 409 Conflict
        (OpenAI's "Cannot cancel a batch with status 'completed'"), or a 2xx answer whose
        status word means succeeded or failed."""
        if response.status_code == 409:
            return False
        document = self._answer(response)
        word = self.table.read["status"].find(document)
        if isinstance(word, str) and self.knows(word):
            return self.map_state(word) not in (JobState.SUCCEEDED, JobState.FAILED)
        return True


def _path_values(table: Table, what: str, job_id: str) -> dict[str, Any]:
    """The endpoint's path parameter: the id, when its path has `{id}`."""
    endpoint = table.status if what == "status" else table.cancel
    return {"id": job_id} if endpoint is not None and ID in endpoint.path else {}


def fill_body(template: Any, job_id: str) -> Any:
    """The POST body: the template with every `"{id}"` string replaced by the id."""
    if isinstance(template, dict):
        return {key: fill_body(value, job_id) for key, value in template.items()}
    if isinstance(template, list):
        return [fill_body(value, job_id) for value in template]
    return job_id if template == ID else template


def _json_text(value: Any, limit: int) -> str:
    """A value as one line of text: a string as it is, anything else as compact JSON."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_text(response: httpx.Response, document: Any) -> str:
    for pointer in _ERROR_TEXT:
        found = pointer.find(document)
        if isinstance(found, str) and found.strip():
            return _json_text(found, _MESSAGE_LIMIT)
    return body_text(response) or response.reason_phrase or f"HTTP {response.status_code}"


def define(table: Table) -> ProviderEntry:
    """The provider a table describes: an entry of one kind, whose class is made from the
    table's data."""
    endpoints = {"status": table.status}
    if table.cancel is not None:
        endpoints["cancel"] = table.cancel
    shown = f"{table.status.method} {table.status.path}"
    cls = type(
        "".join(part.title() for part in table.name.split("-")),
        (Defined,),
        {
            "__doc__": f"{table.summary} ({table.origin})",
            "__module__": __name__,
            "table": table,
            "name": table.name,
            "kind_help": f"{table.summary}: {shown}",
            "examples": (
                f"jobwatch {table.name} JOB_ID",
                f"jobwatch {table.name} JOB_ID --watch --timeout 30m",
            ),
            "base_urls": table.base_urls,
            "unit": table.unit,
            "endpoints": endpoints,
            "key_env_vars": table.key_env,
            "default_interval": table.interval,
            "states": table.states,
        },
    )
    summary = f"{table.summary}: {shown}"
    return ProviderEntry(table.name, summary, kinds=(cls,), origin=table.origin)
