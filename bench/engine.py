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

Then the chaos run: the same 50 emergencies paged by voice, sms, email and webhook, with the
mail server accepting connections and never answering (each send bounded at 5 s) and the
webhook failing half its requests (503 to each notification's first try). It prints the same figures for the healthy
channels (texts and calls), with `chaos_` before each name, and `claimed_not_sent` (outbox
records left "sending" once the engine stopped), the hanging mails failed by their time
bound (and those still held back by a person's mail limit, never attempted), and the
transient failures delivered within their step. Targets: first notification
p99 ≤ 0.5 s and timer lateness p99 ≤ 1 s while mail hangs; 0 claimed but not sent; every
transient failure delivered within its step.

`--only plain|chaos` runs one of the two; `--others N` opens N other requests instead of
10,000 (a quicker run while working). `--decompose` runs the engine under
`bench/engine_trace.py` and prints, per stage of each emergency's first page (`decompose_`
names, p50/p99), where the time went: registered → a pass has read it → paged → queued →
claimed → send task → slot → provider answered, how long the bench's own registrations
took (their wait for the store's lock included), the engine's waits for that lock, how late
its loop ran (`loop_late`) and the garbage collector's pauses over 5 ms (`gc_pause`).
"""

from __future__ import annotations

import argparse
import http.server
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from channels import serve_peer  # bench/channels.py: the peers in processes of their own
from engine_trace import STAGES, decompose  # bench/engine_trace.py

from dispatcher.domain.localtime import local_day
from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.request_parts import Category, Customer, Severity, VipKind
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.engine.control import CalloutControl
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.testing.smtp_server import SilentServer

EMERGENCIES, PEOPLE, OTHERS = 50, 500, 10_000
BRANCHES = LINES = 25
STEP_WAIT = 1  # minutes: step 2 of every chain starts a minute after its step 1
LATENCY = 0.02
TARGET_SECONDS = 1.0
# The chaos run: mail hangs (a server that never answers, each send bounded at 5 s), a
# webhook fails each notification's first try; texts and calls must still go at once.
CHAOS_CHANNELS = "[voice, sms, email, webhook]"
CHAOS_MAIL_BOUND = 5.0
CHAOS_TARGET_SECONDS = 0.5


def roster_yaml(channels: str = "[voice, sms, email]") -> str:
    """25 branches and 25 product lines, each role held around the clock by a rotation of
    several people; 500 people in all."""
    lines = [
        "units:",
        "  - {id: csc, kind: csc, zone: Asia/Shanghai, name: CSC}",
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
            f"        channels: {channels}",
            f"        wait_minutes: {STEP_WAIT}",
        ]
    return "\n".join(lines) + "\n"


def other_requests(now: datetime, count: int) -> list[tuple[ServiceRequest, list[Event]]]:
    """`count` open minor faults, each with its registration: half received in the last hour,
    half a day earlier and acknowledged ten minutes after (a day's ids end at 9999, so ten
    thousand open requests span two CSC days; acknowledged, the older ones breach no SLA)."""
    batch = []
    zone = ZoneInfo("Asia/Shanghai")  # the CSC zone of the generated roster
    numbers: dict[str, int] = {}
    for n in range(1, count + 1):
        received = now - timedelta(seconds=n % 3600, days=0 if n % 2 else 1)
        day = f"{local_day(received, zone):%Y%m%d}"
        numbers[day] = numbers.get(day, 1000) + 1
        sr = ServiceRequest(
            f"SR-{day}-{numbers[day]:04d}",
            received,
            Category.FAULT_SUPPORT,
            f"Slow provisioning {n}",
            Severity.MINOR,
            site=f"Site {n % BRANCHES}",
            product=f"prod-{n % LINES}",
        )
        events = sr.registered(received, "bench", "phone")
        if not n % 2:
            events += sr.acknowledge(received + timedelta(minutes=10), "bench", "phone", "taken")
        batch.append((sr, events))
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


class FlakyWebhook(http.server.BaseHTTPRequestHandler):
    """A webhook that fails transiently half the time: each notification's first request is
    answered 503 and its retry accepted, so every page through it needs one retry."""

    seen: ClassVar[dict[str, int]] = {}
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            count = self.seen[body["id"]] = self.seen.get(body["id"], 0) + 1
        self.send_response(503 if count % 2 else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("plain", "chaos"), help="run only this one")
    parser.add_argument("--others", type=int, default=OTHERS, help="other open requests")
    parser.add_argument("--decompose", action="store_true", help="where the time goes")
    options = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    peers, environ = start_peers(context)
    plain = 0
    try:
        if options.only != "chaos":
            with tempfile.TemporaryDirectory() as folder:
                plain = run(Path(folder) / "plain", environ, options)
        if options.only == "plain":
            return plain
        with (
            tempfile.TemporaryDirectory() as folder,
            SilentServer() as silent,
            http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyWebhook) as webhook,
        ):
            threading.Thread(target=webhook.serve_forever, daemon=True).start()
            chaos_environ = {
                **environ,
                "SMTP_HOST": silent.host,  # a mail server that accepts and never answers
                "SMTP_PORT": str(silent.port),
                "DISPATCHER_SEND_TIMEOUT_EMAIL": str(CHAOS_MAIL_BOUND),
                "DISPATCHER_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_address[1]}/hook",
            }
            try:
                chaos = run(Path(folder) / "chaos", chaos_environ, options, chaos=True)
            finally:
                webhook.shutdown()
        return plain or chaos
    finally:
        for process, stop, _ in peers:
            stop.set()
            process.join(10)


def run(
    folder: Path, environ: dict[str, str], options: argparse.Namespace, chaos: bool = False
) -> int:
    folder.mkdir()
    roster_path = folder / "contacts.yaml"
    roster_path.write_text(roster_yaml(CHAOS_CHANNELS if chaos else "[voice, sms, email]"))
    roster = load_roster(roster_path)
    data = folder / "data"
    store = Store(data)
    RequestRepository(store).import_batch(other_requests(datetime.now(UTC), options.others))
    # A store at rest: what the import wrote is in its snapshot, not in a journal that the
    # first commits of the burst would push past compaction's threshold (the 10,000
    # requests are just under it), every process then reading the whole partition again.
    store.compact(store.live)
    trace = folder / "trace.jsonl"
    entry = (
        [str(Path(__file__).with_name("engine_trace.py")), str(trace)]
        if options.decompose
        else ["-c", "from dispatcher.cli import main; main()"]
    )
    engine = subprocess.Popen(
        [
            sys.executable,
            *entry,
            "engine",
            "--roster",
            str(roster_path),
            "--data",
            str(data),
        ],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_idle(engine.pid)  # it has started, read the store and paged nothing yet
        control = CalloutControl(store, roster)
        store.refresh()  # as a desk's store has before its dispatcher registers anything
        registered, spent = register_emergencies(control)
        deadline = time.monotonic() + STEP_WAIT * 60 + 60
        while time.monotonic() < deadline:
            store.refresh()
            runs = [control.callouts.get(sr_id) for sr_id in registered]
            if all(len(r.steps) >= 2 for r in runs):
                break
            time.sleep(0.5)
        time.sleep(3)  # step 2's notifications go out
        while chaos and time.monotonic() < deadline + 40:  # and their retries, 15-18 s on
            store.refresh()
            if not any(
                r.channel == "webhook" and r.state is DeliveryState.QUEUED
                for sr_id in registered
                for r in control.outbox.for_sr(sr_id)
            ):
                break
            time.sleep(0.5)
    finally:
        engine.send_signal(signal.SIGTERM)
        engine.wait(60)  # it lets the sends under way end, each within its bound
    store.refresh()
    healthy = ("voice", "sms") if chaos else ("voice", "sms", "email")
    first, sends, lateness = [], [], []
    for sr_id, at in registered.items():
        timeline = control.requests.timeline(sr_id)
        sent = [e.at for e in timeline if e.kind == "page_sent" and e.data.get("purpose") == "page"]
        sends += sent
        first_healthy = [
            e.at
            for e in timeline
            if e.kind == "page_sent" and e.data.get("purpose") == "page" and e.channel in healthy
        ]
        first.append((min(first_healthy) - at).total_seconds())
        run = control.callouts.get(sr_id)
        if len(run.steps) >= 2:
            due = run.run.started + timedelta(minutes=STEP_WAIT)  # step 1's wait ends
            lateness.append(max(0.0, (run.steps[1].at - due).total_seconds()))
    # The rate of the first steps' burst: step 2 comes a minute later by design.
    burst = [t for t in sends if t < min(sends) + timedelta(seconds=STEP_WAIT * 30)]
    window = (max(burst) - min(burst)).total_seconds() if burst else 0.0
    prefix = "chaos_" if chaos else ""
    figures = {
        "emergencies": EMERGENCIES,
        "people": len(roster.people),
        "other_open_requests": options.others,
        "first_notification_p50_s": round(percentile(first, 0.5), 3),
        "first_notification_p99_s": round(percentile(first, 0.99), 3),
        "notifications_sent": len(sends),
        "step1_notifications": len(burst),
        "notifications_per_second": round(len(burst) / window, 1) if window else 0,
        "step_timers_measured": len(lateness),
        "timer_lateness_p99_s": round(percentile(lateness, 0.99), 3) if lateness else "none",
    }
    target = CHAOS_TARGET_SECONDS if chaos else TARGET_SECONDS
    met = (
        figures["first_notification_p99_s"] <= target
        and len(lateness) == EMERGENCIES
        and figures["timer_lateness_p99_s"] <= TARGET_SECONDS
    )
    if chaos:
        records = [r for sr_id in registered for r in control.outbox.for_sr(sr_id)]
        claimed = [r for r in records if r.state is DeliveryState.SENDING]
        mails = [r for r in records if r.channel == "email"]
        retried = [r for r in records if r.channel == "webhook" and r.attempt > 1]
        within = [r for r in retried if r.state is DeliveryState.SENT and _within_step(r, control)]
        figures |= {
            "claimed_not_sent": len(claimed),
            "hanging_mails_timed_out": sum(r.error_code == "timeout" for r in mails),
            # the rest wait on a person's mail limit (the same step-2 people for every chain)
            "hanging_mails_held_by_limits": sum(
                r.state is DeliveryState.QUEUED and r.detail.startswith("delayed") for r in mails
            ),
            "hanging_mails": len(mails),
            "transient_failures": len(retried),
            "transient_delivered_within_step": len(within),
        }
        for record in [r for r in retried if r not in within][:3]:  # why, for the reader
            print(f"{prefix}late_transient: {record.state.value} {record.detail}")
        met = met and not claimed and len(within) == len(retried) > 0
    figures["target_seconds"] = target
    if options.decompose:
        figures |= decomposition(trace, spent, healthy)
    for name, value in figures.items():
        print(f"{prefix}{name}: {value}")
    print(f"{prefix}targets_met: {'yes' if met else 'no'}")
    return 0 if met else 1


def wait_until_idle(pid: int, bound: float = 120.0) -> None:
    """Until the engine's process has read the store and settled: its CPU time (Linux's
    /proc) grew by less than a tenth of the last half second. A fixed pause was too short on
    a busy machine, and the first emergencies then waited for the engine to start."""
    deadline = time.monotonic() + bound
    ticks = os.sysconf("SC_CLK_TCK")
    time.sleep(1)  # the interpreter starting

    def used() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    before = used()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = used()
        if now - before < 0.05:
            return
        before = now
    raise SystemExit(f"the engine was still busy after {bound:g} s")


def decomposition(trace: Path, spent: dict[str, tuple[float, float]], healthy) -> dict:
    """`decompose_<stage>_p50_s`/`_p99_s` (`engine_trace.STAGES`), and the longest wait."""
    figures: dict = {}
    for name, spans in decompose(trace, spent, healthy).items():
        if name.startswith(("slowest_", "spent_")):
            figures[f"decompose_{name}_s"] = round(spans[0], 3)
        elif spans:
            figures[f"decompose_{name}_p50_s"] = round(percentile(spans, 0.5), 3)
            figures[f"decompose_{name}_p99_s"] = round(percentile(spans, 0.99), 3)
            figures[f"decompose_{name}_max_s"] = round(max(spans), 3)
    figures["decompose_stages"] = ", ".join(f"{name} {what}" for name, _, _, what in STAGES)
    return figures


def register_emergencies(
    control: CalloutControl,
) -> tuple[dict[str, datetime], dict[str, tuple[float, float]]]:
    """50 emergencies at once; when each was registered, and when (wall seconds) each
    registration began and ended."""
    registered: dict[str, datetime] = {}
    spent: dict[str, tuple[float, float]] = {}
    for n in range(EMERGENCIES):
        began = time.time()
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
        spent[sr.id] = (began, registered[sr.id].timestamp())
    return registered, spent


def _within_step(record, control: CalloutControl) -> bool:
    """The notification was sent before its step's wait ended."""
    run = control.callouts.get(record.sr)
    step = next(s for s in run.steps if (s.round, s.step) == (record.round, record.step))
    return record.updated <= step.at + timedelta(minutes=STEP_WAIT)


if __name__ == "__main__":
    sys.exit(main())
