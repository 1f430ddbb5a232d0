"""The live view in a real pseudo-terminal (issue 23), its screen read by a terminal emulator
(tests/ptykit.py): a hook's lines print above the live region, Ctrl-C leaves the last frame
once (also in `jobwatch demo`), a resize from 120 to 60 columns redraws from scratch, and
one-off tables fit 60 to 200 columns."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import Sim, clean_env, unique
from tests.ptykit import Terminal, jobwatch_args

pytestmark = pytest.mark.e2e

FC = "6a1b2c3d-0000-4000-8000-00000000abcd"
COZE = "7441234567890123456"


def env_for(sim: Sim, tmp_path) -> dict[str, str]:
    env = clean_env(str(tmp_path))
    for name in ("FIRECRAWL", "COZE", "BRIGHTDATA", "ZILLIZ"):
        env[f"JOBWATCH_{name}_BASE_URL"] = sim.base_url
        env[f"JOBWATCH_{name}_API_KEY"] = "e2e-key"
    return env


def frame_rows(lines: list[str]) -> list[str]:
    """The rows of the last frame: after its last count line, up to the summary line."""
    (start,) = [n for n, line in enumerate(lines) if line.startswith("[+] ")][-1:]
    end = next(n for n in range(start, len(lines)) if re.match(r"\d+ jobs?: ", lines[n]))
    return lines[start + 1 : end]


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_hook_output_prints_above_the_live_view(sim: Sim, tmp_path, columns: int) -> None:
    a, b, c = unique(), unique("-fail"), unique()
    args = jobwatch_args(
        "watch", f"firecrawl:{a}", f"coze:{COZE}/{b}", f"brightdata:{c}",
        "--interval", "0.2", "--on-job-end", 'echo "hook: $JOBWATCH_JOB_ID $JOBWATCH_STATE"',
    )  # fmt: skip
    with Terminal(args, env_for(sim, tmp_path), columns=columns) as term:
        code = term.wait(90)
        lines = term.lines()
    assert code == 1, term.text()
    hooks = [line for line in lines if line.startswith("hook: ")]
    assert sorted(hooks) == sorted(
        [f"hook: {a} succeeded", f"hook: {b} failed", f"hook: {c} succeeded"]
    )
    # Whole lines, all above the last frame; the frame shows each job once.
    first_row = max(n for n, line in enumerate(lines) if line.startswith("[+] "))
    assert all(lines.index(line) < first_row for line in hooks)
    rows = frame_rows(lines)
    assert [row.split()[0] for row in rows] == ["firecrawl", "coze", "brightdata"]
    assert all(len(line) <= columns for line in lines)


@pytest.mark.parametrize("command", ["watch", "demo"])
def test_ctrl_c_leaves_the_last_frame_once(sim: Sim, tmp_path, command: str) -> None:
    if command == "demo":
        args = jobwatch_args("demo")
    else:
        args = jobwatch_args(
            "watch", f"firecrawl:{unique('-slow')}", f"brightdata:{unique('-slow')}",
            "--interval", "0.2",
        )  # fmt: skip
    with Terminal(args, env_for(sim, tmp_path), columns=80) as term:
        assert term.read_until(lambda t: "running" in t.text() and "[+] " in t.text(), 30)
        time.sleep(1.0)
        term.read_until(lambda t: False, 0.3)
        term.interrupt()
        code = term.wait(60)
        lines = term.lines()
    assert code == 130, term.text()
    assert sum(line.startswith("[+] ") for line in lines) == 1, lines
    rows = frame_rows(lines)
    assert len(rows) == len(set(rows)) and rows, lines  # the first row is not repeated
    assert "^C" not in "\n".join(lines)
    if command == "demo":
        assert lines[-1] == "interrupted: the demo's simulator stopped with it"
    else:
        assert lines[-2] == "interrupted: the jobs keep running at the provider; re-attach with:"
        assert lines[-1].startswith("  jobwatch watch firecrawl:")


def test_a_resize_from_120_to_60_columns_redraws_from_scratch(sim: Sim, tmp_path) -> None:
    """As tmux does, the emulator re-wraps the old frame's lines at 60 columns; the next
    redraw clears them: one frame on screen, no wrapped leftovers."""
    jobs = [f"firecrawl:{FC[:-4]}{unique('-slow')[-9:]}", f"coze:{COZE}/{unique('-slow')}"]
    args = jobwatch_args("watch", *jobs, "--interval", "0.2")
    with Terminal(args, env_for(sim, tmp_path), columns=120, rows=30) as term:
        assert term.read_until(lambda t: "running" in t.text() and "[+] " in t.text(), 30)
        term.read_until(lambda t: False, 0.6)
        assert any(len(line) > 60 for line in term.lines())
        term.resize(60)
        term.read_until(lambda t: False, 1.0)
        lines = term.lines()
        term.interrupt()
        term.wait(60)
    assert sum(line.startswith("[+] ") for line in lines) == 1, lines
    rows = lines[lines.index(next(line for line in lines if line.startswith("[+] "))) + 1 :]
    assert [row.split()[0] for row in rows] == ["firecrawl", "coze"], lines
    assert all(len(line) <= 60 for line in lines)


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_one_off_tables_fit_the_terminal(sim: Sim, tmp_path, columns: int) -> None:
    """No cell wraps: ids shorten in the middle, files keep their names, and the reasons
    follow the table, wrapped at words."""
    job = unique("-fail")
    args = jobwatch_args(
        "zilliz", job, "--cluster-id", "in01-0123456789abcdef", "--wait-for-start", "0"
    )
    env = env_for(sim, tmp_path)
    with Terminal(
        jobwatch_args(
            "zilliz", job, "--cluster-id", "in01-0123456789abcdef", "--watch", "--progress", "none"
        ),
        env,
        columns=columns,
    ) as term:
        term.wait(60)
    with Terminal(args, env, columns=columns) as term:
        code = term.wait(60)
        lines = term.lines()
    assert code == 1, term.text()
    assert lines[0].split() == ["provider", "job", "state", "status"]
    table = lines[1 : 1 + 4]
    assert table[0].split()[:4] == ["zilliz", job, "failed", "Failed"]
    for row in table[1:]:
        assert row.split()[0] == "└" and row.split()[1].endswith(".parquet"), row
        assert row.split()[2:4] == ["failed", "Failed"]
    reasons = lines[5:]
    assert reasons[0].startswith(f"zilliz {job} failed (Failed): ")
    assert all(len(line) <= columns for line in lines)
    words = " ".join(lines).split()
    assert all(not word.endswith("-") for word in words)
