"""The `register` objects a plugin's hooks receive: they hold what the plugin registers until
its hook returned and everything passed its checks (`dispatcher.plugins.validation`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dispatcher.domain.contact_kinds import ContactKindSpec
from dispatcher.domain.roster import BUILT_IN_KINDS
from dispatcher.plugins.contract import Channel
from dispatcher.plugins.validation import channel_problem, declarations_problem, kind_problem


@dataclass
class ChannelRegistration:
    """The `register` object handed to one plugin's `dispatcher_channels`: it holds what the
    plugin registers until the hook returned and every channel passed its checks."""

    plugin: str
    kinds: frozenset[str] = BUILT_IN_KINDS  # the contact kinds installed: what may be reached
    channels: list[Channel] = field(default_factory=list)
    disabled_channels: list[tuple[str, str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __call__(self, channel: Channel) -> None:
        problem = channel_problem(channel, self.kinds)
        if problem:
            self.problems.append(problem)
        else:
            self.channels.append(channel)

    def disabled(self, name: str | type, reason: str) -> None:
        declared_by = None if isinstance(name, str) else name
        label = name if isinstance(name, str) else getattr(name, "name", "")
        problem = declared_by and declarations_problem(f"channel {label!r}", declared_by)
        if problem:
            self.problems.append(problem)
        elif not isinstance(label, str) or not label:
            self.problems.append(f"register.disabled() needs a channel name, not {name!r}")
        else:
            self.disabled_channels.append((label, str(reason), declared_by))


@dataclass
class KindRegistration:
    """The `register` object handed to one plugin's `dispatcher_contact_kinds`."""

    kinds: list[ContactKindSpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __call__(self, kind: ContactKindSpec) -> None:
        problem = kind_problem(kind)
        if problem:
            self.problems.append(problem)
        else:
            self.kinds.append(kind)
