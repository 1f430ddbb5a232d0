"""The stand-in of a defined provider in `jobwatch sim`: its status (and cancel) endpoint at its
own path, answering in the shape its table reads. Each answer puts the first status word of
the job's state at `read.status`, the counts (of 100) at `read.completed` and `read.total`,
the progress at `read.progress` (times `progress_scale`), the seconds left at
`read.eta_seconds`, and on a failure a reason at `read.message`. The stories are the
simulator's (`-fail`, `-slow`, `-gone`, `-429`, …); the key `bad-key` is rejected, as is a
request without the key in the table's key header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jobwatch.providers.defined.kind import Defined
from jobwatch.providers.defined.pointer import Pointer
from jobwatch.providers.defined.tables import Table
from jobwatch.sim.faults import FaultBodies, visit_job
from jobwatch.sim.jobs import SimJobs
from jobwatch.sim.replies import REJECTED_KEY, Reply, SimRequest, json_reply, parse_json_object
from jobwatch.sim.stories import Phase

if TYPE_CHECKING:
    from jobwatch.providers.base import Provider

FAILURE = "the simulated job failed"
UNITS = 100  # what a simulated job counts to
_FAULTS = FaultBodies(
    rate_limited=lambda: json_reply({"error": "rate limited"}, 429),
    server_error=lambda: json_reply({"error": "internal error"}, 500),
)
# The state a phase is said in, and the states whose words stand in when a table lists none.
_SAID = {
    Phase.PENDING: ("pending", "running"),
    Phase.RUNNING: ("running", "pending"),
    Phase.PAUSED: ("running", "pending"),
    Phase.SUCCEEDED: ("succeeded",),
    Phase.FAILED: ("failed",),
    Phase.CANCELLED: ("cancelled",),
}

Handler = Callable[..., Reply]


def handler_for(cls: type[Provider], what: str) -> Handler:
    """The answer to the kind's endpoint `what` (`status`, `cancel`)."""
    assert issubclass(cls, Defined)
    table = cls.table

    def status(request: SimRequest, book: SimJobs, id: str | None = None) -> Reply:  # noqa: A002
        return _status(table, request, book, id)

    def cancel(request: SimRequest, book: SimJobs, id: str) -> Reply:  # noqa: A002
        return _cancel(table, request, book, id)

    return {"status": status, "cancel": cancel}[what]


def _rejected(table: Table, request: SimRequest) -> Reply | None:
    """401 unless the table's key header carries a key (other than `bad-key`)."""
    value = request.headers.get(table.key_header.name.lower(), "")
    scheme = table.key_header.scheme
    if scheme is not None:
        given, _, key = value.partition(" ")
        if given.lower() != scheme.lower():
            key = ""
    else:
        key = value
    if not key.strip() or key.strip() == REJECTED_KEY:
        return json_reply({"error": "invalid key"}, 401)
    return None


def _job_id(table: Table, request: SimRequest, from_path: str | None) -> str | None:
    """The id from the path, else from where the POST body template holds it."""
    if from_path is not None:
        return from_path
    body = parse_json_object(request.body)
    for pointer in table.id_in_body:
        found = pointer.find(body)
        if isinstance(found, str) and found:
            return found
    return None


def _status(table: Table, request: SimRequest, book: SimJobs, from_path: str | None) -> Reply:
    rejected = _rejected(table, request)
    if rejected is not None:
        return rejected
    job_id = _job_id(table, request, from_path)
    if job_id is None:
        return json_reply({"error": "no job named"}, 400)
    visit = visit_job(book, table.name, job_id, _FAULTS, json_reply({"error": "not found"}, 404))
    if isinstance(visit, Reply):
        return visit
    snapshot = visit.snapshot
    return json_reply(answer(table, snapshot.phase, snapshot.fraction, snapshot.remaining_seconds))


def _cancel(table: Table, request: SimRequest, book: SimJobs, job_id: str) -> Reply:
    rejected = _rejected(table, request)
    if rejected is not None:
        return rejected
    visit = visit_job(book, table.name, job_id, _FAULTS, json_reply({"error": "not found"}, 404))
    if isinstance(visit, Reply):
        return visit
    if not book.cancel(table.name, job_id):
        return json_reply({"error": "the job has already finished"}, 409)
    snapshot = book.visit(table.name, job_id).snapshot
    return json_reply(answer(table, Phase.CANCELLED, snapshot.fraction, 0.0))


def answer(table: Table, phase: Phase, fraction: float, remaining: float) -> Any:
    """A status answer in the table's shape for a job in this phase."""
    read = table.read
    document: Any = {}

    def put(name: str, value: Any) -> None:
        nonlocal document
        pointer: Pointer | None = read.get(name)
        if pointer is not None:
            document = pointer.put(document, value)

    for name in ("completed", "total", "progress", "eta_seconds", "message"):
        if name == "completed":
            put(name, round(fraction * UNITS))
        elif name == "total":
            put(name, UNITS)
        elif name == "progress":
            put(name, fraction * table.progress_scale)
        elif name == "eta_seconds" and phase in (Phase.PENDING, Phase.RUNNING):
            put(name, round(remaining, 1))
        elif name == "message" and phase is Phase.FAILED:
            put(name, FAILURE)
    put("status", _word(table, phase))
    return document


def _word(table: Table, phase: Phase) -> str:
    for state in _SAID[phase]:
        if table.words.get(state):
            return table.words[state][0]
    return _SAID[phase][0]  # a table without such a word: the state's name, a word it does not know
