"""A plugin that hangs while loading (a login with no timeout in `dispatcher_channels`),
shipped as a third party would: a wheel, installed by pip. It is disabled once
`DISPATCHER_PLUGIN_LOAD_SECONDS` pass, with that reason shown by `dispatcher plugins`, the
engine's start line and the desk's channel health; the engine runs and the other channels
page."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dispatcher.domain.outbox import DeliveryState
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.plugins import PluginManager
from dispatcher.plugins.manager import LOAD_ENV
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.tui.data.status import ChannelHealth, channel_health

from .test_broken_plugin_installed import command, run_engine_until_running

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "tests" / "engine" / "night.yaml"
MODULE = '''
import time

from dispatcher.plugins import hookimpl


@hookimpl
def dispatcher_channels(register, settings):
    """Logs in to a chat service that never answers, with no timeout."""
    time.sleep(3600)
'''
REASON = "dispatcher_channels did not answer within 1 s"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path) -> Path:
    """`dispatcher-slowlogin` 0.1 as `pip wheel` would make it (PEP 427)."""
    info = "dispatcher_slowlogin-0.1.dist-info"
    files = {
        "dispatcher_slowlogin.py": MODULE.encode(),
        f"{info}/METADATA": b"Metadata-Version: 2.1\nName: dispatcher-slowlogin\nVersion: 0.1\n",
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
        f"{info}/entry_points.txt": b"[dispatcher]\nslowlogin = dispatcher_slowlogin\n",
    }
    record = [_record_line(name, data) for name, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / "dispatcher_slowlogin-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A folder the wheel is installed into by pip, for PYTHONPATH or sys.path."""
    work = tmp_path_factory.mktemp("slowlogin")
    target = work / "site"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"),
            *("--disable-pip-version-check", "--target", str(target), str(build_wheel(work))),
        ],
        check=True,
        timeout=120,
    )
    return target


def environ(site: Path) -> dict[str, str]:
    kept = {
        k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMTP_", "DISPATCHER_"))
    }
    return {**kept, "PYTHONPATH": str(site), LOAD_ENV: "1", "DISPATCHER_LANG": "en"}


def test_dispatcher_plugins_answers_and_names_the_plugin(site, tmp_path):
    listed = subprocess.run(
        command("plugins", "--data", str(tmp_path / "data")),
        env=environ(site),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert f"slowlogin 0.1 (dispatcher-slowlogin) [failed: {REASON}]" in listed.stdout
    assert "desk" in listed.stdout


def test_the_engine_runs_and_its_start_line_names_the_plugin(site, tmp_path):
    returncode, err = run_engine_until_running(tmp_path / "data", environ(site), tmp_path)
    assert returncode == 0, err
    assert f"engine: plugin slowlogin off: {REASON}" in err
    assert "channels desk" in err


async def test_the_other_channels_page_and_the_desk_shows_why(
    site, tmp_path, monkeypatch, outage, controllable_clock
):
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv(LOAD_ENV, "1")
    for name in [k for k in os.environ if k.startswith(("TWILIO_", "SMTP_"))]:
        monkeypatch.delenv(name)
    store = Store(tmp_path / "data")
    roster = load_roster(ROSTER)
    clock = controllable_clock
    plugins = PluginManager(store=store).load()
    (slow,) = [p for p in plugins.plugins if p.name == "slowlogin"]
    assert (slow.status, slow.reason) == ("failed", REASON)
    engine = Engine(store, roster, plugins, clock)
    control = CalloutControl(store, roster)
    now = clock.now()
    sr, _ = control.register(now, lambda sr_id: outage(sr_id, now), now, "wang.fang", "phone")
    try:
        await engine.run_once()
        pages = control.outbox.for_sr(sr.id)
        assert pages and {p.channel for p in pages} == {"desk"}
        assert all(p.state is not DeliveryState.QUEUED for p in pages)
    finally:
        await engine.aclose()

    health = await asyncio.to_thread(channel_health, store, 1.0)  # as the desk, in a worker
    assert ChannelHealth("slowlogin", False, REASON) in health
    store.close()
