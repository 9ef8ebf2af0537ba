"""Two processes registering and changing requests in one data directory at the same time."""

import json
import subprocess
import sys
import textwrap
from zoneinfo import ZoneInfo

from dispatcher.store import Store
from dispatcher.store.requests import RequestFilter, RequestRepository

WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo
    from dispatcher.domain.request_parts import Category
    from dispatcher.domain.requests import ServiceRequest
    from dispatcher.store import Store
    from dispatcher.store.requests import RequestRepository

    data, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    repository = RequestRepository(Store(data))
    at = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
    first, _ = repository.register(at, lambda i: ServiceRequest(i, at, Category.FAULT_SUPPORT, name),
                                   at, name, "test", zone=ZoneInfo("Asia/Shanghai"))
    shared = sys.argv[4]
    for n in range(count):
        repository.change(first.id, lambda r: r.note(at, name, f"{name} {n}"))
        repository.change(shared, lambda r: r.note(at, name, f"{name} shared {n}"))
    print(first.id)
""")


def test_two_processes_write_500_events_each_to_their_own_and_a_shared_request(tmp_path):
    at_start = Store(tmp_path)
    repository = RequestRepository(at_start)
    from datetime import UTC, datetime

    from dispatcher.domain.request_parts import Category
    from dispatcher.domain.requests import ServiceRequest

    t0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    shared, _ = repository.register(
        t0,
        lambda i: ServiceRequest(i, t0, Category.COMPLAINT, "s"),
        t0,
        "desk",
        "test",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), name, "500", shared.id],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    own_ids = [w.communicate(timeout=300)[0].strip() for w in writers]
    assert all(w.returncode == 0 for w in writers)
    assert len(set(own_ids) | {shared.id}) == 3, "no request id used twice"

    reopened = RequestRepository(Store(tmp_path))
    for sr_id, name in zip(own_ids, "ab", strict=False):
        texts = [e.text for e in reopened.timeline(sr_id) if e.kind == "note"]
        assert texts == [f"{name} {n}" for n in range(500)]
    shared_events = reopened.timeline(shared.id)
    assert [e.seq for e in shared_events] == list(range(1, 1002))
    for name in "ab":
        texts = [e.text for e in shared_events if e.actor == name]
        assert texts == [f"{name} shared {n}" for n in range(500)]
    assert len(reopened.matching(RequestFilter())) == 3
    assert json.dumps([e.to_dict() for e in shared_events])  # every event is readable


REGISTRAR = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo
    from dispatcher.domain.request_parts import Category
    from dispatcher.domain.requests import ServiceRequest
    from dispatcher.store import Store
    from dispatcher.store.requests import RequestRepository

    data, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    at = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
    sys.stdin.readline()
    for n in range(count):
        store = Store(data)  # a fresh process-like store each time, as `sr new` is
        sr, _ = RequestRepository(store).register(
            at, lambda i: ServiceRequest(i, at, Category.CONSULTATION, f"{name} {n}"), at, name,
            "test", zone=ZoneInfo("Asia/Shanghai"))
        assert not store.live.partition.loaded
        store.close()
        print(sr.id, flush=True)
""")


def test_two_processes_registering_at_once_never_share_an_id(tmp_path):
    from datetime import UTC, datetime

    from dispatcher.domain.request_parts import Category
    from dispatcher.domain.requests import ServiceRequest

    t0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    watcher = RequestRepository(Store(tmp_path))
    watcher.register(
        t0,
        lambda i: ServiceRequest(i, t0, Category.COMPLAINT, "first"),
        t0,
        "d",
        "t",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    assert len(watcher.matching(RequestFilter())) == 1  # this process has live loaded
    count = 60
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", REGISTRAR, str(tmp_path), name, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    ids = []
    for writer in writers:
        out, _ = writer.communicate(timeout=300)
        assert writer.returncode == 0
        ids += out.split()
    assert len(ids) == len(set(ids)) == 2 * count
    numbers = sorted(int(sr_id.rsplit("-", 1)[1]) for sr_id in ids)
    assert numbers == list(range(2, 2 * count + 2))
    summaries = {sr.summary for sr in watcher.matching(RequestFilter())}  # seen by a loaded process
    assert summaries == {"first"} | {f"{name} {n}" for name in "ab" for n in range(count)}
    reopened = RequestRepository(Store(tmp_path))
    assert {sr.id for sr in reopened.matching(RequestFilter())} >= set(ids)
    assert all(len(reopened.timeline(sr_id)) == 1 for sr_id in ids)
