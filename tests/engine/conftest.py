"""An engine against the loopback Twilio peer and SMTP server, on a manual clock at 03:00."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dispatcher.domain.outbox import DEFAULT_LIMITS, Limit
from dispatcher.domain.request_parts import Category, Customer, Severity, VipKind
from dispatcher.domain.requests import ServiceRequest
from dispatcher.engine.clock import ManualClock
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins.contract import CalloutEvent
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.testing import free_port

NIGHT_ROSTER = Path(__file__).with_name("night.yaml")


def billing_outage(sr_id: str, received: datetime, **changes) -> ServiceRequest:
    """A bank's billing outage in Shanghai: an emergency by criteria 7 and 9."""
    fields = {
        "id": sr_id,
        "received": received,
        "category": Category.FAULT_SUPPORT,
        "summary": "Billing records lost",
        "severity": Severity.CRITICAL,
        "customer": Customer("Bank of Example", VipKind.BANK),
        "site": "Shanghai",
        "product": "ocs-9000",
        "criteria": ("7", "9"),
    }
    fields.update(changes)
    return ServiceRequest(**fields)


@dataclass
class Night:
    store: Store
    clock: ManualClock
    control: CalloutControl
    engine: Engine
    peer: object
    smtp: object
    observed: list[CalloutEvent] = field(default_factory=list)

    def register(self, **changes) -> ServiceRequest:
        now = self.clock.now()
        sr, _ = self.control.register(
            now, lambda sr_id: billing_outage(sr_id, now, **changes), now, "wang.fang", "phone"
        )
        return sr

    async def pass_(self, minutes: float = 0) -> None:
        """Let time pass, then one engine pass (with a poll: more than its interval went by)."""
        await self.clock.advance(timedelta(minutes=minutes, seconds=3))
        await self.engine.run_once()

    def kinds(self, sr_id: str) -> list[str]:
        return [e.kind for e in self.control.requests.timeline(sr_id)]

    def outbox(self, sr_id: str):
        return self.control.outbox.for_sr(sr_id)

    def sms_to(self, number: str) -> list[str]:
        return [
            m["body"]
            for m in self.peer.messages.values()
            if m["direction"] == "outbound-api" and m["to"] == number
        ]

    def calls_to(self, number: str) -> list[dict]:
        return [c for c in self.peer.calls.values() if c["to"] == number]

    def mail_to(self, address: str) -> list:
        return [m for m in self.smtp.messages if address in m["To"]]


@pytest.fixture
def night_environ(twilio_settings, smtp_settings) -> dict[str, str]:
    port = free_port()
    return {
        **twilio_settings,
        **smtp_settings,
        "DISPATCHER_VOICE_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "DISPATCHER_VOICE_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
    }


@pytest.fixture
async def night(tmp_path, controllable_clock, twilio_peer, smtp_server, night_environ):
    store = Store(tmp_path / "data")
    roster = load_roster(NIGHT_ROSTER)
    plugins = PluginManager(environ=night_environ, store=store).load()
    # A messaging service sends many texts a second; a long code's one a second is tested
    # on its own.
    limits = {**DEFAULT_LIMITS, "channel:sms": Limit(30, timedelta(seconds=1))}
    engine = Engine(
        store, roster, plugins, controllable_clock, settings=EngineSettings(limits=limits)
    )
    observed: list[CalloutEvent] = []
    plugins.callout_event = observed.append  # what observers are told, in order
    control = CalloutControl(store, roster)
    yield Night(store, controllable_clock, control, engine, twilio_peer, smtp_server, observed)
    await engine.aclose()
    store.close()
