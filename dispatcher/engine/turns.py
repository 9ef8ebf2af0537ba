"""The order of sends in a burst: each request's first notification before anyone's second.

`each_request_in_turn` orders what a pass starts; `Turns` gives each send its place in the
queue of a channel whose slots are all taken (`sending.Slots`), so that a request registered
in the middle of a burst has its first page out before earlier requests' ninth: a real
request's first send of its step (`sending.FIRST`) even has spare slots of its own.
"""

from __future__ import annotations

from dispatcher.engine.sending import Priority
from dispatcher.store.outbox import OutboxRecord

STARTED_MEMORY = 10_000  # steps whose sends are counted, then forgotten all at once


class Turns:
    def __init__(self) -> None:
        self._started: dict[tuple[str, str, int, int], int] = {}  # a step's sends so far

    def priority(self, record: OutboxRecord) -> Priority:
        """Real before drill, then how many sends of its request's step went before it."""
        key = (record.sr, record.run, record.round, record.step)
        if len(self._started) > STARTED_MEMORY:
            self._started.clear()
        self._started[key] = before = self._started.get(key, -1) + 1
        return (int(record.drill), before)


def each_request_in_turn(records: list[OutboxRecord]) -> list[OutboxRecord]:
    """Records taken in turns, one per request: with fifty emergencies at once, each one's
    first page goes out before any one's last. Real before drill stays first."""
    turn: dict[str, int] = {}
    ranked = []
    for record in records:
        turn[record.sr] = turn.get(record.sr, -1) + 1
        ranked.append((record.drill, turn[record.sr], record.due, record.id, record))
    return [entry[-1] for entry in sorted(ranked, key=lambda e: e[:4])]
