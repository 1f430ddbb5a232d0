"""Text for a Mermaid `gantt` chart that no provider string can break or steer.

Mermaid's gantt grammar (mermaid 11, `diagrams/gantt/parser/gantt.jison`) reads a task line as
`NAME : DATA`; a `:` in the name shifts the data, a newline ends the line, `%%` starts a comment
and `%%{…}%%` a configuration directive anywhere, `#word;` is an entity, and a name that starts
with a keyword (`section`, `title`, `click`, `dateFormat`, a date, …) is read as that statement.
Mermaid shows the decimal entity `#58;` as `:`, so each such character is written as its entity
and a name that starts with a keyword gets its first letter as an entity: every name then shows
exactly as written. A backtick (which could close the Markdown code fence around the chart) is an
entity too. Checked with Mermaid's own parser in tests/render/test_timeline.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

# Characters written as Mermaid's decimal entities (#58; shows as ':').
_ENTITY_CHARS = frozenset("#:;%`")
# Statements of the gantt grammar (any case) and a leading date: a name must not start as one.
_KEYWORD = re.compile(
    r"(?i)(?:gantt\b|section\s|title\s|click\s|call\s|href\s|dateformat\s|axisformat\s"
    r"|tickinterval\s|includes\s|excludes\s|todaymarker\s|topaxis\b|inclusiveenddates\b"
    r"|weekday\s|weekend\s|acctitle\s*:|accdescr\s*[:{]|accdescription\s|\d{4}-\d\d-\d\d\b)"
)
# Tags Mermaid reads in a task's data; task ids are made of [A-Za-z0-9_] and never one of them.
TAGS = ("done", "crit", "active", "milestone")
DATE_FORMAT = "YYYY-MM-DDTHH:mm:ss.SSS"  # no zone: the times written are UTC


def text(value: str) -> str:
    """A task name, section name or title: one line, shown by Mermaid exactly as `value`
    (whitespace runs shown as one space; an empty name as `-`)."""
    line = " ".join(value.split()) or "-"
    line = "".join(f"#{ord(char)};" if char in _ENTITY_CHARS else char for char in line)
    if _KEYWORD.match(line):
        line = f"#{ord(line[0])};{line[1:]}"
    return line


def date(moment: datetime) -> str:
    """A time in DATE_FORMAT (give it in UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


@dataclass(frozen=True)
class Bar:
    """One task of the chart."""

    section: str
    name: str
    tags: tuple[str, ...]
    start: datetime
    end: datetime


def gantt(title: str, bars: list[Bar], *, axis_format: str) -> str:
    """The chart's Mermaid text: a section per distinct `section` (in order of first
    appearance), a task per bar with the id `jN`."""
    lines = [
        "gantt",
        f"    title {text(title)}",
        f"    dateFormat {DATE_FORMAT}",
        f"    axisFormat {axis_format}",
        "    todayMarker off",
    ]
    sections: dict[str, list[tuple[int, Bar]]] = {}
    for number, bar in enumerate(bars, 1):
        sections.setdefault(bar.section, []).append((number, bar))
    for section, numbered in sections.items():
        lines.append(f"    section {text(section)}")
        for number, bar in numbered:
            data = [*bar.tags, f"j{number}", date(bar.start), date(bar.end)]
            lines.append(f"    {text(bar.name)} :{', '.join(data)}")
    return "\n".join(lines) + "\n"
