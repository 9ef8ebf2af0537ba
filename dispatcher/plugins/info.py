"""What `dispatcher plugins` and the log say about plugins, channels and call-out events."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from dispatcher.domain.outbox import Limit
from dispatcher.domain.roster import ContactKind
from dispatcher.domain.text import escape_line
from dispatcher.i18n import N_, translator
from dispatcher.plugins.contract import CalloutEvent, CalloutEventKind, Setting, Settings


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    status: str  # "loaded", "blocked" or "failed"
    reason: str = ""
    hooks: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SettingInfo:
    """A setting a channel declares, as `dispatcher plugins` shows it: a secret's value never,
    only whether it is set."""

    name: str
    secret: bool
    set: bool
    value: str | None  # None for a secret, or an unset setting without a default
    description: str = ""

    @classmethod
    def of(cls, setting: Setting, settings: Settings) -> SettingInfo:
        given = settings.get(setting.name)
        value = None if setting.secret else (given or setting.default)
        return cls(setting.name, setting.secret, given is not None, value, setting.description)

    def describe(self, language: str = "en") -> str:
        """ "SMTP_HOST=mail.example (default)", "TWILIO_AUTH_TOKEN (secret): set", in
        `language`; a secret's value is never shown."""
        _ = translator(language).gettext
        if self.secret:
            state = _("set") if self.set else _("unset")
            return _("{name} (secret): {state}").format(name=self.name, state=state)
        if self.value is None:
            return _("{name}: unset").format(name=self.name)
        shown = f"{self.name}={escape_line(self.value)}"
        return shown if self.set else _("{setting} (default)").format(setting=shown)


LOGGED_WHERE_RECORDED = frozenset(
    {CalloutEventKind.NOTIFICATION_SENT, CalloutEventKind.NOTIFICATION_FAILED}
)


def describe_event(event: CalloutEvent) -> str:
    """One log line for a call-out event: "SR-… acknowledged (drill): step 2, person …"."""
    parts = [
        f"{name} {value}"
        for name, value in (
            ("step", event.step),
            ("person", event.person_id),
            ("via", event.channel),
        )
        if value is not None
    ]
    if event.detail:
        parts.append(event.detail)
    drill = " (drill)" if event.drill else ""
    return f"{event.sr_id} {event.kind.value}{drill}: {', '.join(parts) or '-'}"


def describe_limit(limit: Limit) -> str:
    """A Limit as `dispatcher plugins` shows it: "20 per 60 s"."""
    return f"{limit.count} per {limit.per.total_seconds():g} s"


@dataclass(frozen=True)
class KindInfo:
    """A contact kind a roster may use here, as `dispatcher plugins` shows it."""

    name: str
    plugin: str  # "" for a built-in kind
    description: str = ""
    example: str = ""

    def describe(self, language: str = "en") -> str:
        """ "push (plugin template): a topic, e.g. …" in `language`; a plugin's own description
        as the plugin gives it, a built-in kind's from the catalogue."""
        _ = translator(language).gettext
        owner = _("plugin {plugin}").format(plugin=self.plugin) if self.plugin else _("built in")
        description = self.description if self.plugin else _(self.description)
        said = [escape_line(description)] if description else []
        if self.example:
            said.append(_("e.g. {example}").format(example=escape_line(self.example)))
        return f"{self.name} ({owner})" + (f": {', '.join(said)}" if said else "")

    def to_dict(self) -> dict:
        return asdict(self)


BUILT_IN_KIND_INFOS = (
    KindInfo(ContactKind.EMAIL, "", N_("a mail address"), "li.wei@example.org"),
    KindInfo(
        ContactKind.MOBILE, "", N_("a mobile number for texts and calls (E.164)"), "+8613800138000"
    ),
    KindInfo(
        ContactKind.VOICE,
        "",
        N_("a number for calls only, an extension allowed"),
        "+862155550100;ext=42",
    ),
)


@dataclass(frozen=True)
class ChannelInfo:
    name: str
    plugin: str
    enabled: bool
    reason: str = ""
    reaches: tuple[str, ...] = ()
    settings: tuple[SettingInfo, ...] = ()
    limits: dict[str, str] = field(default_factory=dict)  # "channel"/"address" -> "20 per 60 s"

    def to_dict(self) -> dict:
        return asdict(self)
