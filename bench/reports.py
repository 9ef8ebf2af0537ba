"""The monthly service report over a year of one service centre: how long a manager waits.

Reuses bench/store.py's year (100,000 SRs, 2,000,000 events; `python bench/reports.py N` for
another size), imported once into bench/.data/reports-store-N and kept. The year's products
(P-0 … P-11) are spread over the sample roster's product lines in a copy of contacts.yaml, so
every request has SLA targets and units and the report computes every figure. Times
`dispatcher report monthly` for the last whole month of the year, end to end (a new process,
as a user runs it), median of 3. Prints `name: value` lines. Target: <= 3 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import yaml

if len(sys.argv) > 1:
    os.environ["BENCH_REQUESTS"] = sys.argv[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import store as year

TARGET_SECONDS = 3.0
ROSTER = year.HERE.parent / "contacts.yaml"


def year_store() -> Path:
    data = year.WORK / f"reports-store-{year.REQUESTS}"
    if (data / "archive").is_dir() and any((data / "archive").iterdir()):
        return data
    year.WORK.mkdir(exist_ok=True)
    source = year.WORK / f"year-{year.REQUESTS}-v{year.DATA_VERSION}.jsonl"
    if not source.exists():
        year.year_of_requests(source, year.year_end())
    env = dict(os.environ, DISPATCHER_DATA=str(data))
    year.run(["store", "zone", year.CSC_ZONE], env)
    seconds = year.run(["sr", "import", str(source)], env)
    print(f"reports_store_import_seconds: {seconds:.1f}")
    return data


def roster_with_year_products() -> Path:
    """The sample roster, with the year's products P-0 … P-11 in its product lines."""
    raw = yaml.safe_load(ROSTER.read_text(encoding="utf-8"))
    lines = [line for unit in raw["units"] for line in unit.get("product_lines", ())]
    for n in range(12):
        lines[n % len(lines)]["products"].append({"id": f"P-{n}", "name": f"Product {n}"})
    path = year.WORK / "reports-roster.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def last_whole_month(data: Path) -> tuple[str, str]:
    """The month before the newest archive month (the newest is the year's unfinished one)."""
    months = sorted(p.name for p in (data / "archive").iterdir())
    first = datetime.strptime(months[-2], "%Y-%m")  # no offset: the CSC's wall clock
    following = datetime.strptime(months[-1], "%Y-%m")
    return first.isoformat(), following.isoformat()


def main() -> None:
    data = year_store()
    roster = roster_with_year_products()
    start, end = last_whole_month(data)
    command = [
        *year.DISPATCHER,
        "report",
        "monthly",
        "--from",
        start,
        "--to",
        end,
        "--roster",
        str(roster),
        "--data",
        str(data),
    ]
    seconds = []
    for _ in range(3):
        began = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        seconds.append(time.perf_counter() - began)
    total = next(line for line in done.stdout.splitlines() if line.startswith("| total | all |"))
    print(f"monthly_report_requests: {total.split('|')[3].strip()}")
    print(f"monthly_report_store_requests: {year.REQUESTS}")
    print(f"monthly_report_seconds: {statistics.median(seconds):.2f}")
    print(f"monthly_report_target_seconds: {TARGET_SECONDS}")
    print(f"monthly_report_within_target: {statistics.median(seconds) <= TARGET_SECONDS}")


if __name__ == "__main__":
    main()
