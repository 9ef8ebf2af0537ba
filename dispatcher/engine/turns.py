"""The order of sends in a burst: each request's first notification before anyone's second.

`each_request_in_turn` orders what a pass starts; `Turns` gives each send its place in the
queue of a channel whose slots are all taken (`sending.Slots`), so that a request registered
in the middle of a burst has its first page out before earlier requests' ninth: a real
request's first send of its step (`sending.FIRST`) even has spare slots of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from dispatcher.engine.sending import Priority
from dispatcher.store.outbox import OutboxRecord

STARTED_MEMORY = 10_000  # steps whose sends are counted, then forgotten all at once


class Turns:
    def __init__(self) -> None:
        self._started: dict[tuple[str, str, int, int], int] = {}  # a step's sends so far

    def priority(self, record: OutboxRecord) -> Priority:
        """Real before drill, then how many sends of its request's step went before it."""
        key = _step(record)
        if len(self._started) > STARTED_MEMORY:
            self._started.clear()
        self._started[key] = before = self._started.get(key, -1) + 1
        return (int(record.drill), before)

    def untouched(self, record: OutboxRecord) -> bool:
        """No send of the record's request step has started (since the engine started)."""
        return _step(record) not in self._started


def each_request_in_turn(
    records: list[OutboxRecord], untouched: Callable[[OutboxRecord], bool]
) -> list[tuple[bool, OutboxRecord]]:
    """Records taken in turns, one per request, each marked True when it is the first of a
    step none of whose sends has started (`untouched`): those come first of all, then the
    others by turn. With fifty emergencies at once, each one's first page goes out before any
    one's last, and before the second of a request paged earlier. Real before drill stays
    first."""
    turn: dict[str, int] = {}
    ranked = []
    for record in records:
        turn[record.sr] = turn.get(record.sr, -1) + 1
        first = turn[record.sr] == 0 and untouched(record)
        ranked.append((record.drill, not first, turn[record.sr], record.due, record.id, record))
    return [(not e[1], e[-1]) for e in sorted(ranked, key=lambda e: e[:5])]


def _step(record: OutboxRecord) -> tuple[str, str, int, int]:
    return (record.sr, record.run, record.round, record.step)
