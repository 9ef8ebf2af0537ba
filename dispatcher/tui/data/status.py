"""What the desk's header shows besides the time: the shift, the engine holder, channel health,
and whether a drill runs. Read in workers; channel checks may talk to providers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.oncall import Roster
from dispatcher.domain.roster import Role, UnitKind
from dispatcher.plugins.manager import PluginManager
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.channel_health import ChannelFaults, channel_faults


@dataclass(frozen=True)
class ChannelHealth:
    name: str
    ok: bool
    detail: str


def on_shift(roster: Roster, at: datetime, language: str) -> list[str]:
    """The CSC dispatchers on call now, by name."""
    csc = roster.units_of(UnitKind.CSC)
    if not csc:
        return []
    return [
        p.name_zh if language == "zh" and p.name_zh else p.name
        for p in roster.on_call(csc[0].id, Role.CSC_DISPATCHER, at)
    ]


def drill_running(store: Store) -> bool:
    """A drill's chain is running now."""
    return any(record.drill for record in CalloutRepository(store).running())


def channel_health(store: Store, timeout: float = 10.0) -> list[ChannelHealth]:
    """Every channel: disabled ones with their reason, enabled ones after `check()`, and
    unhealthy whatever `check()` says when the engine saw its sends fault several times in
    a row (`dispatcher.store.channel_health`).

    Runs its own event loop and its own plugin manager, so it is safe in a worker thread and
    never shares a provider connection with the engine.
    """
    plugins = PluginManager(store=store)

    async def check_all() -> list[ChannelHealth]:
        found = []
        channels = plugins.channels
        try:
            for info in plugins.channel_infos:
                if not info.enabled:
                    found.append(ChannelHealth(info.name, False, info.reason))
                    continue
                try:
                    health = await asyncio.wait_for(channels[info.name].check(), timeout)
                    found.append(ChannelHealth(info.name, health.ok, health.detail))
                except Exception as error:  # a channel's failure is shown, never raised
                    found.append(
                        ChannelHealth(info.name, False, str(error) or type(error).__name__)
                    )
        finally:
            await plugins.aclose()
        return found

    return _with_engine_faults(asyncio.run(check_all()), channel_faults(store))


def _with_engine_faults(
    found: list[ChannelHealth], faults: dict[str, ChannelFaults]
) -> list[ChannelHealth]:
    """A channel the engine saw fault several times in a row is unhealthy, whatever its
    own check says (it may answer a check and still fail every send)."""
    return [
        ChannelHealth(
            h.name,
            False,
            f"{faults[h.name].in_a_row} faults in a row; last: {faults[h.name].last}",
        )
        if h.name in faults and faults[h.name].unhealthy
        else h
        for h in found
    ]


@dataclass(frozen=True)
class DeskStatus:
    shift: tuple[str, ...] = ()
    engine: str = ""
    drill: bool = False
    channels: tuple[ChannelHealth, ...] = ()
    damage: str = ""  # the store's damage warning (`Store.damage_warning`), or ""
