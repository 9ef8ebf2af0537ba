"""Replies under a guessing attack: 200 live pages, then 5,000 wrong codes from 5,000 numbers
never paged, each judged as the engine does (one commit per reply, its own store on disk).

Prints `name: value` lines: the time to judge a reply at the start and at the end of the
attack (the end must not be slower: matching never scans history), how many replies stay in
the live table (bounded), and how long the alias-key bomb takes to be refused.
Targets: late ≤ 2 x early; live replies ≤ 1,100; bomb ≤ 1 s.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dispatcher.domain.acks import CODE_COUNT, code_from
from dispatcher.domain.outbox import Purpose
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.replies import ReplyBook
from dispatcher.plugins.contract import Reply
from dispatcher.roster import RosterError, parse_roster
from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRecord
from dispatcher.store.replies import REPLIES

LIVE_PAGES, ATTACK, SAMPLE = 200, 5_000, 200
AT = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)


def judge_all(book: ReplyBook, store: Store, replies: list[Reply]) -> list[float]:
    took = []
    for n, reply in enumerate(replies):
        start = time.perf_counter()
        with store.atomic(store.live):
            book.judge(reply, AT + timedelta(seconds=n))
        took.append(time.perf_counter() - start)
    return took


def bomb_seconds() -> float:
    lines = ["a0: &k0 [" + ", ".join(['"lol"'] * 10) + "]"]
    lines += [f"a{n}: &k{n} [{', '.join([f'*k{n - 1}'] * 10)}]" for n in range(1, 10)]
    lines.append("? *k9\n: 1")
    start = time.perf_counter()
    with contextlib.suppress(RosterError):
        parse_roster("\n".join(lines).encode(), "bomb.yaml")
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "data") as store:
        control = CalloutControl(store, None)
        control.outbox.enqueue(
            [
                OutboxRecord(
                    sr=f"SR-20261124-{n:04d}",
                    person=f"p{n}",
                    channel="sms",
                    contact_kind="mobile",
                    address=f"+1212555{n:04d}",
                    ack_code=code_from(n * 4_000 % CODE_COUNT),
                    purpose=Purpose.PAGE,
                    created=AT,
                    due=AT,
                )
                for n in range(LIVE_PAGES)
            ]
        )
        book = ReplyBook(control)
        attack = [
            Reply("sms", str(100_001 + n * 7 % 800_000), f"+1646555{n:04d}", "ACK", f"SM{n}")
            for n in range(ATTACK)
        ]
        took = judge_all(book, store, attack)
        early = statistics.median(took[:SAMPLE]) * 1000
        late = statistics.median(took[-SAMPLE:]) * 1000
        print(f"reply_judge_first_{SAMPLE}_median_ms: {early:.2f}")
        print(f"reply_judge_last_{SAMPLE}_median_ms: {late:.2f}")
        print(f"live_replies_kept: {len(store.live.table(REPLIES))}")
        archived = sum(len(store.archive(p).table(REPLIES)) for p in store.archive_periods())
        print(f"replies_archived: {archived}")
    print(f"yaml_alias_key_bomb_refused_s: {bomb_seconds():.4f}")


if __name__ == "__main__":
    main()
