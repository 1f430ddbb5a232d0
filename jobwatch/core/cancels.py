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

    def to_json(self) -> dict[str, str | None]:
        """`{"provider", "id", "result", "message"}`: `message` is null unless it says why a
        cancel failed."""
        return {
            "provider": self.provider,
            "id": self.job_id,
            "result": self.outcome,
            "message": self.message or None,
        }

    @property
    def name(self) -> str:
        """How lines name the job, as the watch's rows do: `zilliz job-1 (milvus)`,
        `firecrawl ID (crawl)`."""
        detail = self.label.removeprefix(f"{self.provider} ")
        return f"{self.provider} {self.job_id}" + (
            f" ({detail})" if detail != self.provider else ""
        )


def exit_code(results: Sequence[CancelResult]) -> int:
    """The exit code of a cancel: 0 when every job was cancelled or had already finished, else
    the first that applies (exitcodes.PRECEDENCE: 2 no cancel, 4 credentials, 3 the rest)."""
    return exitcodes.combine(result.exit_code for result in results)
