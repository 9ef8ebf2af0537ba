"""When a reply's sender is the address that was paged (PROMISES 3: only the people paged can
stop a chain), by the rules of the address's own kind:

- a phone (`mobile`, `voice`): E.164 (ITU-T E.164: "+", then at most 15 digits), compared
  digit for digit once the separators people and providers write ("+1 212-555 0100",
  "(212)") are dropped and full-width digits are read as digits (NFKC: "＋１２１２…" is the
  same number; a number is its digits, so no stranger holds a look-alike of it). Text that
  is no E.164 number then ("12125550100", without its +) is compared as written.
- a mail address (`email`): the domain without regard to ASCII case (DNS names are
  case-insensitive, RFC 4343); the local part exactly as written. RFC 5321 §2.4 lets the
  receiving host treat "Li.Na" and "li.na" as different mailboxes; most hosts fold them, but
  only the address paged may stop a chain, so a local part differing in case does not (the
  person can still acknowledge by phone or at the desk).
- a plugin's kind: its declared `ContactKindSpec.canonical` when it gives one; otherwise
  exact, once surrounding white space is stripped. A kind whose identities are
  case-sensitive (`LiWei` is not `liwei`) keeps them apart, and so do look-alikes in other
  scripts or widths (`ＬｉＷｅｉ`).

No Unicode folding (NFKC, case folding) is applied to any other kind by default: folding
makes a stranger's look-alike address count as the paged one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from dispatcher.domain.roster import EXTENSION, PHONE_KINDS, ContactKind

Canonical = Callable[[str], str]  # a kind's address -> the form two equal addresses share

_SEPARATORS = re.compile(r"[ \t\-.()/]")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def phone_form(address: str) -> str:
    """`address` as E.164 when it is one written with separators or full-width digits
    ("+1 (212) 555-0100" -> "+12125550100", an RFC 3966 ";ext=" kept as is); else the
    stripped text unchanged."""
    text = address.strip()
    number, mark, extension = unicodedata.normalize("NFKC", text).partition(EXTENSION)
    compact = _SEPARATORS.sub("", number)
    if not _E164.fullmatch(compact):
        return text
    return compact + mark + extension


def mail_form(address: str) -> str:
    """`address` with its domain in lower case (ASCII letters only); the local part as
    written (RFC 5321 §2.4)."""
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip()
    return local + at + domain.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def canonical_address(address: str, kind: str = "", canonical: Canonical | None = None) -> str:
    """The form of `address` that two addresses of kind `kind` share exactly when they are the
    same contact method (see the module's rules); `canonical` is the kind's declared form
    (a plugin's `ContactKindSpec.canonical`). With no kind (a reply's sender before it is
    matched to a page, for counting its failed replies) the form goes by the address's shape:
    a phone number, a mail address, or the text as sent."""
    if kind in PHONE_KINDS:
        return phone_form(address)
    if kind == ContactKind.EMAIL:
        return mail_form(address)
    if canonical is not None:
        return canonical(address.strip())
    if kind:
        return address.strip()
    shaped = phone_form(address)
    if _E164.fullmatch(shaped):
        return shaped
    return mail_form(address) if "@" in address else address.strip()


def same_address(
    paged: str, sender: str, kind: str = "", canonical: Canonical | None = None
) -> bool:
    """Whether a reply's `sender` is the address `paged` (of contact kind `kind`): equal
    `canonical_address` forms. A declared `canonical` that raises on either address means
    they are not the same (a malformed sender never acknowledges)."""
    if not sender.strip():
        return False
    try:
        return canonical_address(paged, kind, canonical) == canonical_address(
            sender, kind, canonical
        )
    except Exception:  # a plugin's canonical form refusing an address: not the one paged
        return False
