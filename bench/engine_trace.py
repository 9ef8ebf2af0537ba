"""The headless engine with a trace of where each notification's time goes, for
`bench/engine.py --decompose`. Run as the engine's process in place of `dispatcher`:

    python bench/engine_trace.py TRACE.jsonl engine --roster ... --data ...

It wraps (never changes) the engine's steps and writes one JSON line per milestone to
TRACE.jsonl when the engine stops, each with `t` in wall-clock seconds (the bench's process
reads the same clock):

- `pass`: a pass began (`t`);
- `read`: the engine caught up with commits of other processes to the live partition;
- `paging`: the pass began paging a request (`sr`, and `pass` when that pass began);
- `queued`: the commit holding a request's pages ended (`sr`);
- `claimed`: a pass marked a notification as being sent (`id`);
- `task`: its send task started (`id`, `sr`, `channel`, `purpose`, `round`, `step`);
- `slot`: it got one of its channel's slots (`waited` s), on whichever loop keeps them;
- `provider`: the channel's `send` began on its worker; `answered`: it returned;
- `released`: the send gave its slot back;
- `lag`: the engine's loop was held `late` s past a 10 ms sleep (a step that ran long);
- `lock`: this process waited `waited` s for a partition's file lock (`label`), when over 1 ms;
- `poll`: a channel's poll (`channel`) began, and took `took` s;
- `gc`: a pass of the garbage collector over `generation` took `took` s, when over 5 ms;
- `spent`: per engine step (a chase, a claim, a commit...), its calls and seconds in all.

With `BENCH_ENGINE_PROFILE=FILE` in its environment the engine's loop is profiled (cProfile)
into FILE, for `python -m pstats FILE`.
"""

from __future__ import annotations

import asyncio
import bisect
import contextvars
import cProfile
import gc
import json
import os
import sys
import threading
import time
from pathlib import Path

from dispatcher.engine import chase, runtime, sending
from dispatcher.store import loaded, lock, partition

PROFILE_ENV = "BENCH_ENGINE_PROFILE"  # a file: the engine's loop profiled (cProfile) into it
TRACE: list[dict] = []
SPENT: dict[str, list] = {}  # a step of the engine -> [calls, seconds, longest]
SENDING: contextvars.ContextVar[dict | None] = contextvars.ContextVar("sending", default=None)
_pass = {"t": 0.0}
_paged: list[str] = []  # requests the chase under way has paged
_probes: list[asyncio.Future] = []  # the loop's lag probe, kept while the engine runs


def note(kind: str, **fields) -> None:
    TRACE.append({"kind": kind, "t": fields.pop("t", None) or time.time(), **fields})


