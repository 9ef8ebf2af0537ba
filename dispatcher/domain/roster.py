"""The roster's people and how to reach them.

These types are the contract between the roster (which builds them from contacts.yaml), the
call-out engine and the channel plugins (which reach them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from dispatcher.domain.request_parts import Severity


class ContactKind(StrEnum):
    """The built-in contact kinds. A contact method's `kind` may also be a kind a plugin
    declares (`dispatcher.domain.contact_kinds`): a plain name such as "ntfy"; compare kinds
    with `==`, never `is`."""

    MOBILE = "mobile"  # SMS and voice
    VOICE = "voice"  # voice only: desk phone, home phone
    EMAIL = "email"


BUILT_IN_KINDS = frozenset(ContactKind)
PHONE_KINDS = frozenset({ContactKind.MOBILE, ContactKind.VOICE})
EXTENSION = ";ext="  # RFC 3966's mark of an extension, after an E.164 number


class Role(StrEnum):
    CASE_HANDLER = "case_handler"  # 现场CASE处理负责人
    ENGINEERING_GM = "engineering_gm"  # 工程服务总经理
    OVERALL_INTERFACE = "overall_interface"  # 总接口人
    PRODUCT_LINE_INTERFACE = "product_line_interface"  # 产品线接口人
    TAC_ENGINEER = "tac_engineer"
    CSC_DISPATCHER = "csc_dispatcher"
    CSQ = "csq"
    DUTY_MANAGER = "duty_manager"


@dataclass(frozen=True)
class ContactMethod:
    """One way to reach a person: a normalised E.164 number, an email address, or an address
    of a kind a plugin declares (a push topic, a chat account), as its validator wrote it.

    A desk or home phone behind a switchboard keeps its extension in the address, as RFC 3966
    writes it ("+12125550199;ext=4321"), so it survives every record the address is copied
    into; the voice channel dials `number` and then the `extension` once the call connects.
    """

    kind: str  # a `ContactKind`, or the name of a kind a plugin declares
    address: str
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind in BUILT_IN_KINDS and not isinstance(self.kind, ContactKind):
            # "mobile" read back from a record is the member, as plugins compare it
            object.__setattr__(self, "kind", ContactKind(self.kind))

    @property
    def reaches_by_phone(self) -> bool:
        return self.kind in PHONE_KINDS

    @property
    def number(self) -> str:
        """The address without its extension: what a call or an SMS is sent to."""
        return self.address.partition(EXTENSION)[0]

    @property
    def extension(self) -> str:
        """The digits to dial once a call connects; "" when there are none."""
        return self.address.partition(EXTENSION)[2]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    unit: str
    name_zh: str = ""
    roles: tuple[Role, ...] = ()
    contacts: tuple[ContactMethod, ...] = ()
    timezone: str = "UTC"
    language: str = (
        "en"  # "en" or "zh": of their pages (the roster: theirs, their unit's, the CSC's)
    )
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def contacts_of(self, *kinds: str) -> tuple[ContactMethod, ...]:
        return tuple(c for c in self.contacts if c.kind in kinds)

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name


class UnitKind(StrEnum):
    CSC = "csc"  # 客户服务中心
    BRANCH = "branch"  # 分公司
    OVERSEAS_SITE = "overseas_site"
    BD = "bd"  # 事业部
    TAC = "tac"  # 技术支援中心
    CSQ = "csq"  # 客户服务质量


@dataclass(frozen=True)
class Unit:
    """A department the desk reaches. Branches and overseas sites list the sites they cover."""

    id: str
    kind: UnitKind
    name: str
    name_zh: str = ""
    sites: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()  # a BD's product line ids
    zone: str = ""  # the csc unit's IANA zone: the zone of every local date (see `Roster.zone`)


@dataclass(frozen=True)
class SlaTarget:
    """What a BD promises for one severity: time to respond, to restore service, to resolve."""

    response: timedelta
    restore: timedelta
    resolve: timedelta


@dataclass(frozen=True)
class ProductLine:
    """A BD's product line (产品线). Its id is addressed like a unit's id in rotations and chains,
    so "the product line's interface person" is `(product_line.id, PRODUCT_LINE_INTERFACE)`."""

    id: str
    name: str
    bd: str
    name_zh: str = ""
    sla: dict[Severity, SlaTarget] = field(default_factory=dict, compare=False, hash=False)
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class Product:
    """A product; one not handed over (未移交) gets L1 support from its BD, not the branch."""

    id: str
    name: str
    product_line: str
    handed_over: bool = True
