"""No secret is printed, logged or stored (promise 6): every command, with hook tracing on and
every channel configured with distinctive secrets and failing, says nothing of them, and the
data directory holds none."""

from __future__ import annotations

import copy
import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from dispatcher.plugins.contract import Settings
from dispatcher.testing.smtp_server import free_port
from dispatcher.testing.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
DISPATCHER = Path(sys.executable).with_name("dispatcher")
TOKEN = "Tw1lioT0ken-9f27c1e4"
PASSWORD = "Smtp-Pa55word-3b8d0a"
HOOK_TOKEN = "H00kT0ken-51ae7f02"
SECRETS = [TOKEN, PASSWORD, HOOK_TOKEN]


def environment(tmp_path: Path) -> dict[str, str]:
    closed = free_port()  # nothing listens: every send fails
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO", "SMTP"))},
        "DISPATCHER_DATA": str(tmp_path / "data"),
        "DISPATCHER_ROSTER": str(ROOT / "contacts.yaml"),
        "DISPATCHER_TRACE_HOOKS": "1",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM": "+15005550006",
        "DISPATCHER_TWILIO_URL": f"http://127.0.0.1:{closed}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(closed),
        "SMTP_USER": "desk",
        "SMTP_PASSWORD": PASSWORD,
        "SMTP_FROM": "desk@example.org",
        "DISPATCHER_WEBHOOK_URL": f"http://127.0.0.1:{closed}/robot/send?access_token={HOOK_TOKEN}",
        "DISPATCHER_ACTOR": "night-desk",
    }


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text or quote(s) in text]


def test_no_command_prints_logs_or_stores_a_secret(tmp_path):
    env = environment(tmp_path)
    outputs: dict[str, str] = {}

    def run(*args: str, ok: bool = True) -> str:
        done = subprocess.run(
            [str(DISPATCHER), *args], env=env, capture_output=True, text=True, timeout=120
        )
        if ok:
            assert done.returncode in (0, 1), (args, done.stderr)
        outputs[" ".join(args)] = done.stdout + done.stderr
        return done.stdout

    run("plugins")
    run("plugins", "--json")
    run("notify", "test", "sh-li-na", "--json")
    run("notify", "test", "sh-li-na")
    sr_id = json.loads(
        run(
            "sr", "new", "--summary", "Core network down", "--category", "fault_support",
            "--site", "Shanghai", "--product", "msc-9000", "--criterion", "1", "--json",
        )
    )["id"]  # fmt: skip
    engine = subprocess.Popen(
        [str(DISPATCHER), "engine", "-v"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def tried() -> set[str]:
            listed = run("outbox", "--sr", sr_id, "--json")
            return {r["channel"] for r in json.loads(listed) if r["attempt"] > 0}

        wait_for(
            lambda: {"sms", "voice", "email"} <= tried(),
            timeout=60,
            interval=0.5,
            what="the engine tried every channel",
            describe=lambda: f"tried: {sorted(tried())}",
        )
    finally:
        engine.send_signal(signal.SIGTERM)
        outputs["engine -v"] = engine.communicate(timeout=30)[0]
    for command in (
        ["sr", "show", sr_id], ["sr", "show", sr_id, "--json"], ["sr", "list"],
        ["outbox"], ["outbox", "--json"], ["chain", "show", sr_id],
        ["roster", "check", "--days", "7"], ["roster", "oncall"], ["report", "handover"],
        ["report", "handover", "--format", "json"], ["drill", "list"],
    ):  # fmt: skip
        run(*command, ok=False)

    assert "dispatcher_channels" in outputs["plugins"]  # the trace ran, settings and all
    assert "Settings(<" in outputs["plugins"]
    for command, output in outputs.items():
        assert not leaks(output), f"{command} printed {leaks(output)}:\n{output[:2000]}"
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert not leaks(path.read_text(errors="replace")), path


def test_settings_show_no_value():
    settings = Settings({"TWILIO_AUTH_TOKEN": TOKEN, "SMTP_PASSWORD": PASSWORD, "HOME": "/root"})
    assert not leaks(repr(settings)) and not leaks(str(settings))
    assert set(settings.secrets()) == {TOKEN, PASSWORD}


def test_settings_are_a_copy_no_holder_can_change_behind_the_redaction():
    """The secrets are read once (the engine redacts every receipt): so the settings are a
    read-only copy, and a mapping changed after they were made changes nothing in them."""
    environ = {"TWILIO_AUTH_TOKEN": TOKEN}
    settings = Settings(environ)
    assert settings.secrets() == (TOKEN,)
    environ["SMTP_PASSWORD"] = PASSWORD
    assert settings.secrets() == (TOKEN,) and settings.get("SMTP_PASSWORD") is None
    with pytest.raises(TypeError):
        settings.values["SMTP_PASSWORD"] = PASSWORD  # type: ignore[index]
    for copied in (copy.deepcopy(settings), pickle.loads(pickle.dumps(settings))):
        assert copied.secrets() == (TOKEN,) and copied.get("SMTP_PASSWORD") is None
