"""Fixtures: a router caller on a fake clock, and a live simulator with an httpx client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from jobwatch.sim.server import SimServer, start_sim
from tests.sim._support import Caller, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def call(clock: FakeClock) -> Caller:
    return Caller(clock)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    with start_sim(port=0, speed=20) as server:
        yield server


@pytest.fixture
def client(sim: SimServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sim.base_url, headers={"Authorization": "Bearer test-key"}, timeout=10
    ) as http:
        yield http
