"""What a plugin reads from the environment, and how it keeps secrets out of what it says.

A channel declares the variables it reads as `Setting`s (shown by `dispatcher plugins`, a
secret one only as set or unset) and reads them from the `Settings` handed to
`dispatcher_channels`; `MissingSetting` names what is not configured. `redact` and `one_line`
make a provider's message fit for a `Receipt.detail` or a log line. Import them from
`dispatcher.plugins` or `dispatcher.plugins.contract`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType


@dataclass(frozen=True)
class Setting:
    """One environment variable a channel reads, as `dispatcher plugins` shows it.

    A `secret` one (a token, a password, a URL carrying a token) is shown only as set or
    unset, and a channel keeps it out of every receipt and log line. `default` is used when
    the variable is unset or blank; a `required` one without a default disables the channel.
    """

    name: str
    description: str = ""
    secret: bool = False
    default: str | None = None
    required: bool = True


class MissingSetting(Exception):
    """A setting a plugin needs is not configured; its message is the reason shown to users."""


SECRET_NAME = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|_KEY|CREDENTIAL|WEBHOOK_URL", re.I)


@dataclass(frozen=True, repr=False)
class Settings:
    """Configuration read from the environment, handed to `dispatcher_channels`.

    `require` names what is missing in one line, so a plugin can pass it to
    `register.disabled(...)` and `dispatcher plugins` shows why the channel is off.
    """

    values: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A read-only copy: what `secrets` found once stays true, whoever held the mapping.
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __reduce__(self) -> tuple[type[Settings], tuple[dict[str, str]]]:
        # copied or pickled (a plugin handing its settings to a process pool) from a dict
        return (Settings, (dict(self.values),))

    def __repr__(self) -> str:  # the environment holds tokens and passwords: never show values
        return f"Settings(<{len(self.values)} values, not shown>)"

    def secrets(self) -> tuple[str, ...]:
        """The values whose names say they are secret (`SECRET_NAME`: ...TOKEN, ...PASSWORD,
        ...SECRET, ...KEY, a webhook URL), for `redact`."""
        return self._secrets

    @cached_property
    def _secrets(self) -> tuple[str, ...]:  # read once: the engine redacts every receipt
        return tuple(
            value
            for name, value in self.values.items()
            if SECRET_NAME.search(name) and value.strip()
        )

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name, "")
        return value if value.strip() else default

    def read(self, *declared: Setting) -> tuple[str | None, ...]:
        """The values of `declared` settings in order, defaults applied; `MissingSetting`
        names every required one that is unset."""
        values = tuple(self.get(setting.name, setting.default) for setting in declared)
        missing = [
            s.name for s, value in zip(declared, values, strict=True) if s.required and not value
        ]
        if missing:
            raise MissingSetting(
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set"
            )
        return tuple(value.strip() if value else value for value in values)

    def require(self, *names: str) -> tuple[str, ...]:
        missing = [name for name in names if self.get(name) is None]
        if missing:
            raise MissingSetting(
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set"
            )
        return tuple(self.values[name].strip() for name in names)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret value replaced, for anything that may reach a log or screen."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def one_line(text: str, limit: int = 200) -> str:
    """A provider's message squeezed to one short line for a `Receipt.detail`."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
