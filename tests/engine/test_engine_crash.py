"""SIGKILL the headless engine in the middle of a night's call-outs, then start it again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest

from dispatcher.domain.outbox import DeliveryState
from dispatcher.engine.control import CalloutControl
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.testing.smtp_server import LoopbackSMTPServer
from dispatcher.testing.twilio_peer import TEST_FROM, TwilioPeer
from dispatcher.testing.waiting import wait_for

from .conftest import NIGHT_ROSTER, billing_outage

EMERGENCIES = 3  # each person's calls stay within three a quarter hour
ENGINE = [sys.executable, "-c", "from dispatcher.cli import main; main()", "engine"]


def start_engine(data, environ):
    return subprocess.Popen(
        [*ENGINE, "--roster", str(NIGHT_ROSTER), "--data", str(data)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_a_killed_engine_resumes_where_it_stopped(tmp_path):
    data = tmp_path / "data"
    # Mail is held until the kill, which lands after texts and calls are confirmed, mid-mail.
    with TwilioPeer(latency=0.05) as peer, LoopbackSMTPServer(tls="starttls", latency=120) as smtp:
        environ = {
            **os.environ,
            "TWILIO_ACCOUNT_SID": peer.account_sid,
            "TWILIO_AUTH_TOKEN": peer.auth_token,
            "TWILIO_FROM": TEST_FROM,
            "DISPATCHER_TWILIO_URL": peer.url,
            "SMTP_HOST": smtp.host,
            "SMTP_PORT": str(smtp.port),
            "SMTP_USER": smtp.user,
            "SMTP_PASSWORD": smtp.password,
            "SMTP_FROM": "desk@example.org",
            "SMTP_TLS": smtp.tls,
            "SMTP_CA_FILE": str(smtp.ca_file),
            "DISPATCHER_SMS_PER_SECOND": "100",
        }
        store = Store(data)
        control = CalloutControl(store, load_roster(NIGHT_ROSTER))
        # Registered 9 min 45 s ago: step 1 is due at once, step 2 a quarter minute later.
        from datetime import UTC, datetime

        at = datetime.now(UTC) - timedelta(minutes=9, seconds=45)
        ids = [
            control.register(
                at,
                lambda sr_id, i=i: billing_outage(
                    sr_id, at, summary=f"Billing records lost at exchange {i}"
                ),
                at,
                "wang.fang",
                "phone",
            )[0].id
            for i in range(EMERGENCIES)
        ]
        outbox = control.outbox

        def states() -> Counter:
            store.refresh()
            return Counter(r.state for r in outbox.all() if r.purpose == "page")

        engine = start_engine(data, environ)
        try:
            wait_for(
                lambda: states()[DeliveryState.SENT] + states()[DeliveryState.DELIVERED] >= 10,
                timeout=60,
                what="the first confirmed sends",
            )
        finally:
            engine.send_signal(signal.SIGKILL)
            engine.wait()
        store.refresh()
        before = {r.id: r for r in outbox.all()}
        confirmed = {
            i for i, r in before.items() if r.state in (DeliveryState.SENT, DeliveryState.DELIVERED)
        }
        unfinished = {
            i for i, r in before.items() if r.state in (DeliveryState.QUEUED, DeliveryState.SENDING)
        }
        assert confirmed and unfinished, "the kill should land mid-chain"
        smtp.latency = 0.05  # the mail server answers again

        engine = start_engine(data, environ)
        try:

            def second_steps_paged() -> bool:
                store.refresh()
                runs = [control.callouts.get(sr_id) for sr_id in ids]
                pending = [
                    r
                    for r in outbox.all()
                    if r.state in (DeliveryState.QUEUED, DeliveryState.SENDING)
                ]
                return all(len(run.steps) >= 2 for run in runs) and not pending

            wait_for(
                second_steps_paged, timeout=90, what="step 2 of every chain, and an empty outbox"
            )
        finally:
            engine.send_signal(signal.SIGTERM)
            assert engine.wait(timeout=20) == 0, engine.stderr.read().decode()

        def received(record) -> int:
            """How many times the peers got this notification (its SR's own summary in it)."""
            summary = record.short_text.split(": ", 1)[1].split(" (")[0]
            if record.channel == "sms":
                return sum(
                    1
                    for m in peer.messages.values()
                    if m["to"] == record.address and summary in m["body"]
                )
            if record.channel == "voice":
                return sum(
                    1
                    for c in peer.calls.values()
                    if c["to"] == record.address and f"{summary}." in c["_twiml"]
                )
            return sum(
                1
                for m in smtp.messages
                if record.address in m["To"]
                and f"Summary: {summary}\r\n" in m.get_body(("plain",)).get_content()
            )

        for record in outbox.all():
            if record.purpose != "page":
                continue
            count = received(record)
            if record.id in confirmed:
                assert count == 1, (
                    f"#{record.id} was confirmed sent before the kill, then sent again"
                )
            else:
                assert count >= 1, f"#{record.id} ({record.channel} {record.address}) was lost"
        assert all(len(control.callouts.get(sr_id).steps) >= 2 for sr_id in ids)
