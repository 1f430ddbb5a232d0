"""Helpers for the tests of defined providers (README: Your own provider): the README's own
tables, the real `jobwatch` process, and loopback stand-ins for the three public APIs of the
README's examples, answering with the documented bodies in tests/fixtures/defined/."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.apiserver import Answer, Received, body, fixture
from tests.contract import USER_VARS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PROCESS_TIMEOUT = 120

# Keys in each vendor's shape, long enough to be hunted for in any output.
OPENAI_KEY = "sk-test0123456789abcdef0123456789mnop"
REPLICATE_KEY = "r8_0123456789abcdef0123456789abcdef4e2f"
ASSEMBLYAI_KEY = "0123456789abcdef0123456789ab7c3d"
KEYS = (OPENAI_KEY, REPLICATE_KEY, ASSEMBLYAI_KEY)

BATCH = "batch_abc123"
PREDICTION = "gm3qorzdhgbfurvjtvhg6dckhu"
TRANSCRIPT = "9ea68fd3-f953-42c1-9742-976c447fb463"

# The fifth provider's `Export` kind (tests/providers/test_fifth_provider.py) as a table: that
# test checks both forms give the same requests and JOBs; the table tests vary it key by key.
ACME_EXPORTS = """
[providers.acme]
summary = "Acme exports"
base_url = "https://api.acme.test"
status = "GET /v1/exports/{id}"
key_env = ["ACME_API_KEY"]
interval = 1
unit = "rows"
[providers.acme.read]
status = "/state"
completed = "/done"
total = "/total"
[providers.acme.states]
pending = ["queued"]
running = ["rendering"]
succeeded = ["done"]
"""


def readme_tables() -> str:
    """The README's worked examples: its ```toml blocks that start with `# providers.toml`."""
    blocks = re.findall(r"^```toml\n(# providers\.toml\n.*?)^```", README.read_text(), re.M | re.S)
    assert len(blocks) == 3, blocks
    return "\n".join(blocks)


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def summary(self) -> dict[str, dict[str, Any]]:
        """The jobs of a watch's NDJSON summary, by id."""
        last = self.events()[-1]
        assert last["event"] == "summary", last
        return {job["id"]: job for job in last["jobs"]}


def environment(config_dir: Path, **extra: str) -> dict[str, str]:
    """A user's environment with no keys, no CI, and the config folder given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JOBWATCH_", "GITHUB_")) and key not in USER_VARS
        and key not in ("OPENAI_API_KEY", "REPLICATE_API_TOKEN", "ASSEMBLYAI_API_KEY")
    }  # fmt: skip
    env["JOBWATCH_CONFIG_DIR"] = str(config_dir)
    env.update(extra)
    return env


def jobwatch(folder: Path, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> Ran:
    """The real `jobwatch` process, run in `folder` (its config folder is `folder/config`)."""
    done = subprocess.run(
        [sys.executable, "-m", "jobwatch", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        input=stdin,
        env=environment(folder / "config", **(env or {})),
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    ran = Ran(done.returncode, done.stdout, done.stderr)
    for key in KEYS:
        assert key not in ran.output, "a whole key was printed"
    assert "\x1b" not in ran.output and "Traceback" not in ran.output, ran.output
    return ran


class Story:
    """Each id's answers in turn (the last one repeats), counted per id, thread-safe."""

    def __init__(self) -> None:
        self.polls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def next(self, job_id: str, answers: list[Answer]) -> Answer:
        with self._lock:
            self.polls[job_id] += 1
            number = self.polls[job_id]
        return answers[min(number, len(answers)) - 1]


def _segment(target: str, pattern: str) -> str | None:
    match = re.fullmatch(pattern, target)
    return match[1] if match else None


