"""HTTP for jobwatch: one httpx.AsyncClient per run over an h11 keep-alive pool (or httpx's
own transport behind a proxy), capped bodies, and answers mapped to jobwatch errors."""

from jobwatch.http.body import MAX_BODY, read_capped, read_whole
from jobwatch.http.client import (
    DEFAULT_HEADERS,
    USER_AGENT,
    Client,
    describe_transport_error,
    proxy_configured,
    redact,
    send,
)
from jobwatch.http.pool import HEAD_LIMIT, PoolTransport
from jobwatch.http.responses import (
    RETRYABLE_STATUS,
    body_text,
    error_text,
    expect_json_object,
    host_of,
    json_body,
    raise_for_status,
    retry_after_seconds,
)

__all__ = [
    "DEFAULT_HEADERS",
    "HEAD_LIMIT",
    "MAX_BODY",
    "RETRYABLE_STATUS",
    "USER_AGENT",
    "Client",
    "PoolTransport",
    "body_text",
    "describe_transport_error",
    "error_text",
    "expect_json_object",
    "host_of",
    "json_body",
    "proxy_configured",
    "raise_for_status",
    "read_capped",
    "read_whole",
    "redact",
    "retry_after_seconds",
    "send",
]
