"""Errors jobwatch raises on purpose, each with the exit code it ends in (README: exit codes)."""

from __future__ import annotations

from typing import ClassVar

from jobwatch.core import exitcodes


class JobwatchError(Exception):
    """Base class: a message for the user and the exit code it ends in."""

    exit_code: ClassVar[int] = exitcodes.UNKNOWN

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(JobwatchError):
    """Bad arguments, options or config file (exit 2)."""

    exit_code = exitcodes.USAGE


class CredentialsError(JobwatchError):
    """Credentials missing, or rejected by the provider (exit 4)."""

    exit_code = exitcodes.CREDENTIALS


class MissingKeyError(CredentialsError):
    """No key was found for a provider that needs one (exit 4)."""

    def __init__(self, message: str, *, provider: str, ways: str) -> None:
        super().__init__(message)
        self.provider = provider
        self.ways = ways  # the variables that would give one


class StateUnknownError(JobwatchError):
    """The state could not be learned: not found, server error, unexpected shape (exit 3)."""

    exit_code = exitcodes.UNKNOWN


class NotFoundError(StateUnknownError):
    """The provider says the job does not exist (or no longer does). Within --wait-for-start
    it may just not be created yet (README: Gates)."""


class GoneError(NotFoundError):
    """The provider says the job existed and is gone (Firecrawl's `Job expired`): never "not
    created yet"."""


class RetryableError(StateUnknownError):
    """A failure worth trying again: 429, 5xx, connection errors, timeouts, non-JSON bodies.

    `retry_after` is the provider's own wish in seconds, when it said one.
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, rate_limited: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.rate_limited = rate_limited
