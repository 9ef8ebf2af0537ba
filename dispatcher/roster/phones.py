"""Phone numbers as people type them, stored as E.164 (ITU-T E.164, via `phonenumbers`).

A number with an extension keeps it after ";ext=" (RFC 3966), as the roster stores one.
"""

from __future__ import annotations

import phonenumbers

EXTENSION = ";ext="


def e164(typed: str, region: str | None = None) -> str | None:
    """`typed` ("+1 212 555 0100", "021 6123 4567" in region "CN") as E.164, with its
    extension; None when it is not a valid number. Without `region` (an ISO 3166 code) only
    the international form, starting with +, is understood."""
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return _formatted(number)


def _formatted(number: phonenumbers.PhoneNumber) -> str:
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{text}{EXTENSION}{number.extension}" if number.extension else text


def numbers_in(text: str, region: str | None = None) -> list[tuple[str, str | None]]:
    """Every run of `text` that may be a phone number, as (the run as typed, its E.164 form
    or None when it is not a valid number), in order. "Ma Li +1 212 555 0100" holds one."""
    found = phonenumbers.PhoneNumberMatcher(
        text, region or "ZZ", leniency=phonenumbers.Leniency.POSSIBLE
    )
    return [
        (
            match.raw_string,
            _formatted(match.number) if phonenumbers.is_valid_number(match.number) else None,
        )
        for match in found
    ]
