"""The picture of a watch in the step summary (jobwatch/render/timeline.py, mermaid.py): a bar
per job from its first answer to its end, in its end state, a section per provider; names that
no provider text can break; checked structurally and with Mermaid's own parser."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from jobwatch.core import exitcodes
from jobwatch.core.events import StatusEvent
from jobwatch.core.models import NOT_FOUND_YET, NOT_READ_STATUS, JobState, JobStatus
from jobwatch.render import github, mermaid
from jobwatch.render.timeline import MAX_BARS, Timeline, chart

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
PARSER_ENV = "JOBWATCH_MERMAID_PARSER"  # tests/mermaid/parse.mjs, set by .ci/run
DATE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"
TASK = re.compile(
    r"^    (?P<name>[^\n:]*) :(?P<tags>(?:(?:done|crit|active|milestone), )*)(?P<id>j\d+), "
    rf"(?P<start>{DATE}), (?P<end>{DATE})$"
)


def at(seconds: float) -> str:
    return (
        (T0 + timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def job(
    job_id: str,
    state: JobState,
    status: str,
    checked: float,
    provider: str = "firecrawl",
    **more: Any,
) -> JobStatus:
    return JobStatus(
        provider=provider, id=job_id, state=state, status=status, checked_at=at(checked), **more
    )


class Run:
    """A watch, told to a Timeline: what each job answered when, and when the run ended."""

    def __init__(self) -> None:
        self.now = T0
        self.timeline = Timeline(now=lambda: self.now)
        self.timeline.start([])

    def answer(self, status: JobStatus) -> JobStatus:
        self.timeline.on_event(StatusEvent(status))
        return status

    def end(self, seconds: float, jobs: list[JobStatus], code: int) -> None:
        self.now = T0 + timedelta(seconds=seconds)
        self.timeline.finish(jobs, code, False)


def tasks(text: str) -> list[re.Match[str]]:
    body = text.removeprefix("```mermaid\n").split("```\n")[0]
    lines = [line for line in body.splitlines() if line.startswith("    ") and " :" in line]
    matches = [TASK.match(line) for line in lines]
    assert all(matches), lines
    return [m for m in matches if m]


def a_run_with_every_state() -> tuple[Run, list[JobStatus]]:
    run = Run()
    run.answer(job("ok", JobState.RUNNING, "scraping", 2))
    ok = run.answer(job("ok", JobState.SUCCEEDED, "completed", 30))
    run.answer(job("bad", JobState.RUNNING, "scraping", 3))
    bad = run.answer(job("bad", JobState.FAILED, "failed", 40, message="boom"))
    run.answer(job("gone", JobState.RUNNING, "scraping", 1))
    gone = run.answer(job("gone", JobState.CANCELLED, "cancelled", 20))
    run.answer(job("stuck", JobState.RUNNING, "Importing", 5, provider="zilliz"))
    stuck = job("stuck", JobState.STALLED, "Importing", 50, provider="zilliz")
    run.answer(job("slow", JobState.RUNNING, "scraping", 4))
    slow = job("slow", JobState.RUNNING, "scraping", 55)  # the deadline came first
    lost = run.answer(
        job("lost", JobState.UNKNOWN, NOT_READ_STATUS, 6, provider="zilliz", error_exit_code=3)
    )
    jobs = [ok, bad, gone, stuck, slow, lost]
    run.end(60, jobs, exitcodes.JOB_FAILED)
    return run, jobs


def test_every_job_is_a_bar_from_its_first_answer_to_its_end_in_its_state() -> None:
    run, jobs = a_run_with_every_state()
    text = chart(jobs, run.timeline)
    assert text.startswith("```mermaid\ngantt\n")
    assert "    dateFormat YYYY-MM-DDTHH:mm:ss.SSS\n" in text
    assert "    title jobwatch#58; 6 jobs, times in UTC\n" in text
    found = {m["name"]: (m["tags"], m["start"][11:19], m["end"][11:19]) for m in tasks(text)}
    assert found == {
        "ok succeeded (completed)": ("done, ", "12:00:02", "12:00:30"),
        "bad failed": ("crit, ", "12:00:03", "12:00:40"),
        "gone cancelled": ("crit, ", "12:00:01", "12:00:20"),
        "stuck stalled (Importing)": ("crit, active, ", "12:00:05", "12:00:50"),
        # not finished: to the end of the run; never answered: from its start
        "slow still running (scraping)": ("active, ", "12:00:04", "12:01:00"),
        "lost unknown": ("crit, done, ", "12:00:00", "12:00:06"),
    }
    # one section per provider, each job in its provider's section
    sections = re.findall(r"^    section (.+)$", text, re.M)
    assert sections == ["firecrawl", "zilliz"]
    zilliz_part = text.split("    section zilliz\n")[1]
    assert "stuck stalled" in zilliz_part and "lost unknown" in zilliz_part


def test_a_job_done_at_its_first_answer_is_a_milestone_and_not_found_yet_is_no_answer() -> None:
    run = Run()
    run.answer(job("late", JobState.PENDING, NOT_FOUND_YET, 1))
    run.answer(job("late", JobState.RUNNING, "scraping", 9))
    late = run.answer(job("late", JobState.SUCCEEDED, "completed", 12))
    done = run.answer(job("done", JobState.SUCCEEDED, "completed", 2))
    timeout = job("never", JobState.UNKNOWN, NOT_READ_STATUS, 0, error_exit_code=124)
    run.end(20, [late, done, timeout], exitcodes.TIMEOUT)
    found = {m["name"]: (m["tags"], m["start"][11:19], m["end"][11:19])
             for m in tasks(chart([late, done, timeout], run.timeline))}  # fmt: skip
    assert found == {
        "late succeeded (completed)": ("done, ", "12:00:09", "12:00:12"),
        "done succeeded (completed)": ("done, milestone, ", "12:00:02", "12:00:02"),
        "never still pending": ("active, ", "12:00:00", "12:00:20"),
    }


# Names that break a gantt chart, read a directive, start another statement or close the fence.
HOSTILE = [
    "a:b",
    "x;y#z",
    "100%",
    "%%{init: {'theme':'dark'}}%%",
    "%% a comment",
    "```",
    "section evil",
    "click j1 href javascript:alert(1)",
    "2026-03-01 x",
    "title t",
    "dateFormat x",
    "#35;",
    "<b>x</b>&",
    "done",
    "a\nb\rc",
]


def hostile_jobs() -> tuple[Run, list[JobStatus]]:
    run = Run()
    jobs = []
    for number, word in enumerate(HOSTILE):
        ident = word if len(word) <= 24 else f"id{number}"
        run.answer(job(ident, JobState.RUNNING, word, number))
        jobs.append(run.answer(job(ident, JobState.FAILED, word, 30)))
    jobs.append(job("x:y", JobState.SUCCEEDED, "completed", 5, provider="evil: %%{x}%% `"))
    run.end(40, jobs, exitcodes.JOB_FAILED)
    return run, jobs


def test_hostile_ids_and_status_words_are_escaped() -> None:
    run, jobs = hostile_jobs()
    text = chart(jobs, run.timeline)
    body = text.removeprefix("```mermaid\n").removesuffix("```\n\n")
    assert "`" not in body  # nothing can close the code fence
    assert "%" not in body.split("    todayMarker off\n")[1]  # no comment, no directive
    assert len(tasks(text)) == len(jobs)  # each a task line of its own, with its data intact
    for line in body.splitlines()[5:]:
        first = line.strip().split()[0]
        if line.startswith("    section "):
            continue
        assert first.lower() not in ("section", "title", "click", "dateformat")
        assert not re.match(r"\d{4}-", first)
    assert "    section evil#58; #37;#37;{x}#37;#37; #96;\n" in text


def test_text_shows_as_written() -> None:
    assert mermaid.text("a:b") == "a#58;b"
    assert mermaid.text("section x") == "#115;ection x"
    assert mermaid.text("  many \n lines\t") == "many lines"
    assert mermaid.text("") == "-"
    assert mermaid.text("ünï ✓ (ok) <b>") == "ünï ✓ (ok) <b>"


def test_over_50_jobs_the_50_that_ran_longest_and_a_line_for_the_rest() -> None:
    run = Run()
    jobs = []
    for number in range(60):
        run.answer(job(f"j-{number}", JobState.RUNNING, "scraping", 0))
        jobs.append(job(f"j-{number}", JobState.SUCCEEDED, "completed", 1 + (number * 7) % 60))
    run.end(70, jobs, 0)
    text = chart(jobs, run.timeline)
    shown = [m["name"].split()[0] for m in tasks(text)]
    lengths = {f"j-{n}": 1 + (n * 7) % 60 for n in range(60)}
    assert len(shown) == MAX_BARS
    assert sorted(lengths[name] for name in shown) == list(range(11, 61))
    assert shown == sorted(shown, key=lambda name: int(name[2:]))  # in the order given
    assert text.endswith(
        "```\n\nThe chart shows the 50 jobs that ran longest; the 10 others (none longer than "
        "10s) are in the table below.\n\n"
    )


def test_the_step_summary_begins_with_the_picture_then_the_table() -> None:
    run, jobs = a_run_with_every_state()
    text = github.step_summary(jobs, 1, run.timeline)
    assert text.startswith("```mermaid\ngantt\n")
    picture, table = text.split("```\n\n", 1)
    assert table.startswith("### jobwatch: failed (exit code 1)\n\n| provider | job |")
    assert github.step_summary(jobs, 1).startswith("### jobwatch: failed")  # no timeline


def test_a_provider_text_cannot_inject_markdown_in_the_table() -> None:
    bad = job("a`b|c", JobState.FAILED, "**x** <img src=x>", 5, message="# [y](javascript:z)")
    text = github.step_summary([bad], 1)
    row = text.splitlines()[4]
    assert row == (
        "| firecrawl | ``a`b\\|c`` | failed | \\*\\*x\\*\\* &lt;img src=x&gt; |  | "
        "\\# \\[y\\](javascript:z) |"
    )


# -- Mermaid's own parser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def parser() -> Path:
    """tests/mermaid/parse.mjs with mermaid and jsdom installed (.ci/run sets it up). Outside CI
    the test skips when it is not; in CI it must be there."""
    configured = os.environ.get(PARSER_ENV)
    if not configured:
        if os.environ.get("CI"):
            pytest.fail(f"{PARSER_ENV} is not set: .ci/run installs Mermaid's parser")
        pytest.skip(f"{PARSER_ENV} is not set (see .ci/run)")
    return Path(configured)


def parse(parser: Path, text: str) -> dict[str, Any]:
    body = text.removeprefix("```mermaid\n").split("```\n")[0]
    done = subprocess.run(
        ["node", str(parser), "--json", "-"],
        input=body,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_mermaid_parses_the_chart_and_shows_each_name_as_written(parser: Path) -> None:
    run, jobs = hostile_jobs()
    every, every_jobs = a_run_with_every_state()
    text = chart(jobs + every_jobs, run.timeline)
    parsed = parse(parser, text)
    assert parsed["diagramType"] == "gantt"
    assert parsed["title"] == f"jobwatch: {len(jobs) + len(every_jobs)} jobs, times in UTC"
    assert parsed["sections"] == ["firecrawl", "evil: %%{x}%% `", "zilliz"]
    expected = [run.timeline.bar(status) for status in jobs + every_jobs]
    expected.sort(key=lambda bar: parsed["sections"].index(bar.section))  # grouped by section
    shown = [(t["section"], t["name"].strip(), tuple(t["tags"]), t["start"], t["end"])
             for t in parsed["tasks"]]  # fmt: skip
    assert shown == [
        (
            bar.section,
            " ".join(bar.name.split()),
            tuple(tag for tag in ("done", "crit", "active", "milestone") if tag in bar.tags),
            bar.start.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            bar.end.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )
        for bar in expected
    ]
    names = [t["name"] for t in parsed["tasks"]]
    for word in HOSTILE:
        if len(word) <= 24:
            assert any(name.startswith(" ".join(word.split())) for name in names), word


def test_mermaid_rejects_what_the_escaping_prevents(parser: Path) -> None:
    """The check can fail: an unescaped ':' in a name breaks the chart."""
    run, jobs = a_run_with_every_state()
    broken = chart(jobs, run.timeline).replace("ok succeeded", "ok: succeeded")
    body = broken.removeprefix("```mermaid\n").split("```\n")[0]
    done = subprocess.run(
        ["node", str(parser), "-"], input=body, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
