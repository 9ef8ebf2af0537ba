"""How the desk writes times."""

from __future__ import annotations

from datetime import timedelta

from rich.cells import cell_len


def clock_text(remaining: timedelta) -> str:
    """A countdown or an age as h:mm:ss, negative once past."""
    seconds = int(remaining.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def pad(text: str, width: int) -> str:
    """Pad to `width` terminal cells (a Chinese character takes two)."""
    return text + " " * max(0, width - cell_len(text))
