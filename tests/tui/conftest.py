"""The desk under test: the sample roster, a store per test, a clock that stands still at
02:30 in Shanghai (18:30 UTC), and helpers that register requests as other desks would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dispatcher.domain.request_parts import Category, Customer, Severity, VipKind
from dispatcher.domain.requests import ServiceRequest
from dispatcher.engine.clock import ManualClock
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.app import DeskApp
from dispatcher.tui.context import DeskContext

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
SIZE = (160, 45)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch):
    """The channel health in the header must not depend on the machine's environment."""
    for name in (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_USER",
        "SMTP_PASSWORD",
        "SMTP_FROM",
        "SMTP_TLS",
    ):
        monkeypatch.delenv(name, raising=False)
    # The header lists every installed channel: keep it to the ones the snapshots were drawn with.
    monkeypatch.setenv("DISPATCHER_BLOCK_PLUGINS", "dingtalk,push")


@pytest.fixture(scope="session")
def roster():
    return load_roster(ROOT / "contacts.yaml")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def desk(store, roster):
    return DeskContext(store, roster, "night-desk", clock=ManualClock(NOW))


@pytest.fixture
def make_app(desk):
    def make(language: str = "en") -> DeskApp:
        app = DeskApp(desk, language)
        # a toast a test reads must not expire first on a slow machine (5 s by default)
        app.NOTIFICATION_TIMEOUT = 3600
        return app

    return make


def register_request(
    store: Store,
    summary: str,
    *,
    minutes_ago: int = 30,
    criteria=(),
    site="Shanghai",
    product="msc-9000",
    severity=Severity.MAJOR,
    customer="China Example Mobile",
    vip=None,
    category=Category.FAULT_SUPPORT,
) -> ServiceRequest:
    received = NOW - timedelta(minutes=minutes_ago)

    def build(sr_id: str) -> ServiceRequest:
        return ServiceRequest(
            sr_id,
            received,
            category,
            summary,
            severity=severity,
            customer=Customer(customer, vip),
            site=site,
            product=product,
            criteria=tuple(criteria),
        )

    sr, _ = RequestRepository(store).register(
        received, build, received, "phone-desk", "phone", zone=ZoneInfo("Asia/Shanghai")
    )
    return sr


@pytest.fixture
async def night(store, roster, desk):
    """A night's board: a VIP emergency whose chain paged its first step, a breached fault,
    a quiet consultation."""
    emergency = register_request(
        store,
        "Billing records lost for the whole province",
        minutes_ago=5,
        criteria=("7", "9"),
        product="bill-one",
        severity=Severity.CRITICAL,
        customer="Bank of Example",
        vip=VipKind.BANK,
    )
    CalloutControl(store, roster).start(emergency.id, NOW - timedelta(minutes=4), "phone-desk")
    engine = Engine(store, roster, PluginManager(store=store), desk.clock)
    await engine.run_once()
    await engine.aclose()
    return [
        emergency,
        register_request(
            store, "Slow web portal for enterprise users", minutes_ago=300, severity=Severity.MAJOR
        ),
        register_request(
            store,
            "How to export alarms to CSV",
            minutes_ago=45,
            category=Category.TECHNICAL_CONSULTATION,
            product="oss-view",
            severity=Severity.MINOR,
            site="Beijing",
            customer="北京示例联通",
        ),
    ]


@pytest.fixture
def add_request(store):
    """Register a request as another desk would (a store of its own on the same data)."""

    def add(summary: str, **fields) -> ServiceRequest:
        with Store(store.data_dir) as other:
            return register_request(other, summary, **fields)

    return add
