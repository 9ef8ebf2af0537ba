"""The log file after a night: each page, delivery and acknowledgement, and no secret."""

from __future__ import annotations

import logging

from dispatcher.logfile import log_path, start_log_file

CHEN = "+12125550101"


async def test_the_log_holds_the_emergency_and_no_secret(night, night_environ):
    del night.engine.plugins.callout_event  # the fixture's recorder: back to the real one
    path = start_log_file(night.store.data_dir, "info", night_environ)
    logging.getLogger("dispatcher.test").info(
        "token in a message: %s", night_environ["TWILIO_AUTH_TOKEN"]
    )
    sr = night.register()
    await night.engine.run_once()  # the pages reach the peer before it moves them on
    await night.peer.settle()
    await night.pass_()
    code = next(r.ack_code for r in night.outbox(sr.id) if r.person == "chen.case")
    night.peer.receive_sms(CHEN, "where is the \x1b[2Jcode?")  # no code: logged, escaped
    await night.pass_()
    night.peer.receive_sms(CHEN, f"ACK {code}")
    logging.getLogger("dispatcher.test").warning(
        "from outside: %s", "a\n2026-01-01T00:00:00Z INFO forged"
    )
    await night.pass_()
    await night.pass_()
    for handler in logging.getLogger().handlers:
        handler.flush()

    assert path == log_path(night.store.data_dir)
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if f" {sr.id} " in line]
    assert any(f"{sr.id} chain_started" in line for line in lines)
    assert any(f"{sr.id} page_sent: sms to chen.case" in line for line in lines)
    assert any(f"{sr.id} page_sent: voice to chen.case" in line for line in lines)
    assert any(f"{sr.id} page_delivered: sms delivered" in line for line in lines)
    assert any(
        f"{sr.id} reply on sms from {CHEN} acknowledges for Chen Jie" in line for line in lines
    )
    assert any(f"{sr.id} acknowledged: Chen Jie" in line for line in lines), lines
    assert all(line[:4].isdigit() and " INFO " in line for line in lines)
    for name in ("TWILIO_AUTH_TOKEN", "SMTP_PASSWORD"):
        assert night_environ[name] not in text
    assert "token in a message: ***" in text and "\x1b" not in text
    assert "from outside: a\\u000a2026-01-01T00:00:00Z INFO forged" in text
    assert not any(line.startswith("2026-01-01") for line in text.splitlines())
