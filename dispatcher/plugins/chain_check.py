"""Chains checked against the channels installed here, before the night they are needed.

A step channel no installed plugin provides is an error in the roster, named with its file,
line and the nearest channel name ("emial: no such channel; did you mean email?"): left
alone, the live chain would quietly page through a fallback. An installed channel that is
disabled (no credentials here) is named with its reason. A step none of whose channels is
enabled still reaches its people, by the rule the engine pages by (`callout.routes_for`):
through the built-in phone, text and mail channels enabled here, then the desk's own relay,
which every engine has (it needs only the data directory); never through a plugin's channel
the step does not name. The check passes and names those channels.

    found = check_installed_channels(roster)  # DispatcherError (exit 2) for an unknown one
    for line in found.notes: ...
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from dispatcher.domain.callout import MANUAL_CHANNEL, fallback_channels
from dispatcher.domain.oncall import Roster
from dispatcher.errors import DispatcherError
from dispatcher.plugins.manager import ChannelInfo, PluginManager

RELAY = MANUAL_CHANNEL  # the built-in relay: enabled wherever an engine runs on a data directory


@dataclass(frozen=True)
class ChainChannels:
    """What the check found: `unknown` (the roster is wrong), `notes` (disabled channels and
    steps that page through the desk's relay here)."""

    unknown: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def raise_if_unknown(self) -> None:
        """Raise `DispatcherError` (exit 2) listing every unknown channel, one line each."""
        if len(self.unknown) == 1:
            raise DispatcherError(self.unknown[0])
        if self.unknown:
            raise DispatcherError(
                f"{len(self.unknown)} step channels are not installed here", list(self.unknown)
            )

    def to_dict(self) -> dict:
        return {"unknown": list(self.unknown), "notes": list(self.notes)}


def check_chain_channels(
    roster: Roster, infos: Iterable[ChannelInfo], chain_ids: Iterable[str] | None = None
) -> ChainChannels:
    """Every step channel of the chains `chain_ids` of `roster` (all when None) against the
    installed channels `infos`."""
    wanted = set(roster.chains) if chain_ids is None else set(chain_ids)
    known: dict[str, ChannelInfo] = {}
    for info in infos:
        known.setdefault(info.name, info)
    enabled = {name for name, info in known.items() if info.enabled} | {RELAY}
    unknown: list[str] = []
    disabled: dict[str, str] = {}
    relayed: list[str] = []
    for chain in (c for c in roster.chains.values() if c.id in wanted):
        for index, step in enumerate(chain.steps):
            for position, channel in enumerate(step.channels):
                if channel in known or channel == RELAY:
                    if channel not in enabled:
                        disabled[channel] = known[channel].reason
                    continue
                line = step.lines[position] if position < len(step.lines) else 0
                nearest = difflib.get_close_matches(channel, sorted({*known, RELAY}), n=1)
                unknown.append(
                    f"{roster.source}:{line}: chains.{chain.id}.steps[{index}].channels: "
                    f"{channel}: no such channel"
                    + (f"; did you mean {nearest[0]}?" if nearest else "")
                )
            if RELAY not in step.channels and not (enabled - {RELAY}).intersection(step.channels):
                relayed.append(f"{chain.id} step {index + 1}")
    notes = [f"channel {name} is disabled here: {why}" for name, why in sorted(disabled.items())]
    if enabled == {RELAY}:
        notes.append(
            "no provider channel is enabled here: every step falls back to the desk's relay "
            "(pages shown on the desk, read out by the dispatcher)"
        )
    elif relayed:  # the engine's rule for a person none of the step's channels can page
        first = fallback_channels((), enabled - {RELAY})
        notes.append(
            f"{', '.join(relayed)}: no channel of the step is enabled here; "
            + (f"its pages go by {', '.join(first)}, then " if first else "its pages go through ")
            + "the desk's relay"
        )
    return ChainChannels(tuple(unknown), tuple(notes))


def check_installed_channels(
    roster: Roster, chain_ids: Iterable[str] | None = None
) -> ChainChannels:
    """`check_chain_channels` against the plugins installed and configured here (the
    environment), raising `DispatcherError` (exit 2) for a step channel none provides."""
    found = check_chain_channels(roster, PluginManager().load().channel_infos, chain_ids)
    found.raise_if_unknown()
    return found
