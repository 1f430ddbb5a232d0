"""Text shared by the poll loop's messages and the renderers: durations and shares."""

from __future__ import annotations

import math


def duration(seconds: float | None) -> str:
    """`7s`, `1m05s`, `2h03m`; `-` when unknown."""
    if seconds is None or math.isnan(seconds) or seconds < 0:
        return "-"
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def share_text(share: float) -> str:
    """`30 %`, `94.6 %`: rounded down, so that a share under a gate never prints as equal."""
    tenths = math.floor(share * 1000 + 1e-9) / 10
    return f"{tenths:.0f} %" if tenths == int(tenths) else f"{tenths:.1f} %"