def install() -> None:
    tick, chase_all, page_step = runtime.Engine.tick, chase.Chaser.chase, chase.page_step
    send, send_due, acquire = runtime.Engine._send, runtime.Engine._send_due, sending.Slots.acquire
    release, poll = sending.Slots.release, sending.Sender.poll
    lock_acquire = lock.FileLock.acquire
    catch_up = loaded.LoadedPartition.refresh
    engine_init = runtime.Engine.__init__

    async def traced_tick(self):
        if not _pass["t"]:
            _probes.append(asyncio.ensure_future(lag_probe()))
        _pass["t"] = time.time()
        note("pass", t=_pass["t"])
        return await tick(self)

    def traced_catch_up(self):
        before = self.version
        result = catch_up(self)
        if self.version != before and self.label == "live":
            note("read")
        return result

    def traced_page_step(control, sr_id, at):
        note("paging", sr=sr_id, **{"pass": _pass["t"]})
        _paged.append(sr_id)
        return page_step(control, sr_id, at)

    def traced_chase(self, *args, **kwargs):
        try:
            return chase_all(self, *args, **kwargs)
        finally:  # the chase's commit has ended
            done = time.time()
            for sr_id in _paged:
                note("queued", sr=sr_id, t=done)
            _paged.clear()

    def traced_send_due(self, now):
        before = set(self._inflight)
        result = send_due(self, now)
        done = time.time()
        for record_id in set(self._inflight) - before:
            note("claimed", id=record_id, t=done)
        return result

    async def traced_send(self, record, channel, priority):
        SENDING.set({"id": record.id})
        note(
            "task",
            id=record.id,
            sr=record.sr,
            channel=channel,
            purpose=str(record.purpose),
            round=record.round,
            step=record.step,
        )
        return await send(self, record, channel, priority)

    async def traced_acquire(self, priority):
        began = time.time()
        spare = await acquire(self, priority)
        current = SENDING.get()
        if current is not None:
            note("slot", id=current["id"], waited=round(time.time() - began, 4))
        return spare

    def traced_release(self, *args):
        current = SENDING.get()
        if current is not None:
            note("released", id=current["id"])
        release(self, *args)

    async def traced_poll(self, channel):
        began = time.time()
        try:
            return await poll(self, channel)
        finally:
            note("poll", channel=channel, took=round(time.time() - began, 4), t=began)

    def traced_lock(self):
        began = time.time()
        lock_acquire(self)
        waited = time.time() - began
        if waited > 0.001:
            note(
                "lock",
                label=self.path.parent.name,
                waited=round(waited, 4),
                thread=threading.current_thread().name,
                t=began,
            )

    def traced_init(self, *args, **kwargs):
        engine_init(self, *args, **kwargs)
        for name, channel in list(self.sender.channels.items()):
            self.sender.channels[name] = Traced(channel)

    gc.callbacks.append(collected)
    runtime.Engine.tick = traced_tick
    runtime.Engine._send = traced_send
    runtime.Engine._send_due = traced_send_due
    runtime.Engine.__init__ = traced_init
    loaded.LoadedPartition.refresh = traced_catch_up
    chase.Chaser.chase = traced_chase
    chase.page_step = traced_page_step
    sending.Slots.acquire = traced_acquire
    sending.Slots.release = traced_release
    sending.Sender.poll = traced_poll
    lock.FileLock.acquire = traced_lock
    for owner, name in (
        (chase.Chaser, "chase"),
        (runtime.Engine, "_send_due"),
        (runtime.Engine, "next_wakeup"),
        (runtime.Watcher, "check"),
        (runtime.Outcomes, "settle"),
        (partition.Partition, "_commit"),
        (partition.Partition, "refresh"),
    ):
        setattr(owner, name, timed(f"{owner.__name__}.{name}", getattr(owner, name)))


def timed(name: str, call):
    """`call`, its time on this thread added to `SPENT[name]` (with how often)."""

    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            spent = SPENT.setdefault(name, [0, 0.0, 0.0])
            took = time.perf_counter() - began
            spent[0] += 1
            spent[1] += took
            spent[2] = max(spent[2], took)

    return wrapper


_collecting = {"t": 0.0}


def collected(phase: str, info: dict) -> None:
    """`gc.callbacks`: each collection over 5 ms, with its generation."""
    if phase == "start":
        _collecting["t"] = time.time()
        return
    took = time.time() - _collecting["t"]
    if took > 0.005:
        note("gc", generation=info["generation"], took=round(took, 4), t=_collecting["t"])


async def lag_probe() -> None:
    """How long the engine's loop was held by one step: a wake every 10 ms, noted when late."""
    while True:
        began = time.time()
        await asyncio.sleep(0.01)
        late = time.time() - began - 0.01
        if late > 0.02:
            note("lag", late=round(late, 4), t=began)


class Traced:
    """A channel whose sends are noted as they begin and end on its worker."""

    def __init__(self, channel) -> None:
        self._channel = channel

    def __getattr__(self, name):
        return getattr(self._channel, name)

    async def send(self, notification):
        note("provider", id=int(notification.id), channel=self._channel.name)
        try:
            return await self._channel.send(notification)
        finally:
            note("answered", id=int(notification.id))


def main() -> None:
    trace_path = Path(sys.argv[1])
    sys.argv = ["dispatcher", *sys.argv[2:]]
    install()
    from dispatcher.cli import main as dispatcher

    profile = os.environ.get(PROFILE_ENV)
    profiler = cProfile.Profile() if profile else None
    try:
        if profiler is not None:
            profiler.enable()
        dispatcher()
    finally:
        if profiler is not None and profile:
            profiler.disable()
            profiler.dump_stats(profile)
        with trace_path.open("w") as out:
            for entry in TRACE:
                out.write(json.dumps(entry) + "\n")
            for name, (calls, seconds, longest) in SPENT.items():
                entry = {"kind": "spent", "t": 0, "name": name, "calls": calls}
                out.write(json.dumps({**entry, "seconds": seconds, "longest": longest}) + "\n")


if __name__ == "__main__":
    main()


# -- reading a trace (in the bench's process) ------------------------------------------------

