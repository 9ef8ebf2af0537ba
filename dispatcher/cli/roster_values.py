"""What the `dispatcher roster` commands read and print alike: an instant typed as an ISO date
or date-time (a wall clock of the CSC's zone, or of an override's, when it has no offset), a
minute shown in UTC, the run-time overrides a data
directory holds, and the role choice."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path

from dispatcher.cli.common import Choice, existing_store
from dispatcher.cli.language import tr
from dispatcher.domain.localtime import wall_time
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override
from dispatcher.errors import DispatcherError
from dispatcher.roster.overrides import OverrideRepository

ROLE = Choice(Role)


def parse_instant(value: str | None, option: str, zone: tzinfo) -> datetime:
    """An ISO date or date-time, in UTC; without a UTC offset it is read as a wall clock of
    `zone` (the CSC's, or for an override's window `override_zone`'s). None means now."""
    if value is None:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DispatcherError(
            tr(
                "{option} {value!r} is not an ISO date or date-time (2026-11-24T22:00+08:00)",
                option=option,
                value=value,
            )
        ) from None
    return wall_time(parsed, zone).astimezone(UTC)


def stored_overrides(data_dir: Path | None) -> tuple[Override, ...]:
    """Run-time overrides, if a data directory exists (a check or a dry run never creates
    one)."""
    with existing_store(data_dir) as store:
        return () if store is None else OverrideRepository(store).all()


def utc_minute(value: datetime) -> str:
    """`value` as "2026-11-24 14:00 UTC"."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
