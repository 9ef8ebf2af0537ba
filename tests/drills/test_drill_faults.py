"""A drill through a broken plugin channel: the report names the channel and its fault in
what to fix, instead of "nothing found"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dispatcher.domain.drills import builtin_scenarios
from dispatcher.domain.roster import ContactKind
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import start_drill
from dispatcher.engine.runtime import Engine
from dispatcher.plugins import ChannelBase, PluginManager, hookimpl
from dispatcher.reports.drill import drill_report, report_markdown
from dispatcher.roster import load_roster
from dispatcher.store import Store


class Raiser(ChannelBase):
    name = "raiser"
    reaches = frozenset({ContactKind.MOBILE})

    async def send(self, notification):
        raise RuntimeError("boom")


class _Plugin:
    @hookimpl
    def dispatcher_channels(self, register, settings):
        register(Raiser())


class _EntryPoint:
    name, value, dist = "broken", "broken_plugin", None

    def load(self):
        return _Plugin()


async def test_the_report_names_a_faulty_channel_to_fix(tmp_path, monkeypatch, controllable_clock):
    from dispatcher.plugins import manager as manager_module

    real = manager_module.entry_points
    monkeypatch.setattr(
        manager_module, "entry_points", lambda group: [*real(group=group), _EntryPoint()]
    )
    text = (Path(__file__).with_name("drill_night.yaml")).read_text()
    roster_path = tmp_path / "contacts.yaml"
    roster_path.write_text(text.replace("channels: [voice, sms, email]", "channels: [raiser]"))
    roster = load_roster(roster_path)
    store = Store(tmp_path / "data")
    engine = Engine(
        store, roster, PluginManager(environ={}, store=store).load(), controllable_clock
    )
    try:
        (scenario,) = builtin_scenarios(roster)
        drill = start_drill(
            CalloutControl(store, roster), scenario, controllable_clock.now(), "wang.fang"
        )
        await engine.run_once()
        await engine.run_once()  # the fallback: the desk's relay
        await controllable_clock.advance(timedelta(minutes=10, seconds=3))
        await engine.run_once()
        report = drill_report(store, roster, drill.sr, controllable_clock.now())
    finally:
        await engine.aclose()
        store.close()
    assert any("channel raiser: send raised RuntimeError: boom" in fix for fix in report.fixes)
    assert "nothing found" not in report_markdown(report)
