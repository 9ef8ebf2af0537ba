"""A write that hits a file-size limit fails cleanly: nothing half-written, nothing lost."""

from __future__ import annotations

from pathlib import Path

from dispatcher.store import Store

FILLER = """
import resource, signal, sys
from dispatcher.errors import StoreError
from dispatcher.store import Store

data_dir, limit = sys.argv[1], int(sys.argv[2])
store = Store(data_dir)
events = store.live.table("events")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
n = 0
while True:
    try:
        if n % 3 == 0:
            with store.atomic():
                events.insert({"n": n, "text": "x" * 150})
                store.live.table("requests").insert({"n": n})
        else:
            events.insert({"n": n, "text": "x" * 150})
    except StoreError as exc:
        print("ERROR", exc, flush=True)
        break
    print("OK", n, flush=True)
    n += 1
print("COUNT", len(events), len(store.live.table("requests")), flush=True)
"""


def test_a_full_disk_refuses_the_write_and_keeps_earlier_data(data_dir: Path, spawn) -> None:
    limit = 20_000
    child = spawn(FILLER, str(data_dir), str(limit))
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    lines = out.splitlines()
    acknowledged = [int(line.split()[1]) for line in lines if line.startswith("OK ")]
    (error,) = [line for line in lines if line.startswith("ERROR ")]
    journal = data_dir / "live" / "journal.0"
    assert error == f"ERROR cannot save to {journal}: file too large; the change was not saved"
    assert len(acknowledged) > 50
    with_requests = [n for n in acknowledged if n % 3 == 0]
    # the writer's own memory was rolled back to what is on disk
    assert lines[-1] == f"COUNT {len(acknowledged)} {len(with_requests)}"
    data = journal.read_bytes()
    assert len(data) <= limit and data.endswith(b"\n")

    with Store(data_dir) as store:
        events = store.live.table("events")
        assert [d["n"] for d in events.all()] == acknowledged
        assert [d["n"] for d in store.live.table("requests").all()] == with_requests
        events.insert({"n": "after"})  # no limit here: the store takes writes again
    with Store(data_dir) as store:
        assert store.live.table("events").all()[-1] == {"n": "after"}
