"""Contact kinds: the built-in ones and those channel plugins declare.

A contact method's `kind` is a name: the built-in `mobile`, `voice` and `email`
(`dispatcher.domain.roster.ContactKind`), or a kind a plugin declares with a validator for its
addresses (`ntfy`, `wecom`, ...). The roster accepts a contact method of any kind installed
here and checks its address with that kind's validator; the built-in kinds keep the roster's
own reading (E.164 numbers with phonenumbers, mail addresses with email-validator:
`dispatcher.roster.schema`).

The domain holds no plugins: whoever loads a roster passes the installed kinds in as a
`ContactKinds`, so the roster never imports the plugin layer.

    kinds = ContactKinds([ContactKindSpec("ntfy", topic, example="csc-li-wei")])
    kinds.spec("ntfy").validate("csc li wei")   # raises ValueError: why it is not an address
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dispatcher.domain.addresses import Canonical
from dispatcher.domain.roster import BUILT_IN_KINDS

# A kind's name: a lower-case word, as it is written in contacts.yaml (`kind: ntfy`).
KIND_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")

AddressValidator = Callable[[str], str]


@dataclass(frozen=True)
class ContactKindSpec:
    """A kind of contact method a plugin's channels reach, declared through
    `dispatcher_contact_kinds`.

    `validate(address)` returns the address as the channel wants it stored (normalised: the
    form a `Reply.sender` through this kind will have) or raises `ValueError` whose message
    says in one line why the text is not an address of this kind; the roster reports it with
    file, line and field. It must be pure and quick: no network, no files. `example` is an
    address `validate` accepts, checked when the plugin loads and shown by
    `dispatcher plugins`; `description` says what an address is ("an ntfy topic the person
    subscribes to"). `acknowledges` says a person can answer a page through it (their reply
    comes back from the address, as an SMS does): the reachability audit then expects each
    such contact method to be confirmed, as it expects a phone. `canonical(address)`, when
    given, returns the form two addresses of this kind share exactly when they are the same
    identity (for a kind whose identities ignore case: `address.casefold()`); a reply
    acknowledges only when its sender's form equals the paged address's. Without it the
    sender must be the paged address exactly, once surrounding white space is stripped: no
    case or Unicode folding (`dispatcher.domain.addresses`). It must be pure and quick, and
    raise `ValueError` for text that is no address of the kind (such a sender acknowledges
    nothing). `plugin` is filled in by the plugin manager."""

    name: str
    validate: AddressValidator
    example: str
    description: str = ""
    acknowledges: bool = False
    plugin: str = ""
    canonical: Canonical | None = None


class ContactKinds:
    """The contact kinds a roster may use: the built-in ones and `declared`.

    `find`, when given, is asked once for more declarations the first time a name is looked
    up that is neither built in nor declared (loading plugins is slow, and most rosters use
    only the built-in kinds)."""

    def __init__(
        self,
        declared: Iterable[ContactKindSpec] = (),
        find: Callable[[], Iterable[ContactKindSpec]] | None = None,
    ) -> None:
        self._specs = {spec.name: spec for spec in declared}
        self._find = find

    def _look_further(self) -> None:
        find, self._find = self._find, None
        if find is not None:
            for spec in find():
                self._specs.setdefault(spec.name, spec)

    def spec(self, name: str) -> ContactKindSpec | None:
        """The declaration of kind `name`; None for a built-in kind or one nobody declares."""
        if name not in self._specs and name not in BUILT_IN_KINDS:
            self._look_further()
        return self._specs.get(name)

    def canonical(self, name: str) -> Canonical | None:
        """Kind `name`'s declared canonical form (`ContactKindSpec.canonical`); None for a
        built-in kind, an undeclared one, or one that declares none."""
        spec = self.spec(name)
        return spec.canonical if spec is not None else None

    @property
    def declared(self) -> tuple[ContactKindSpec, ...]:
        """Every declared kind (looking further first), by name."""
        self._look_further()
        return tuple(self._specs[name] for name in sorted(self._specs))
