"""The suite's own guard (tests/conftest.py) sees the processes a test leaves behind."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import descendants


def test_a_process_left_running_is_seen_and_one_that_ended_is_not() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert child.pid in descendants(os.getpid())
        assert "time.sleep(60)" in descendants(os.getpid())[child.pid]
    finally:
        child.kill()
        child.wait()
    assert child.pid not in descendants(os.getpid())
