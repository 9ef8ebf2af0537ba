"""A 2,000-character summary through the whole engine: every channel's text within its limit."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

from dispatcher.plugins.sizes import SMS_MAX_PARTS, TWIML_LIMIT, sms_parts

SUMMARY = ("计费 话单 丢失 & <告警> billing records lost; " * 80)[:2000]  # what `sr new` accepts
ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


async def test_every_page_of_a_long_summary_fits_its_channel(night):
    night.register(summary=SUMMARY)
    await night.engine.run_once()
    await night.pass_(minutes=10)  # step 2 as well

    calls = list(night.peer.calls.values())
    texts = [m["body"] for m in night.peer.messages.values() if m["direction"] == "outbound-api"]
    assert len(calls) >= 3 and len(texts) >= 3 and night.smtp.raw_messages
    for call in calls:
        twiml = call["_twiml"]
        assert len(twiml) <= TWIML_LIMIT
        assert twiml.count("计费 话单 丢失 &amp; &lt;告警&gt;") >= 2  # spoken, cut, twice
        assert twiml.count("Your acknowledgement code is") == 2  # the code survives the cut
    for body in texts:
        assert sms_parts(body) <= SMS_MAX_PARTS
    pages = [body for body in texts if re.search(r"Reply \d+ to acknowledge$", body)]
    assert len(pages) >= 3  # every page keeps its code; notices to CSQ carry none
    for raw in night.smtp.raw_messages:
        header = raw.split(b"\r\n\r\n", 1)[0]
        assert all(len(word) <= 75 for word in ENCODED_WORD.findall(header))
        subject = str(message_from_bytes(raw, policy=policy.default)["Subject"])
        assert "计费 话单 丢失" in subject and len(subject) <= 60
