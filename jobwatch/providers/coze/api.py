"""What every Coze kind of job shares: the two sites, the token variable, and the envelope of
every answer, `{code, msg, data, detail: {logid}}`, whose code says what went wrong, with HTTP
200 or a matching status (docs/providers/coze.md#errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobwatch.core.errors import (
    CredentialsError,
    JobwatchError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
)
from jobwatch.http.responses import body_text, json_body, raise_for_status, retry_after_seconds
from jobwatch.providers.base import Provider
from jobwatch.providers.reading import Fields

if TYPE_CHECKING:
    import httpx

BASE_URLS = {"global": "https://api.coze.com", "cn": "https://api.coze.cn"}
# Codes from the official table and coze-js's classification (docs/providers/coze.md#errors).
AUTH_CODES = frozenset({4100, 4101, 700012006})
NOT_FOUND_CODES = frozenset({4200})
RETRYABLE_CODES = frozenset({4009, 4013, 4020, 5000})
RATE_LIMITED_CODES = frozenset({4009, 4013, 4020})


class Coze(Provider):
    """A Coze kind of job (abstract: the kinds are in documents.py, workflows.py, chats.py)."""

    name = "coze"
    base_urls = BASE_URLS
    key_env_vars = ("COZE_API_TOKEN",)
    default_interval = 3.0
    stand_in = "jobwatch.providers.coze.sim"
    # Codes that mean "no such job" besides NOT_FOUND_CODES, for a kind's own endpoint.
    not_found_codes: frozenset[int] = frozenset()

    def envelope(self, response: httpx.Response) -> tuple[Fields, str | None]:
        """The answer's envelope, when its code says success, and the request's logid; else
        the error its code (or, without one, its HTTP status) stands for."""
        raw = json_body(response)
        if not isinstance(raw, dict):
            raise_for_status(response, response.reason_phrase, provider=self.name)
            raise RetryableError(f"coze: HTTP {response.status_code} answer is not JSON")
        body = Fields(raw, "coze: body")
        detail = body.object("detail")
        logid = (detail.text("logid") if detail else None) or response.headers.get("x-tt-logid")
        code = as_code(body.code("code"))
        # A 2xx body with data but no code is a success, as cozepy reads it (it defaults the
        # code to 0).
        if code is None and response.status_code < 300 and raw.get("data") is not None:
            code = 0
        message = body.text("msg") or ""
        if code != 0:
            if code is None:
                # No Coze code (a gateway's JSON error page): the HTTP status says what it is.
                raise_for_status(response, message or body_text(response), provider=self.name)
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise self.code_error(code, message, logid, retry_after)
        raise_for_status(response, message, provider=self.name)
        return body, logid

    def code_error(
        self, code: int | None, msg: str, logid: str | None, retry_after: float | None = None
    ) -> JobwatchError:
        """The error a Coze code (not 0) stands for."""
        text = f"coze: code {code}: {msg}" + (f" (logid {logid})" if logid else "")
        if code in AUTH_CODES:
            if code == 4100:
                text += (
                    "; a token from the other Coze site is rejected too: try --region cn "
                    "or --region global"
                )
            return CredentialsError(text)
        if code in NOT_FOUND_CODES or code in self.not_found_codes:
            return NotFoundError(text)
        if code in RETRYABLE_CODES:
            return RetryableError(
                text, retry_after=retry_after, rate_limited=code in RATE_LIMITED_CODES
            )
        return StateUnknownError(text)


def as_code(code: int | str | None) -> int | None:
    """A code as a number (Coze sends numbers, a few SDK paths text); None when it is none."""
    try:
        return int(code) if code is not None else None
    except ValueError:
        return None
