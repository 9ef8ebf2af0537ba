"""docs/ENGINE.md names every timeline event kind the store records, and every call-out event
a plugin's observer hears, so a plugin author and an auditor read the real words."""

from pathlib import Path

from dispatcher.domain.timeline import EventKind
from dispatcher.plugins.contract import CalloutEventKind

ENGINE_DOC = Path(__file__).resolve().parent.parent / "docs" / "ENGINE.md"


def test_every_timeline_kind_and_observer_event_is_in_the_engine_doc():
    text = ENGINE_DOC.read_text(encoding="utf-8")
    timeline = text[text.index("## Timeline events") : text.index("## Observers")]
    observers = text[text.index("## Observers") :]
    assert [k.value for k in EventKind if f"`{k.value}`" not in timeline] == []
    assert [k.value for k in CalloutEventKind if f"`{k.value}`" not in observers] == []
