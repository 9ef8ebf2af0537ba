"""Contact methods in contacts.yaml: `{kind: mobile, number}`, `{kind: voice, number}`,
`{kind: email, address}`, or `{kind: K, address}` of a kind a plugin declares.

Phone numbers are normalised to E.164 with `phonenumbers`; a `mobile` must be a number that
can receive SMS (MOBILE, or FIXED_LINE_OR_MOBILE where a country does not tell them apart).
Mail addresses are checked and normalised with `email-validator`. An address of a plugin's
kind (`dispatcher.domain.contact_kinds`) is checked and normalised by that kind's validator;
a kind no installed plugin declares is a problem of the roster.
"""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import PhoneNumberType

from dispatcher.domain.contact_kinds import KIND_NAME, ContactKinds, ContactKindSpec
from dispatcher.domain.roster import (
    BUILT_IN_KINDS,
    PHONE_KINDS,
    ContactKind,
    ContactMethod,
)
from dispatcher.roster.nodes import Node, describe
from dispatcher.roster.phones import valid_number, written

SMS_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def read_contact(node: Node, kinds: ContactKinds | None = None) -> ContactMethod | None:
    """One contact method: a built-in kind read as below, or a kind `kinds` declares."""
    fields = node.mapping(("kind",), ("number", "address", "label", "ext"))
    if fields is None or "kind" not in fields:
        return None
    kind = _read_kind(fields["kind"], kinds or ContactKinds())
    label = (fields["label"].text() or "") if "label" in fields else ""
    if kind is None:
        return None
    name = kind.name if isinstance(kind, ContactKindSpec) else kind.value
    wanted, unwanted = ("number", "address") if kind in PHONE_KINDS else ("address", "number")
    if unwanted in fields:
        fields[unwanted].error(f"{_a(name)} contact has {_a(wanted)}, not {_a(unwanted)}")
    if "ext" in fields and name not in PHONE_KINDS:
        fields["ext"].error(f"{_a(name)} contact has no extension")
        return None
    if wanted not in fields:
        node.problems.add(node.line, node.column, f"{node.path}.{wanted}", "missing (required)")
        return None
    value_node = fields[wanted]
    if isinstance(kind, ContactKindSpec):
        address = _read_declared(value_node, kind)
        return ContactMethod(kind.name, address, label) if address else None
    if kind is ContactKind.EMAIL:
        address = _read_email(value_node)
    else:
        address = _read_number(value_node, kind, fields.get("ext"))
    return ContactMethod(kind, address, label) if address else None


def _read_kind(node: Node, kinds: ContactKinds) -> ContactKind | ContactKindSpec | None:
    """A built-in kind, or the declaration of a kind an installed plugin provides."""
    name = node.value
    if isinstance(name, str) and name in BUILT_IN_KINDS:
        return ContactKind(name)
    if not isinstance(name, str) or not KIND_NAME.fullmatch(name):
        node.error(f"{describe(name)} is not a contact kind (mobile, voice, email or a plugin's)")
        return None
    spec = kinds.spec(name)
    if spec is None:
        node.error(f"kind {name}: no installed plugin provides it")
    return spec


def _read_declared(node: Node, kind: ContactKindSpec) -> str | None:
    """An address of a plugin's kind, as its validator normalises it."""
    address = node.text()
    if address is None:
        return None
    try:
        normalised = kind.validate(address)
    except ValueError as error:
        node.error(f"kind {kind.name}: {_short(error)}")
        return None
    except Exception as error:  # a plugin's bug: one line naming it, never a traceback
        node.error(
            f"kind {kind.name}: the validator of plugin {kind.plugin or '?'} failed ({_short(error)})"
        )
        return None
    if not isinstance(normalised, str) or not normalised.strip():
        node.error(
            f"kind {kind.name}: the validator of plugin {kind.plugin or '?'} returned no address"
        )
        return None
    return normalised


def _a(word: str) -> str:
    """`word` with its indefinite article, as a kind's name is read: "an email", "a mobile"."""
    return f"an {word}" if word[:1] in tuple("aeiou") else f"a {word}"


def _short(error: Exception, limit: int = 200) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_email(node: Node) -> str | None:
    address = node.text()
    if address is None:
        return None
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        node.error(f"{address!r} is not a valid email address ({error})")
        return None


def _read_number(node: Node, kind: ContactKind, ext: Node | None = None) -> str | None:
    """An E.164 number; with an extension (an `ext` field, or written in the number as
    "ext. 4321"), the number and ";ext=" and its digits. A mobile with an extension is refused:
    a text cannot dial one."""
    raw = node.value if isinstance(node.value, str) else None
    if raw is None:
        node.error(
            "expected a phone number in quotes, such as '+1 212 555 0100', "
            f"got {describe(node.value)}"
        )
        return None
    number = valid_number(raw)
    if number is None:
        node.error(f"{raw!r} is not a valid phone number (international form, starting with +)")
        return None
    in_number = number.extension or ""
    extension = _read_extension(ext, in_number, node) if ext else in_number
    if extension is None:
        return None
    if kind is ContactKind.MOBILE and extension:
        (ext or node).error(
            f"a mobile number cannot have an extension (SMS cannot dial {extension}); "
            "list it as kind: voice"
        )
        return None
    if kind is ContactKind.MOBILE and phonenumbers.number_type(number) not in SMS_TYPES:
        node.error(
            f"{raw!r} is not a mobile number, so it cannot receive SMS; list it as kind: voice"
        )
        return None
    return written(number, extension)


def _read_extension(node: Node, in_number: str, number: Node) -> str | None:
    """`ext`: 1 to 30 digits (Twilio dials at most 32 keys, two of them pauses)."""
    text = str(node.value) if isinstance(node.value, (str, int)) else None
    if text is None or not (text.isdigit() and text.isascii() and 1 <= len(text) <= 30):
        node.error(f"expected an extension of 1 to 30 digits in quotes, got {node.value!r}")
        return None
    if in_number and in_number != text:
        number.error(f"the number's extension {in_number} differs from ext {text}")
        return None
    return text
