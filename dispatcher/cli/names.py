"""The names typed on the command line, resolved against the roster by every command alike.

A person is found by id, name or Chinese name; a unit or product line by id, name or Chinese
name; a branch by id, name or a site it covers; a site as the roster spells it (any case); a
product by id or name (`dispatcher.domain.names.name_table`). A name the roster does not hold
is refused with one line naming the option and the nearest names (exit 2). Phone numbers are
stored as E.164, read in the region of the roster's CSC when typed without a country code.
"""

from __future__ import annotations

from pathlib import Path

from dispatcher.cli.language import tr
from dispatcher.domain.names import Ambiguous, Unnamed, resolve_name
from dispatcher.domain.oncall import Roster
from dispatcher.errors import DispatcherError
from dispatcher.i18n import N_
from dispatcher.roster.phones import NotANumber, csc_region, e164, numbers_written

WHAT = {
    "person": N_("person"),
    "unit": N_("unit or product line"),
    "branch": N_("branch, overseas site or site"),
    "site": N_("site"),
    "product": N_("product"),
}


class Names:
    """Resolves what was typed for option `--x` against `roster`; without a roster (none at
    the default path) a name is taken as typed, and a phone must be in international form."""

    def __init__(self, roster: Roster | None, source: Path | str = "") -> None:
        self.roster = roster
        self.source = str(source or (roster.source if roster else ""))
        self.region = csc_region(roster) if roster else None

    def __call__(self, what: str, typed: str, option: str) -> str:
        """The roster's id for `typed` (its spelling, for a site); "" stays ""."""
        typed = typed.strip()
        if not typed or self.roster is None:
            return typed
        try:
            return resolve_name(self.roster, what, typed)
        except Ambiguous as many:
            raise DispatcherError(
                tr(
                    "{option}: '{typed}' names {count} in {path} ({ids}); give the id",
                    option=option,
                    typed=typed,
                    count=len(many.ids),
                    path=self.source,
                    ids=", ".join(many.ids),
                )
            ) from None
        except Unnamed as missing:
            hint = (
                tr("nearest: {names}", names=", ".join(missing.near))
                if missing.near
                else tr("known: {names}, …", names=", ".join(missing.known))
            )
            raise DispatcherError(
                tr(
                    "{option}: no {what} '{typed}' in {path}; {hint}",
                    option=option,
                    what=tr(WHAT[what]),
                    typed=typed,
                    path=self.source,
                    hint=hint,
                )
            ) from None

    def person(self, typed: str, option: str) -> str:
        """The roster id of the person `typed` names, for a name that is recorded (who
        acknowledged, who owns a request): without a roster there is nothing to hold it
        against, so it is refused rather than taken as typed (PROMISES 3); "" stays ""."""
        if typed.strip() and self.roster is None:
            raise DispatcherError(
                tr(
                    "{option}: '{typed}' cannot be checked without a roster; give --roster "
                    "(or set DISPATCHER_ROSTER)",
                    option=option,
                    typed=typed.strip(),
                )
            )
        return self("person", typed, option)

    def phone(self, typed: str, option: str) -> str:
        """`typed` as E.164 ("" stays ""); one line naming the option when it is no number."""
        typed = typed.strip()
        if not typed:
            return ""
        number = e164(typed, self.region)
        if number is None:
            raise DispatcherError(
                tr("{option}: '{typed}' is not a valid phone number", option=option, typed=typed)
                + self._form
            )
        return number

    def phones_in(self, text: str, option: str) -> str:
        """`text` ("Ma Li 138 0013 8000") with every phone number in it written as E.164."""
        try:
            return numbers_written(text, self.region)
        except NotANumber as bad:
            raise DispatcherError(
                tr(
                    "{option}: '{typed}' is not a valid phone number",
                    option=option,
                    typed=bad.typed,
                )
                + self._form
            ) from None

    @property
    def _form(self) -> str:
        if self.region:
            return " " + tr(
                "(international form starting with +, or a number of {region})",
                region=self.region,
            )
        return " " + tr("(international form, starting with +)")


def resolve_fields(names: Names, fields: dict[str, str]) -> None:
    """The roster's ids for the names `sr new` and `complaint new` take, and the reporter's
    phone as E.164, in place."""
    fields["site"] = names("site", fields["site"], "--site")
    fields["product"] = names("product", fields["product"], "--product")
    fields["owner_unit"] = names("unit", fields["owner_unit"], "--owner-unit")
    fields["owner_person"] = names.person(fields["owner_person"], "--owner-person")
    fields["reporter_phone"] = names.phone(fields["reporter_phone"], "--reporter-phone")


PHONE_HELP = "Phone number, stored as E.164 (without +: a number of the CSC's country)."
