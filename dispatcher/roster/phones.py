"""Phone numbers as people type them, stored as E.164 (ITU-T E.164, via `phonenumbers`).

A number with an extension keeps it after ";ext=" (RFC 3966), as the roster stores one.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from importlib import resources

import phonenumbers

from dispatcher.domain.oncall import Roster
from dispatcher.domain.roster import EXTENSION, UnitKind


def valid_number(typed: str, region: str | None = None) -> phonenumbers.PhoneNumber | None:
    """`typed` ("+1 212 555 0100", "021 6123 4567" in region "CN") parsed, or None when it is
    not a valid number. Without `region` (an ISO 3166 code) only the international form,
    starting with +, is understood."""
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(typed: str, region: str | None = None) -> str | None:
    """`typed` (as `valid_number` reads it) as E.164, with its extension; None when it is not
    a valid number."""
    number = valid_number(typed, region)
    return None if number is None else written(number)


def written(number: phonenumbers.PhoneNumber, extension: str | None = None) -> str:
    """`number` as E.164, then ";ext=" and `extension` (default: the number's own) when it
    has one: "+12125550100;ext=4321" (RFC 3966), as the roster and the store keep it."""
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    extension = number.extension if extension is None else extension
    return f"{text}{EXTENSION}{extension}" if extension else text


def numbers_in(text: str, region: str | None = None) -> list[tuple[str, str | None]]:
    """Every run of `text` that may be a phone number, as (the run as typed, its E.164 form
    or None when it is not a valid number), in order. "Ma Li +1 212 555 0100" holds one."""
    found = phonenumbers.PhoneNumberMatcher(
        text, region or "ZZ", leniency=phonenumbers.Leniency.POSSIBLE
    )
    return [
        (
            match.raw_string,
            written(match.number) if phonenumbers.is_valid_number(match.number) else None,
        )
        for match in found
    ]


class NotANumber(ValueError):
    """A run of text that looks like a phone number and is none: `typed`, as it was typed."""

    def __init__(self, typed: str) -> None:
        super().__init__(typed)
        self.typed = typed


def numbers_written(text: str, region: str | None = None) -> str:
    """`text` ("Ma Li 138 0013 8000") with every phone number in it written as E.164 (read as
    `numbers_in` reads them); raises `NotANumber` naming the first run that is no valid number.
    What the command line's `--called` and the desk's callback call take alike."""
    for raw, number in numbers_in(text, region):
        if number is None:
            raise NotANumber(raw)
        text = text.replace(raw, number, 1)
    return text


def csc_region(roster: Roster) -> str | None:
    """The ISO 3166 region of the CSC: that of the time zone most of the CSC unit's people
    keep (tzdata's zone.tab), or None."""
    csc = {u.id for u in roster.units_of(UnitKind.CSC)}
    zones = Counter(p.timezone for p in roster.people.values() if p.unit in csc)
    if not zones:
        return None
    return _zone_regions().get(zones.most_common(1)[0][0])


@cache
def _zone_regions() -> dict[str, str]:
    """IANA zone → ISO 3166 region, from the zone.tab the tzdata package ships."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}
