"""Coze non-stream chats: retrieve and cancel (docs/providers/coze.md#chats)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from jobwatch.core.errors import StateUnknownError
from jobwatch.core.models import JobState, JobStatus, present
from jobwatch.http.responses import json_body
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.coze.api import Coze, as_code
from jobwatch.providers.reading import Fields
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# docs/providers/coze.md#chat-cancel: "this chat cannot be cancelled" (completed, failed, or
# waiting in requires_action).
CANNOT_CANCEL = 4104
WAITING = "waiting for tool outputs"


class Chat(Coze):
    """`GET /v3/chat/retrieve?conversation_id=…&chat_id=…`; cancel `POST /v3/chat/cancel`.

    The ids are taken from the query names, never from the body: the docs' own example swaps
    `conversation_id` and `chat_id` (docs/providers/coze.md#chats)."""

    kind = "chat"
    kind_help = "non-stream chats: GET /v3/chat/retrieve, cancel POST /v3/chat/cancel"
    extra_kind = "chat"
    examples = (
        "jobwatch coze 7381365856095480123 7381371876397940123 --kind chat --watch "
        "--stall-timeout 10m",
    )
    id_metavar = "CHAT_ID"
    id_help = "The chats' ids."
    conversation_id: str  # its context field
    context_fields = (
        ContextField(
            "conversation_id", "The conversation.", metavar="CONVERSATION_ID", required=True
        ),
    )
    ref_forms = (RefForm("coze-chat", "coze-chat:CONVERSATION/CHAT", "conversation_id"),)
    scope_field = "conversation_id"
    endpoints = {
        "status": Endpoint("GET", "/v3/chat/retrieve"),
        "cancel": Endpoint("POST", "/v3/chat/cancel"),  # coze.md#chat-cancel
    }
    states = state_words(
        pending="created",
        # requires_action: paused until someone submits tool outputs; polling alone never
        # ends it (docs/providers/coze.md#chat-states).
        running="in_progress requires_action",
        succeeded="completed",
        failed="failed",
        cancelled="canceled",
    )

    @property
    def label(self) -> str:
        return f"coze chat {self.conversation_id}"

    def _ids(self, chat_id: str) -> dict[str, str]:
        return {"conversation_id": str(self.conversation_id), "chat_id": str(chat_id)}

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        query = "&".join(
            f"{name}={quote(value, safe='')}" for name, value in self._ids(job_id).items()
        )
        return self.request(client, "status", query=f"?{query}")

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        envelope, _ = self.envelope(response)
        data = envelope.object("data")
        if data is None:
            raise StateUnknownError("coze: the chat answer has no `data`")
        return [self._status(job_id, data)]

    def _status(self, job_id: str, chat: Fields) -> JobStatus:
        word = chat.required_text("status")
        state = self.map_state(word)
        message = None
        if state is JobState.FAILED:
            message = _last_error(chat) or "the chat failed"
        elif word == "requires_action":
            tools = _tool_names(chat)
            message = f"{WAITING} ({', '.join(tools)})" if tools else WAITING
        elif state is JobState.CANCELLED:
            message = _last_error(chat)
        usage = chat.object("usage")
        counts = (
            present(
                input_count=usage.integer("input_count"),
                output_count=usage.integer("output_count"),
                token_count=usage.integer("token_count"),
            )
            if usage is not None
            else {}
        )
        extra = present(
            bot_id=chat.text("bot_id", numbers=True) or None,
            usage=counts or None,
            created_at=chat.integer("created_at"),
            completed_at=chat.integer("completed_at"),
            failed_at=chat.integer("failed_at"),
        )
        return self.job(job_id, state=state, status=word, message=message, extra=extra)

    # -- cancel (docs/providers/coze.md#chat-cancel) --------------------------------------------

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        return self.request(client, "cancel", json=self._ids(job_id))

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        raw = json_body(response)
        if isinstance(raw, dict):
            code = as_code(Fields(raw, "coze: cancel answer").code("code"))
            if code == CANNOT_CANCEL:
                # Refused for a completed, failed (or requires_action) chat: already finished.
                return False
        envelope, _ = self.envelope(response)
        data = envelope.object("data")
        word = data.text("status") if data is not None else None
        # The answer is the chat: `canceled` now. One that says it completed or failed had
        # finished before the cancel came.
        return word is None or self.map_state(word) not in (JobState.SUCCEEDED, JobState.FAILED)


def _last_error(chat: Fields) -> str | None:
    """`last_error` as one line: `msg (code N)`; None when it says nothing (code 0 or null)."""
    error = chat.object("last_error")
    if error is None:
        return None
    code = as_code(error.code("code"))
    text = error.text("msg", numbers=True) or ""
    if code in (None, 0):
        return text or None
    return f"{text} (code {code})" if text else f"code {code}"


def _tool_names(chat: Fields) -> list[str]:
    """The functions a chat in requires_action waits for (`required_action.submit_tool_outputs.
    tool_calls[].function.name`)."""
    action = chat.object("required_action")
    outputs = action.object("submit_tool_outputs") if action is not None else None
    names = []
    for call in outputs.objects("tool_calls") if outputs is not None else []:
        function = call.object("function")
        name = function.text("name") if function is not None else None
        if name and name not in names:
            names.append(name)
    return names
