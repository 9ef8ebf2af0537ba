"""50 emergencies opened at once against a roster of 500 people, while 10,000 other requests
are open: the headless engine (`dispatcher engine`, a process of its own, real clock) pages
them through the real channels to the loopback peers (each a process of its own, answering
after 20 ms, as bench/channels.py runs them).

Prints `name: value` lines: the time from registration to the first notification of each
emergency handed to a provider (p50/p99), notifications per second, and how late each chain's
step 2 starts after its step 1's wait ends (p99). Targets: first notification p99 ≤ 1 s;
timer lateness p99 ≤ 1 s. The SMS sender is configured as a messaging service
(`DISPATCHER_SMS_PER_SECOND=100`): a single long code's one text a second would make the
texts, not the engine, the measure.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from channels import serve_peer  # bench/channels.py: the peers in processes of their own

from dispatcher.domain.requests import Category, Customer, Event, ServiceRequest, Severity, VipKind
from dispatcher.engine.control import CalloutControl
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository

EMERGENCIES, PEOPLE, OTHERS = 50, 500, 10_000
BRANCHES = LINES = 25
STEP_WAIT = 1  # minutes: step 2 of every chain starts a minute after its step 1
LATENCY = 0.02
TARGET_SECONDS = 1.0


def roster_yaml() -> str:
    """25 branches and 25 product lines, each role held around the clock by a rotation of
    several people; 500 people in all."""
    lines = [
        "units:",
        "  - {id: csc, kind: csc, name: CSC}",
        "  - {id: csq, kind: csq, name: CSQ}",
        "  - {id: tac, kind: tac, name: TAC}",
    ]
    lines += [
        f"  - {{id: br-{b}, kind: branch, name: Branch {b}, sites: [Site {b}]}}"
        for b in range(BRANCHES)
    ]
    lines += ["  - id: bd-0", "    kind: bd", "    name: BD", "    product_lines:"]
    for n in range(LINES):
        lines += [
            f"      - id: pl-{n}",
            f"        name: Line {n}",
            "        sla: {critical: {response: 15m, restore: 4h, resolve: 2d}, "
            "minor: {response: 8h, restore: 2d, resolve: 14d}}",
            f"        products: [{{id: prod-{n}, name: Product {n}}}]",
        ]
    slots = (
        [(f"br-{b}", "case_handler") for b in range(BRANCHES)]
        + [(f"br-{b}", "engineering_gm") for b in range(BRANCHES)]
        + [(f"pl-{n}", "product_line_interface") for n in range(LINES)]
        + [
            ("bd-0", "overall_interface"),
            ("tac", "tac_engineer"),
            ("csc", "duty_manager"),
            ("csq", "csq"),
        ]
    )
    lines.append("people:")
    holders: dict[tuple[str, str], list[str]] = {slot: [] for slot in slots}
    for p in range(PEOPLE):
        unit, role = slots[p % len(slots)]
        holders[(unit, role)].append(f"p{p}")
        lines.append(
            f"  - {{id: p{p}, name: Person {p}, unit: {unit}, roles: [{role}], "
            f'timezone: Asia/Shanghai, contacts: [{{kind: mobile, number: "+1 212 555 {p:04d}"}}, '
            f"{{kind: email, address: p{p}@example.org}}]}}"
        )
    lines.append("rotations:")
    for r, ((unit, role), people) in enumerate(holders.items()):
        handoffs = ", ".join(f'"day {d + 1} 08:00"' for d in range(len(people)))
        lines.append(
            f"  - {{id: r{r}, unit: {unit}, role: {role}, timezone: Asia/Shanghai, "
            f"repeat: cycle, cycle_days: {len(people)}, start: 2026-11-02, "
            f"handoffs: [{handoffs}], people: [{', '.join(people)}]}}"
        )
    lines += ["chains:", "  - id: emergency", "    name: Emergency", "    steps:"]
    for targets in (
        "[{unit: $branch, role: case_handler}, {unit: $branch, role: engineering_gm}, "
        "{unit: $product_line, role: product_line_interface}]",
        "[{unit: $bd, role: overall_interface}, {unit: tac, role: tac_engineer}]",
        "[{unit: csc, role: duty_manager}]",
    ):
        lines += [
            f"      - targets: {targets}",
            "        channels: [voice, sms, email]",
            f"        wait_minutes: {STEP_WAIT}",
        ]
    return "\n".join(lines) + "\n"


def other_requests(now: datetime) -> list[tuple[ServiceRequest, list[Event]]]:
    """10,000 open minor faults received in the last hour, each with its registration."""
    batch = []
    day = now.astimezone().date()
    for n in range(1, OTHERS + 1):
        received = now - timedelta(seconds=n % 3600)
        sr = ServiceRequest(
            f"SR-{day:%Y%m%d}-{n + 1000:04d}",
            received,
            Category.FAULT_SUPPORT,
            f"Slow provisioning {n}",
            Severity.MINOR,
            site=f"Site {n % BRANCHES}",
            product=f"prod-{n % LINES}",
        )
        batch.append((sr, sr.registered(received, "bench", "phone")))
    return batch


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start_peers(context):
    peers = []
    environ = dict(os.environ, DISPATCHER_SMS_PER_SECOND="100")
    for kind in ("twilio", "smtp"):
        here, there = context.Pipe()
        stop = context.Event()
        process = context.Process(target=serve_peer, args=(kind, LATENCY, there, stop))
        process.start()
        environ.update(here.recv())
        peers.append((process, stop, here))
    return peers, environ


def main() -> int:
    context = multiprocessing.get_context("spawn")
    peers, environ = start_peers(context)
    try:
        with tempfile.TemporaryDirectory() as folder:
            return run(Path(folder), environ)
    finally:
        for process, stop, _ in peers:
            stop.set()
            process.join(10)


def run(folder: Path, environ: dict[str, str]) -> int:
    roster_path = folder / "contacts.yaml"
    roster_path.write_text(roster_yaml())
    roster = load_roster(roster_path)
    data = folder / "data"
    store = Store(data)
    RequestRepository(store).import_batch(other_requests(datetime.now(UTC)))
    engine = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from dispatcher.cli import main; main()",
            "engine",
            "--roster",
            str(roster_path),
            "--data",
            str(data),
        ],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(3)  # the engine has started and read the store
        control = CalloutControl(store, roster)
        registered: dict[str, datetime] = {}
        for n in range(EMERGENCIES):
            now = datetime.now(UTC)
            sr, _ = control.register(
                now,
                lambda sr_id, now=now, n=n: ServiceRequest(
                    sr_id,
                    now,
                    Category.FAULT_SUPPORT,
                    f"Billing down {n}",
                    Severity.CRITICAL,
                    customer=Customer(f"Bank {n}", VipKind.BANK),
                    site=f"Site {n % BRANCHES}",
                    product=f"prod-{n % LINES}",
                    criteria=("7", "9"),
                ),
                now,
                "bench",
                "phone",
            )
            registered[sr.id] = datetime.now(UTC)
        deadline = time.monotonic() + STEP_WAIT * 60 + 60
        while time.monotonic() < deadline:
            store.refresh()
            runs = [control.callouts.get(sr_id) for sr_id in registered]
            if all(len(r.steps) >= 2 for r in runs):
                break
            time.sleep(0.5)
        time.sleep(3)  # step 2's notifications go out
    finally:
        engine.send_signal(signal.SIGTERM)
        engine.wait(30)
    store.refresh()
    first, sends, lateness = [], [], []
    for sr_id, at in registered.items():
        timeline = control.requests.timeline(sr_id)
        sent = [e.at for e in timeline if e.kind == "page_sent" and e.data.get("purpose") == "page"]
        sends += sent
        first.append((min(sent) - at).total_seconds())
        run = control.callouts.get(sr_id)
        if len(run.steps) >= 2:
            due = run.started + timedelta(minutes=STEP_WAIT)  # step 1's wait ends
            lateness.append(max(0.0, (run.steps[1].at - due).total_seconds()))
    # The rate of the first steps' burst: step 2 comes a minute later by design.
    burst = [t for t in sends if t < min(sends) + timedelta(seconds=STEP_WAIT * 30)]
    window = (max(burst) - min(burst)).total_seconds() if burst else 0.0
    figures = {
        "emergencies": EMERGENCIES,
        "people": len(roster.people),
        "other_open_requests": OTHERS,
        "first_notification_p50_s": round(percentile(first, 0.5), 3),
        "first_notification_p99_s": round(percentile(first, 0.99), 3),
        "notifications_sent": len(sends),
        "step1_notifications": len(burst),
        "notifications_per_second": round(len(burst) / window, 1) if window else 0,
        "step_timers_measured": len(lateness),
        "timer_lateness_p99_s": round(percentile(lateness, 0.99), 3) if lateness else "none",
        "target_seconds": TARGET_SECONDS,
    }
    for name, value in figures.items():
        print(f"{name}: {value}")
    met = (
        figures["first_notification_p99_s"] <= TARGET_SECONDS
        and len(lateness) == EMERGENCIES
        and figures["timer_lateness_p99_s"] <= TARGET_SECONDS
    )
    print(f"targets_met: {'yes' if met else 'no'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
