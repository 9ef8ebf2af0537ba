"""What the desk's header shows besides the time: the shift, the engine holder, channel health,
and whether a drill runs. Read in workers; channel checks may talk to providers, so each runs
at the same time as the others under its own time bound, and the header hears of each as it
ends ("checking…" until then)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from dispatcher.domain.oncall import Roster
from dispatcher.domain.roster import Role, UnitKind
from dispatcher.plugins.manager import PluginManager
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.channel_health import ChannelFaults, channel_faults

CHECK_SECONDS = 5.0  # one channel's check; past it the channel shows as not answering


@dataclass(frozen=True)
class ChannelHealth:
    name: str
    ok: bool | None  # None: still being checked
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
    return any(record.run.drill for record in CalloutRepository(store).running())


def channel_health(
    store: Store,
    timeout: float = CHECK_SECONDS,
    progress: Callable[[tuple[ChannelHealth, ...]], None] | None = None,
) -> list[ChannelHealth]:
    """Every channel: disabled ones (and plugins disabled while loading) with their reason,
    enabled ones after `check()`, each
    check bounded by `timeout` seconds and all run at once; `progress` hears the whole list
    first with the checks pending (ok None), then again as each one ends. A channel the
    engine saw fault several times in a row is unhealthy whatever `check()` says
    (`dispatcher.store.channel_health`).

    Runs its own event loop and its own plugin manager, so it is safe in a worker thread and
    never shares a provider connection with the engine.
    """
    plugins = PluginManager(store=store)
    faults = channel_faults(store)

    async def check_all() -> list[ChannelHealth]:
        channels = plugins.channels
        found = [
            ChannelHealth(info.name, None, "checking…")
            if info.enabled
            else ChannelHealth(info.name, False, info.reason)
            for info in plugins.channel_infos
        ]
        # A plugin disabled while loading (it failed, or did not answer in time) registered
        # no channel: it is shown by its own name, with its reason.
        found += [
            ChannelHealth(info.name, False, info.reason)
            for info in plugins.plugins
            if info.status == "failed" and info.name not in channels
        ]

        def tell() -> None:
            if progress is not None:
                progress(tuple(_with_engine_faults(found, faults)))

        async def check(index: int) -> None:
            name = found[index].name
            try:
                health = await asyncio.wait_for(channels[name].check(), timeout)
                found[index] = ChannelHealth(name, health.ok, health.detail)
            except TimeoutError:
                found[index] = ChannelHealth(name, False, f"no answer within {timeout:g} s")
            except Exception as error:  # a channel's failure is shown, never raised
                found[index] = ChannelHealth(name, False, str(error) or type(error).__name__)
            tell()

        tell()
        try:
            await asyncio.gather(*(check(i) for i, h in enumerate(found) if h.ok is None))
        finally:
            await plugins.aclose()
        return found

    return _with_engine_faults(asyncio.run(check_all()), faults)


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


def overdue(
    channels: tuple[ChannelHealth, ...] | None, seconds: float
) -> tuple[ChannelHealth, ...]:
    """What the header shows when the checks said nothing in time: every channel still
    pending as not answering (or one line when not even the list of channels came)."""
    detail = f"no answer within {seconds:g} s"
    if channels is None:
        return (ChannelHealth("channels", False, detail),)
    return tuple(replace(h, ok=False, detail=detail) if h.ok is None else h for h in channels)


@dataclass(frozen=True)
class DeskStatus:
    shift: tuple[str, ...] = ()
    engine: str = ""
    drill: bool = False
    channels: tuple[ChannelHealth, ...] | None = None  # None: not heard of yet
    damage: str = ""  # the store's damage warning (`Store.damage_warning`), or ""