STAGES = (
    ("notice", "registered", "refreshed", "the request committed → the engine has read it"),
    ("chase", "refreshed", "paging", "→ the pass reaches it (paging others first)"),
    ("queue", "paging", "queued", "→ the commit holding its pages ends"),
    ("claim", "queued", "claimed", "→ its first page is marked being sent"),
    ("start", "claimed", "task", "→ the send task starts"),
    ("slot", "task", "slot", "→ it holds one of its channel's slots"),
    ("hop", "slot", "provider", "→ the channel's send begins on its worker"),
    ("provider", "provider", "answered", "→ the provider answered (20 ms latency)"),
)


def decompose(
    trace_path: Path, registered: dict[str, tuple[float, float]], healthy
) -> dict[str, list[float]]:
    """Per request, the milestones of its first page on a `healthy` channel: the seconds
    each of `STAGES` took, per request; `total`, registered → answered; `registration`, how
    long each of the bench's registrations took (its lock wait included); `engine_lock_wait`,
    each wait of the engine for a file lock over 1 ms; `gc_pause`, each collection over
    5 ms; `slowest_<stage>`, the slowest first page's stages; `spent_<step>` and
    `spent_longest_<step>`, the engine's seconds in each traced step, in all and at most.
    `registered` maps each request to when its registration began and ended (wall-clock
    seconds)."""
    trace = [json.loads(line) for line in trace_path.read_text().splitlines()]
    reads = sorted(e["t"] for e in trace if e["kind"] == "read")
    by_id: dict[int, dict] = {}
    per_sr: dict[str, dict] = {}
    for entry in trace:
        kind = entry["kind"]
        if kind == "paging" and entry["sr"] in registered:
            per_sr.setdefault(entry["sr"], {}).setdefault("paging", entry["t"])
            per_sr[entry["sr"]].setdefault(
                "refreshed", _first_read(reads, registered[entry["sr"]][1], entry["t"])
            )
        elif kind == "queued" and entry["sr"] in registered:
            per_sr.setdefault(entry["sr"], {}).setdefault("queued", entry["t"])
        elif kind in ("claimed", "task", "slot", "provider", "answered", "released"):
            mark = by_id.setdefault(entry["id"], {})
            mark.setdefault(kind, entry["t"])
            mark.update({k: v for k, v in entry.items() if k in ("sr", "channel", "purpose")})
    firsts: list[dict] = []
    for sr_id, (began, ended) in registered.items():
        pages = [
            m
            for m in by_id.values()
            if m.get("sr") == sr_id
            and m.get("purpose") == "page"
            and m.get("channel") in healthy
            and "answered" in m
        ]
        if pages and sr_id in per_sr:
            first = min(pages, key=lambda m: m["answered"])
            firsts.append({**per_sr[sr_id], **first, "registered": ended, "began": began})
    spans: dict[str, list[float]] = {}
    for name, start, end, _ in STAGES:
        spans[name] = [m[end] - m[start] for m in firsts if start in m and end in m]
    spans["total"] = [m["answered"] - m["registered"] for m in firsts]
    if firsts:  # the slowest first page, stage by stage: what the p99 is made of
        worst = max(firsts, key=lambda m: m["answered"] - m["registered"])
        for name, start, end, _ in STAGES:
            if start in worst and end in worst:
                spans[f"slowest_{name}"] = [worst[end] - worst[start]]
    spans["registration"] = [ended - began for began, ended in registered.values()]
    spans["engine_lock_wait"] = [e["waited"] for e in trace if e["kind"] == "lock"]
    held = [m for m in by_id.values() if {"slot", "answered", "released"} <= m.keys()]
    spans["slot_held"] = [m["released"] - m["slot"] for m in held]
    spans["slot_answered_to_released"] = [m["released"] - m["answered"] for m in held]
    spans["loop_late"] = [e["late"] for e in trace if e["kind"] == "lag"]
    spans["gc_pause"] = [e["took"] for e in trace if e["kind"] == "gc"]
    for entry in trace:
        if entry["kind"] == "spent":  # where the engine's loop went, for the whole run
            step = entry["name"].replace(".", "_").lower()
            spans[f"spent_{step}"] = [entry["seconds"]]
            spans[f"spent_longest_{step}"] = [entry["longest"]]
    return spans


def _first_read(reads: list[float], registered: float, paging: float) -> float:
    """When the engine first caught up with the live partition after `registered` (the
    line holding the request among what it read), at the latest when it began paging it."""
    at = bisect.bisect_left(reads, registered)
    return min(reads[at], paging) if at < len(reads) else paging
