"""A year of one service centre in the store: import, open, append, `sr new`, memory, and
`store check` / `store repair` over the whole year.

Builds 100,000 SRs (about 2,000 open) with 2,000,000 timeline events as a JSON-lines file,
imports it with `dispatcher sr import`, then measures. Prints one `name: value` a line.
Targets: import <= 60 s; append p99 <= 5 ms; open <= 2 s; `sr new` at a year <= 1.25 x empty;
memory <= 300 MB; `store check` <= 30 s; `store repair` <= 30 s.
The generated data is kept in bench/.data (git-ignored) and reused when present and of this
version of the generator (`DATA_VERSION`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
WORK = HERE / ".data"
DATA_VERSION = 3  # raised whenever the generated year changes: an older file is not reused
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 100_000))
EVENTS_PER_REQUEST = 20
CSC_ZONE = "Asia/Shanghai"  # the sample roster's: ids are numbered by the day there
OPEN = REQUESTS // 50
DISPATCHER = [str(Path(sys.executable).with_name("dispatcher"))]

CATEGORIES = [
    "consultation",
    "complaint",
    "technical_consultation",
    "planned_service",
    "fault_support",
]
KINDS = ["note", "page_sent", "page_delivered", "note", "escalated"]  # kinds `sr show` names


def year_end() -> datetime:
    """When the year's last request came in: a day ago, so that its last event (at most
    EVENTS_PER_REQUEST x 30 min + 3 h after it) is not later than now, as an import needs."""
    return datetime.now(UTC) - timedelta(days=1)


def year_of_requests(path: Path, end: datetime) -> None:
    """Write the year, oldest first; the newest OPEN requests are still open. Ids name the
    day each request came in at the CSC (CSC_ZONE)."""
    rng = random.Random(2026)
    start = end - timedelta(days=365)
    step = (end - start) / REQUESTS
    per_day: dict[str, int] = {}
    with path.open("w", encoding="utf-8") as out:
        for n in range(REQUESTS):
            received = start + step * n
            day = f"{received.astimezone(ZoneInfo(CSC_ZONE)):%Y%m%d}"
            per_day[day] = per_day.get(day, 0) + 1
            is_open = n >= REQUESTS - OPEN
            at = received
            timeline = [
                {
                    "at": at.isoformat(),
                    "actor": "desk",
                    "kind": "registered",
                    "text": "registered",
                    "channel": "phone",
                    "data": {},
                }
            ]
            for e in range(1, EVENTS_PER_REQUEST - (0 if is_open else 3)):
                at += timedelta(minutes=rng.randint(1, 30))
                timeline.append(
                    {
                        "at": at.isoformat(),
                        "actor": f"eng{rng.randint(1, 400)}",
                        "kind": KINDS[e % len(KINDS)],
                        "text": f"progress update {e} on site",
                        "channel": "sms",
                        "data": {"step": e % 3},
                    }
                )
            if not is_open:
                for kind in ("resolved", "callback", "closed"):
                    at += timedelta(hours=1)
                    timeline.append(
                        {
                            "at": at.isoformat(),
                            "actor": "desk",
                            "kind": kind,
                            "text": "",
                            "channel": "cli",
                            "data": {},
                        }
                    )
            record = {
                "id": f"SR-{day}-{per_day[day]:04d}",
                "received": received.isoformat(),
                "category": CATEGORIES[n % 5],
                "summary": f"request {n}: link down at site {n % 40}",
                "severity": ["critical", "major", "minor", "info"][n % 4],
                "intake": "phone",
                "customer": {"name": f"Operator {n % 30}", "vip": "bank" if n % 97 == 0 else None},
                "site": ["shanghai", "beijing", "guangzhou", "jakarta"][n % 4],
                "product": f"P-{n % 12}",
                "criteria": ["9"] if n % 97 == 0 else [],
                "status": "in_progress" if is_open else "closed",
                "timeline": timeline,
            }
            out.write(json.dumps(record) + "\n")


def run(args: list[str], env: dict[str, str], timeout: float = 600) -> float:
    started = time.perf_counter()
    subprocess.run(
        DISPATCHER + args,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
    )
    return time.perf_counter() - started


def sr_new_seconds(data: Path, runs: int = 9) -> float:
    env = dict(os.environ, DISPATCHER_DATA=str(data))
    return statistics.median(
        run(["sr", "new", "--summary", "bench", "--category", "consultation"], env)
        for _ in range(runs)
    )


OPEN_PROBE = """
import resource, sys, time
started = time.perf_counter()
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository, RequestFilter
store = Store(sys.argv[1])
RequestRepository(store).matching(RequestFilter())
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def append_latencies(data: Path, count: int = 500) -> list[float]:
    from dispatcher.store import Store
    from dispatcher.store.requests import RequestFilter, RequestRepository

    repository = RequestRepository(Store(data))
    open_ids = [sr.id for sr in repository.matching(RequestFilter())]
    at = datetime.now(UTC)
    latencies = []
    for n in range(count):
        started = time.perf_counter()
        repository.change(
            open_ids[n % len(open_ids)], lambda r, n=n: r.note(at, "bench", f"note {n}")
        )
        latencies.append(time.perf_counter() - started)
    repository.store.close()
    return latencies