class OpenAIBatches(Story):
    """`GET /v1/batches/{id}` and `POST /v1/batches/{id}/cancel` (docs/providers/
    defined-examples.md#1-openai-batch-api-openai-batch): `batch_abc123` validates, runs and
    completes; `batch_failed` failed validation; `batch_long` runs until cancelled, then stays
    `cancelling` for one poll before `cancelled`; other ids are unknown (404)."""

    def __init__(self, key: str = OPENAI_KEY) -> None:
        super().__init__()
        self.key = key
        self.cancelled: set[str] = set()

    def __call__(self, seen: Received) -> Answer:
        if seen.header("Authorization") != f"Bearer {self.key}":
            return fixture("openai-batch", "error_401", 401)
        cancel = _segment(seen.target, r"/v1/batches/([^/?#]+)/cancel")
        if seen.method == "POST" and cancel is not None:
            return self._cancel(cancel)
        batch = _segment(seen.target, r"/v1/batches/([^/?#]+)")
        if seen.method != "GET" or batch is None:
            return body(404, {"error": {"message": "Invalid URL", "type": "invalid_request_error",
                                        "param": None, "code": None}})  # fmt: skip
        if batch == BATCH:
            steps = ["validating", "running", "succeeded"]
            return self.next(batch, [fixture("openai-batch", step) for step in steps])
        if batch == "batch_failed":
            return fixture("openai-batch", "failed", id=batch)
        if batch == "batch_long":
            if batch not in self.cancelled:
                return fixture("openai-batch", "running", id=batch)
            return self.next(f"{batch} cancelled", [
                fixture("openai-batch", "cancelling", id=batch),
                fixture("openai-batch", "cancelling", id=batch, status="cancelled",
                        cancelled_at=1711475200),
            ])  # fmt: skip
        return fixture("openai-batch", "error_404", 404)

    def _cancel(self, batch: str) -> Answer:
        if batch == BATCH and self.polls[BATCH] >= 3:
            return fixture("openai-batch", "error_409_cancel_completed", 409)
        if batch in (BATCH, "batch_long"):
            self.cancelled.add(batch)
            return fixture("openai-batch", "cancelling", id=batch)
        return fixture("openai-batch", "error_404", 404)


class ReplicatePredictions(Story):
    """`GET /v1/predictions/{id}` and `POST /v1/predictions/{id}/cancel` (docs/providers/
    defined-examples.md#2-replicate-predictions-replicate): the documented prediction starts,
    processes and succeeds; `failedpred` failed; `abortedpred` passed its deadline before it
    started; `longpred` processes until cancelled; other ids are unknown (a 404 problem detail
    with its numeric `status`)."""

    def __init__(self, key: str = REPLICATE_KEY) -> None:
        super().__init__()
        self.key = key
        self.cancelled: set[str] = set()

    def __call__(self, seen: Received) -> Answer:
        if seen.header("Authorization") != f"Bearer {self.key}":
            return fixture("replicate", "error_401", 401)
        cancel = _segment(seen.target, r"/v1/predictions/([^/?#]+)/cancel")
        if seen.method == "POST" and cancel is not None:
            if cancel in (PREDICTION, "longpred"):
                self.cancelled.add(cancel)
                return fixture("replicate", "canceled", id=cancel)
            return fixture("replicate", "error_404", 404)
        prediction = _segment(seen.target, r"/v1/predictions/([^/?#]+)")
        if prediction in self.cancelled:
            return fixture("replicate", "canceled", id=prediction)
        if prediction == PREDICTION:
            steps = [fixture("replicate", "starting", id=PREDICTION)]
            steps += [fixture("replicate", name) for name in ("processing", "succeeded")]
            return self.next(prediction, steps)
        if prediction == "failedpred":
            return fixture("replicate", "failed", id=prediction)
        if prediction == "abortedpred":
            return fixture("replicate", "starting", id=prediction, status="aborted")
        if prediction == "longpred":
            return fixture("replicate", "processing", id=prediction)
        return fixture("replicate", "error_404", 404)


class AssemblyAITranscripts(Story):
    """`GET /v2/transcript/{id}` with the bare key in `Authorization` (docs/providers/
    defined-examples.md#3-assemblyai-transcripts-assemblyai): the documented transcript is
    queued, processed and completed; `errored` failed to download its audio; `lookup` is the
    troubleshooting page's 400 for an unknown id, `gone` the spec's 404, and `malformed` a 400
    that is about something else."""

    def __init__(self, key: str = ASSEMBLYAI_KEY) -> None:
        super().__init__()
        self.key = key

    def __call__(self, seen: Received) -> Answer:
        if seen.header("Authorization") != self.key:  # `Bearer KEY` is refused too
            return fixture("assemblyai", "error_401", 401)
        transcript = _segment(seen.target, r"/v2/transcript/([^/?#]+)")
        if transcript == TRANSCRIPT:
            steps = ["queued", "processing", "completed"]
            return self.next(transcript, [fixture("assemblyai", step) for step in steps])
        if transcript == "errored":
            return fixture("assemblyai", "error", id=transcript)
        if transcript == "gone":
            return fixture("assemblyai", "error_404", 404)
        if transcript == "malformed":
            return body(400, {"error": "format_text must be a Boolean"})
        return fixture("assemblyai", "error_400_transcript_not_found", 400)
