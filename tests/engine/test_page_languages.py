"""Each recipient reads their pages in their language: their own, else their unit's, else the CSC's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from dispatcher.domain.outbox import DEFAULT_LIMITS, Limit
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import parse_roster
from dispatcher.store import Store
from tests.engine.conftest import NIGHT_ROSTER, Night

CHEN, GAO, HE = "+12125550101", "+12125550102", "+12125550103"


def roster_in_languages():
    text = NIGHT_ROSTER.read_text(encoding="utf-8")
    text = text.replace(
        "{id: csc, kind: csc, zone: Asia/Shanghai, name: Customer Service Centre}",
        "{id: csc, kind: csc, zone: Asia/Shanghai, name: Customer Service Centre, language: zh}",
    )
    text = text.replace(
        "{id: br-sh, kind: branch, name: Shanghai Branch, sites: [Shanghai]}",
        "{id: br-sh, kind: branch, name: Shanghai Branch, sites: [Shanghai], language: en}",
    )
    text = text.replace("    name: Gao Ming\n", "    name: Gao Ming\n    language: zh\n")
    return parse_roster(text.encode(), "night.yaml")


def test_the_roster_settles_each_persons_language():
    people = roster_in_languages().people

    assert people["chen.case"].language == "en"  # the branch's
    assert people["gao.gm"].language == "zh"  # their own, over the branch's
    assert people["he.pl"].language == "zh"  # no unit language: the CSC's
    plain = parse_roster(NIGHT_ROSTER.read_bytes(), "night.yaml").people
    assert {p.language for p in plain.values()} == {"en"}  # nothing said: English


def test_a_unit_language_outside_the_list_is_one_line():
    text = NIGHT_ROSTER.read_text(encoding="utf-8").replace(
        "{id: tac, kind: tac, name: Technical Assistance Centre}",
        "{id: tac, kind: tac, name: Technical Assistance Centre, language: fr}",
    )
    with pytest.raises(Exception) as raised:
        parse_roster(text.encode(), "night.yaml")
    (line,) = [e for e in raised.value.errors if "language" in e]
    assert line.startswith("night.yaml:5:") and "'fr' is not one of: en, zh" in line


@pytest.fixture
async def night_in_languages(tmp_path, controllable_clock, twilio_peer, smtp_server, night_environ):
    store = Store(tmp_path / "data")
    roster = roster_in_languages()
    plugins = PluginManager(environ=night_environ, store=store).load()
    limits = {**DEFAULT_LIMITS, "channel:sms": Limit(30, timedelta(seconds=1))}
    engine = Engine(
        store, roster, plugins, controllable_clock, settings=EngineSettings(limits=limits)
    )
    control = CalloutControl(store, roster)
    yield Night(store, controllable_clock, control, engine, twilio_peer, smtp_server)
    await engine.aclose()
    store.close()


async def test_pages_go_out_in_each_recipients_language(night_in_languages):
    night = night_in_languages
    night.register()
    await night.engine.run_once()

    (english,) = night.sms_to(CHEN)
    (gao,) = night.sms_to(GAO)
    (he,) = night.sms_to(HE)
    assert english.startswith("SR-") and "EMERGENCY critical" in english
    assert re.search(r"Reply \d+ to acknowledge$", english)
    for chinese in (gao, he):
        assert "紧急事件 严重:Billing records lost" in chinese
        assert re.search(r"回复 \d+ 确认$", chinese) and "critical" not in chinese
    calls = {c["to"]: c["_twiml"] for c in night.peer.calls.values()}
    assert 'language="cmn-CN"' in calls[GAO] and 'language="en-US"' in calls[CHEN]
    (mail,) = night.mail_to("he@example.org")
    body = mail.get_content()
    assert "呼叫进度:第 1 轮第 1 步" in body and "级别:严重" in body and "round" not in body