def stock_tinydb_latencies(count: int = 200, size: int = 20_000) -> list[float]:
    from tinydb import TinyDB
    from tinydb.storages import JSONStorage

    with tempfile.TemporaryDirectory() as folder:
        db = TinyDB(Path(folder) / "db.json", storage=JSONStorage)
        table = db.table("events")
        table.insert_multiple(
            {"sr": f"SR-{n}", "kind": "note", "text": "x" * 80} for n in range(size)
        )
        latencies = []
        for n in range(count):
            started = time.perf_counter()
            table.insert({"sr": "SR-x", "kind": "note", "text": f"note {n}"})
            os.fsync(db.storage._handle.fileno())  # the same durability as the journal
            latencies.append(time.perf_counter() - started)
        db.close()
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    WORK.mkdir(exist_ok=True)
    source = WORK / f"year-{REQUESTS}-v{DATA_VERSION}.jsonl"
    if not source.exists():
        year_of_requests(source, year_end())
    data = WORK / "year-store"
    shutil.rmtree(data, ignore_errors=True)
    env = dict(os.environ, DISPATCHER_DATA=str(data))
    run(["store", "zone", CSC_ZONE], env)
    print(f"store_import_seconds: {run(['sr', 'import', str(source)], env):.1f}")
    print(f"store_requests: {REQUESTS}")
    print(f"store_events: {sum(len(json.loads(line)['timeline']) for line in source.open())}")

    opened = [
        subprocess.run(
            [sys.executable, "-c", OPEN_PROBE, str(data)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout.split()
        for _ in range(3)
    ]
    print(f"store_open_seconds: {statistics.median(float(o[0]) for o in opened):.3f}")
    print(f"store_memory_after_open_mb: {max(int(o[1]) for o in opened) / 1024:.0f}")

    latencies = append_latencies(data)
    print(f"store_append_p50_ms: {percentile(latencies, 0.50) * 1000:.2f}")
    print(f"store_append_p99_ms: {percentile(latencies, 0.99) * 1000:.2f}")

    with tempfile.TemporaryDirectory() as empty:
        at_empty = sr_new_seconds(Path(empty))
    at_year = sr_new_seconds(data)
    print(f"sr_new_empty_seconds: {at_empty:.3f}")
    print(f"sr_new_year_seconds: {at_year:.3f}")
    print(f"sr_new_year_over_empty_ratio: {at_year / at_empty:.2f}")

    print(f"store_check_seconds: {run(['store', 'check'], env):.1f}")
    copy = WORK / "year-store-repaired"
    shutil.rmtree(copy, ignore_errors=True)
    print(f"store_repair_seconds: {run(['store', 'repair', '--into', str(copy)], env):.1f}")
    shutil.rmtree(copy, ignore_errors=True)

    stock = stock_tinydb_latencies()
    print(f"stock_tinydb_append_p50_ms_at_20000: {percentile(stock, 0.50) * 1000:.2f}")
    print(f"stock_tinydb_append_p99_ms_at_20000: {percentile(stock, 0.99) * 1000:.2f}")


if __name__ == "__main__":
    main()
