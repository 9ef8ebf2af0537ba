"""The reachability audit: `dispatcher roster audit` asks, the engine records who answered
through which method, and `--report` / `unconfirmed_contacts` show what is not confirmed."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.roster import ContactKind
from dispatcher.engine.lease import EngineLease
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.callouts import Confirmation, confirm
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.reachability import unconfirmed_contacts
from dispatcher.testing.waiting import wait_for

ROSTER = Path(__file__).with_name("drill_night.yaml")
ANN, DAN = "+12125550101", "+12125550104"
AUDIT_SECONDS = 15  # how long the audit waits for answers; Ann answers within it, Dan never


def roster_cli(env, data, *args):
    return CliRunner().invoke(
        cli, ["roster", *args, "--roster", str(ROSTER), "--data", str(data)], env=env
    )


def test_the_audit_records_who_answered_through_which_method(
    tmp_path, twilio_peer, smtp_server, twilio_settings, smtp_settings
):
    env = {**twilio_settings, **smtp_settings, "DISPATCHER_WEBHOOK_URL": ""}
    data = tmp_path / "data"
    twilio_peer.reject(DAN)
    asked = ThreadPoolExecutor(1).submit(
        roster_cli,
        env,
        data,
        "audit",
        "--people",
        "ann",
        "--people",
        "dan",
        "--wait",
        "--timeout",
        str(AUDIT_SECONDS),
        "--json",
    )
    with Store(data) as store:

        def sent_to_ann() -> list:
            store.refresh()
            return [
                r
                for r in OutboxRepository(store).all()
                if r.person == "ann" and r.channel == "sms" and r.attempt
            ]

        sent = wait_for(sent_to_ann, timeout=AUDIT_SECONDS, what="the audit's SMS to Ann sent")
        twilio_peer.receive_sms(ANN, f"ACK {sent[0].ack_code}")
    result = asked.result(timeout=30)
    assert result.exit_code == 1, result.output  # Dan did not answer
    report = json.loads(result.stdout)
    assert report["audit"].startswith("AUDIT-") and report["not_answered"] == ["dan"]
    by_method = {(m["person"], m["channel"]): m for m in report["messages"]}
    assert by_method[("ann", "sms")]["confirmed_at"] is not None
    assert by_method[("ann", "email")]["confirmed_at"] is None
    assert (
        by_method[("dan", "sms")]["state"] == "failed"
        and "21211" in by_method[("dan", "sms")]["error"]
    )
    assert any(
        "Reachability check" in m["body"] for m in twilio_peer.messages.values() if m["to"] == ANN
    )

    shown = roster_cli(
        env, data, "audit", "--report", "--people", "ann", "--people", "dan", "--json"
    )
    assert shown.exit_code == 1  # Dan's number was never confirmed
    stale = {(c["person"], c["kind"]) for c in json.loads(shown.output)["unconfirmed"]}
    assert stale == {("dan", "mobile")}  # Ann's mobile answered; a mail is never counted


def test_unconfirmed_contacts_lists_phone_numbers_not_confirmed_within_the_days(tmp_path):
    roster = load_roster(ROSTER)
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    with Store(tmp_path) as store:
        with store.atomic(store.live):
            confirm(
                store, Confirmation("ann", "sms", ANN, "mobile", now - timedelta(days=3), "audit")
            )
            confirm(
                store,
                Confirmation(
                    "ben", "voice", "+12125550102", "mobile", now - timedelta(days=40), "page"
                ),
            )
        stale = unconfirmed_contacts(store, roster, 30, now)
    assert [(r.person, r.kind) for r in stale] == [
        ("cat", ContactKind.MOBILE),
        ("dan", ContactKind.MOBILE),
        ("eve", ContactKind.MOBILE),
        ("ben", ContactKind.MOBILE),
    ]
    assert stale[-1].last_confirmed == now - timedelta(days=40) and stale[-1].via == "voice"


def test_an_audit_waiting_while_another_process_runs_the_engine_says_so(
    tmp_path, twilio_settings, smtp_settings
):
    """The engine's holder sends the audit; the command only waits, and says that it does
    (it used to say it was following a drill)."""
    env = {**twilio_settings, **smtp_settings, "DISPATCHER_WEBHOOK_URL": ""}
    data = tmp_path / "data"
    data.mkdir()
    holder = EngineLease(data)
    assert holder.acquire("engine")  # `dispatcher engine` runs elsewhere on this data
    try:
        result = roster_cli(env, data, "audit", "--people", "ann", "--wait", "--timeout", "1")
    finally:
        holder.release()
    assert result.exit_code == 1, result.output  # nobody sent the question: nobody answered
    assert "; waiting for the answers from here" in result.stderr
    assert "drill" not in result.stderr
