"""What every Zilliz kind of job shares: the Zilliz Cloud sites (and Milvus beside them), the
key variable, the control plane's rate limit, and the error codes of HTTP 200 bodies
(docs/providers/zilliz.md)."""

from __future__ import annotations

import re

from jobwatch.core.errors import CredentialsError, NotFoundError, RetryableError, StateUnknownError
from jobwatch.providers.base import Provider, host_of_url

CLOUD_BASE_URLS = {
    "global": "https://api.cloud.zilliz.com",
    "cn": "https://api.cloud.zilliz.com.cn",
}
_CLOUD_HOSTS = frozenset(host_of_url(url) for url in CLOUD_BASE_URLS.values())
# Error codes in HTTP 200 bodies (docs/providers/zilliz.md#errors). Auth: v1 table
# 80001/80002, the page's example 21119, Milvus 1800/1400/1401. 1807: Milvus's rate limiter
# (retry). Not found: 2100/2101 (imports), 96026 (control-plane jobs).
AUTH_CODES = frozenset({80001, 80002, 21119, 1800, 1400, 1401})
RETRYABLE_CODES = frozenset({1807})
NOT_FOUND_CODES = frozenset({2100, 2101, 96026})
AUTH_WORDS = ("token is illegal", "token is invalid", "apikey is illegal", "authenticat")
# An unknown job under another code (the code varies by version, [U]): "job … not found",
# "job does not exist", "jobID=… not exist". Not "collection not found".
_NOT_FOUND_TEXT = re.compile(r"\bjob(?:id)?\b.*\b(?:not found|not exists?|does not exist)\b", re.I)


class Zilliz(Provider):
    """A Zilliz kind of job (abstract: the kinds are in imports.py and jobs.py)."""

    name = "zilliz"
    base_urls = CLOUD_BASE_URLS
    key_env_vars = ("ZILLIZ_API_KEY",)
    default_interval = 5.0
    # Control-plane endpoints allow 20 requests/s per user per endpoint
    # (docs/providers/zilliz.md#rate-limits).
    max_requests_per_second = 20.0
    stand_in = "jobwatch.providers.zilliz.sim"

    def code_error(self, code: int | None, message: str) -> StateUnknownError | CredentialsError:
        """The error a body's code (not 0) stands for."""
        text = f"{self.name}: code {code}: {message}"
        if code in AUTH_CODES or any(word in message.lower() for word in AUTH_WORDS):
            return CredentialsError(text)
        if code in RETRYABLE_CODES:
            return RetryableError(text, rate_limited=True)
        if code in NOT_FOUND_CODES or _NOT_FOUND_TEXT.search(message):
            return NotFoundError(text)
        return StateUnknownError(text)


def is_cloud(base_url: str) -> bool:
    """Whether a base URL is one of Zilliz Cloud's sites (else: a Milvus server)."""
    return host_of_url(base_url) in _CLOUD_HOSTS


def as_code(code: int | str | None) -> int | None:
    """A body's `code` as a number (Zilliz sends `0` or `"0"`); None when it is none."""
    if code is None:
        return None
    try:
        return int(code)
    except ValueError:
        return None
