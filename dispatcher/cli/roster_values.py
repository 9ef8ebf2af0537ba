"""What the `dispatcher roster` commands read from their options: a role, an instant, and
the run-time overrides of a data directory; and how they print an instant."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from dispatcher.cli.common import Choice, open_store
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override
from dispatcher.errors import DispatcherError
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store import default_data_dir

ROLE = Choice(Role)


def parse_instant(value: str | None, option: str) -> datetime:
    """An ISO date or date-time; without a UTC offset it is read as UTC. None means now."""
    if value is None:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DispatcherError(
            f"{option} {value!r} is not an ISO date or date-time (2026-11-24T22:00+08:00)"
        ) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def stored_overrides(data_dir: Path | None) -> tuple[Override, ...]:
    """Run-time overrides, if a data directory exists (a check never creates one)."""
    if not (data_dir or default_data_dir()).is_dir():
        return ()
    with open_store(data_dir) as store:
        return OverrideRepository(store).all()


def utc_minute(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
