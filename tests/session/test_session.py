"""One session per run (jobwatch/session/session.py): one loop for every phase, one client closed
once, one deadline, one retry policy; a SIGTERM cancels the phase at its next await and the
next phase still runs on the same loop."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from jobwatch.core import exitcodes
from jobwatch.core.errors import RetryableError, StateUnknownError
from jobwatch.core.settings import RunOptions
from jobwatch.poll.schedule import RetryPolicy
from jobwatch.session import session as session_module
from jobwatch.session.session import Session
from jobwatch.streams import Streams
from tests.cli_helpers import FC_KEY, Fake, clean_environment, invoke, reply


def streams(handler: Any = None) -> Streams:
    return Streams(env={}, transport=httpx.MockTransport(handler or Fake()))


def test_every_phase_runs_on_one_loop_with_one_client() -> None:
    loops = []
    with Session(RunOptions(), streams()) as session:
        for _ in range(3):

            async def phase() -> None:
                loops.append(asyncio.get_running_loop())

            session.run(phase())
        client = session.client
    assert len(loops) == 3 and loops[0] is loops[1] is loops[2]
    assert loops[0].is_closed()
    assert client.http.is_closed


def test_the_deadline_is_counted_from_the_start_of_the_session() -> None:
    now = [100.0]
    session = Session(RunOptions(timeout=30.0), streams(), clock=lambda: now[0])
    now[0] = 112.5
    assert session.deadline == 130.0 and session.time_left() == 17.5
    session.close()
    one_off = Session(RunOptions(), streams())
    watch = Session(RunOptions(watch=True), streams())
    assert one_off.deadline is not None and watch.deadline is None
    one_off.close()
    watch.close()


@pytest.fixture
def sigterm_raises() -> Iterator[None]:
    """What the console entry installs: SIGTERM raises Terminated."""

    def handler(signum: int, _frame: object) -> None:
        raise exitcodes.Terminated(signum)

    before = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@pytest.mark.usefixtures("sigterm_raises")
def test_a_sigterm_cancels_the_phase_and_the_next_phase_runs_on_the_same_loop() -> None:
    seen: list[str] = []
    with Session(RunOptions(watch=True), streams()) as session:

        async def watching() -> None:
            left = asyncio.create_task(asyncio.sleep(60))  # a hook, say
            left.add_done_callback(lambda task: seen.append(f"left {task.cancelled()}"))
            asyncio.get_running_loop().call_later(0.05, signal.raise_signal, signal.SIGTERM)
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                seen.append("cancelled at an await")
                raise

        with pytest.raises(exitcodes.Terminated) as caught:
            session.run(watching())
        assert exitcodes.for_interrupt(caught.value) == 143

        async def cancelling() -> str:
            return "cancel phase ran"

        seen.append(session.run(cancelling()))
    assert seen == ["cancelled at an await", "left True", "cancel phase ran"]


@pytest.mark.usefixtures("sigterm_raises")
def test_a_sigterm_as_a_phase_ends_is_not_lost() -> None:
    with Session(RunOptions(), streams()) as session:

        async def ends_with_a_signal() -> int:
            signal.raise_signal(signal.SIGTERM)  # after the last await
            return 0

        with pytest.raises(exitcodes.Terminated):
            session.run(ends_with_a_signal())
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL


def test_the_retry_policy_retries_then_gives_up() -> None:
    calls: list[float] = []
    waits: list[float] = []

    async def attempt(limit: float) -> str:
        calls.append(limit)
        raise RetryableError("busy", retry_after=0.0)

    async def no_sleep(_: float) -> None:
        pass

    policy = RetryPolicy(max_retries=2)
    with pytest.raises(RetryableError):
        asyncio.run(
            policy.call(
                attempt,
                time_left=lambda: 100.0,
                request_timeout=10.0,
                late="late",
                on_retry=lambda error, wait: waits.append(wait),
                sleep=no_sleep,
            )
        )
    assert calls == [10.0, 10.0, 10.0] and waits == [0.0, 0.0]


def test_the_retry_policy_never_waits_past_the_deadline() -> None:
    async def attempt(limit: float) -> str:
        raise RetryableError("rate limited", retry_after=5.0)

    with pytest.raises(RetryableError, match="rate limited"):
        asyncio.run(
            RetryPolicy().call(attempt, time_left=lambda: 4.0, request_timeout=10.0, late="late")
        )
    with pytest.raises(StateUnknownError, match="no time"):
        asyncio.run(
            RetryPolicy().call(attempt, time_left=lambda: 0.0, request_timeout=1.0, late="no time")
        )


def test_running_then_watching_then_cancelling_is_one_client_closed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--running --watch --cancel-on-timeout`: the listing, the polls and the cancel share one
    client (and so its connections), closed once at the end."""
    clean_environment(monkeypatch)
    made: list[Any] = []
    closed: list[Any] = []

    class Counted(session_module.Client):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

        async def aclose(self) -> None:
            closed.append(self)
            await super().aclose()

    monkeypatch.setattr(session_module, "Client", Counted)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/crawl/active":
            return reply(body={"success": True, "crawls": [{"id": "c-1"}]})
        if request.method == "DELETE":
            return reply(body={"status": "cancelled"})
        return reply(fixture=("firecrawl", "status_scraping.json"))

    fake = Fake(answer)
    args = ["firecrawl", "--running", "--watch", "-i", "0.05", "-t", "0.5", "--cancel-on-timeout"]
    result = invoke([*args, "--progress", "plain", "--api-key", FC_KEY], tmp_path, fake=fake)
    assert result.exit_code == 124, result.output
    assert "jobwatch: cancelled firecrawl c-1 (crawl)" in result.stderr
    paths = [(r.method, r.url.path) for r in fake.requests]
    assert paths[0] == ("GET", "/v2/crawl/active") and paths[-1] == ("DELETE", "/v2/crawl/c-1")
    assert ("GET", "/v2/crawl/c-1") in paths
    assert len(made) == 1 and closed == made
