"""What asking a provider to stop a job came to (README: Finding and cancelling jobs): one
CancelResult per job, made by jobwatch/session/cancel.py and shown by jobwatch/render/result.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from jobwatch.core import exitcodes

Outcome = Literal["cancelled", "finished", "error"]


@dataclass(frozen=True)
class CancelResult:
    provider: str
    label: str  # the provider instance's label: `firecrawl crawl`, `milvus`
    job_id: str
    outcome: Outcome
    message: str = ""
    exit_code: int = exitcodes.SUCCESS

    def to_json(self) -> dict[str, str]:
        document = {"provider": self.provider, "id": self.job_id, "result": self.outcome}
        return {**document, "message": self.message} if self.message else document


def exit_code(results: Sequence[CancelResult]) -> int:
    """The exit code of a cancel: 0 when every job was cancelled or had already finished, else
    the first that applies (exitcodes.PRECEDENCE: 2 no cancel, 4 credentials, 3 the rest)."""
    return exitcodes.combine(result.exit_code for result in results)
