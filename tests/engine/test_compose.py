"""The engine composes what every channel carries: the code in each text of a page, the drill
marker in each text of a drill, in the reader's language; a notice carries no code."""

from __future__ import annotations

import pytest

from dispatcher.domain.messages import Message
from dispatcher.engine.compose import compose
from dispatcher.plugins.contract import Purpose

MESSAGE = Message("SR-1 EMERGENCY: core down", "Core down.\nCall the desk.", "Core down.")


@pytest.mark.parametrize(
    ("language", "mark", "spoken_mark"),
    [("en", "[DRILL] ", "This is a drill."), ("zh", "【演练】", "这是演练。")],
)
@pytest.mark.parametrize("purpose", [Purpose.PAGE, Purpose.REPAGE, Purpose.AUDIT, Purpose.TEST])
def test_every_text_of_a_drill_page_holds_its_code_and_marker(language, mark, spoken_mark, purpose):
    texts = compose(
        MESSAGE, sr_id="SR-1", purpose=purpose, ack_code="4821", drill=True, language=language
    )
    assert texts.sms_text.startswith(mark) and "4821" in texts.sms_text
    assert texts.subject.startswith(mark)
    assert "4821" in texts.body and ("演练" if language == "zh" else "DRILL") in texts.body
    assert texts.spoken_text.startswith(spoken_mark) and "4 8 2 1" in texts.spoken_text


@pytest.mark.parametrize("purpose", [Purpose.NOTICE, Purpose.STATUS_UPDATE, Purpose.DRILL_OVER])
def test_a_notice_is_not_something_to_acknowledge(purpose):
    texts = compose(
        MESSAGE, sr_id="SR-1", purpose=purpose, ack_code="4821", drill=False, language="en"
    )
    assert "4821" not in texts.sms_text + texts.body + texts.spoken_text
    assert texts.sms_text == texts.subject == "SR-1 EMERGENCY: core down"
    assert "DRILL" not in texts.body
