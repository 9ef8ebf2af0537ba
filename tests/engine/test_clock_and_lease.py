import asyncio
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from dispatcher.engine.clock import ManualClock, ScaledClock
from dispatcher.engine.lease import EngineLease

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


async def test_a_manual_clock_wakes_sleepers_in_time_order():
    clock = ManualClock(T0)
    woke: list[tuple[str, datetime]] = []

    async def sleeper(name, minutes):
        await clock.sleep_until(T0 + timedelta(minutes=minutes))
        woke.append((name, clock.now()))

    tasks = [asyncio.create_task(sleeper(n, m)) for n, m in (("b", 10), ("a", 5), ("c", 30))]
    await asyncio.sleep(0)
    await clock.advance(timedelta(minutes=12))
    assert woke == [("a", T0 + timedelta(minutes=5)), ("b", T0 + timedelta(minutes=10))]
    assert clock.now() == T0 + timedelta(minutes=12)
    assert clock.next_wakeup == T0 + timedelta(minutes=30)
    await clock.advance(timedelta(hours=1))
    assert [n for n, _ in woke] == ["a", "b", "c"]
    await asyncio.gather(*tasks)


async def test_a_manual_clock_does_not_go_backwards():
    with pytest.raises(ValueError, match="backwards"):
        await ManualClock(T0).advance(timedelta(seconds=-1))


async def test_a_scaled_clock_runs_faster_than_real_time():
    clock = ScaledClock(600, start=T0)
    await clock.sleep_until(T0 + timedelta(seconds=60))  # 0.1 s of real time
    assert clock.now() >= T0 + timedelta(seconds=60)
    assert clock.now() < T0 + timedelta(seconds=600)


HOLDER = textwrap.dedent("""
    import sys, time
    from dispatcher.engine.lease import EngineLease
    lease = EngineLease(sys.argv[1])
    assert lease.acquire("engine")
    print("held", flush=True)
    time.sleep(60)  # holds the lease until the test kills it
""")


def test_one_engine_per_data_directory_and_the_lease_frees_when_its_holder_dies(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        desk = EngineLease(tmp_path)
        assert not desk.acquire("desk")
        seen = desk.holder()
        assert seen.pid == holder.pid and seen.role == "engine"
        assert "engine pid" in seen.describe(UTC)
    finally:
        holder.kill()
        holder.wait()
    assert desk.holder() is None
    assert desk.acquire("desk") and desk.holder().pid != holder.pid
    assert not EngineLease(tmp_path).acquire("engine")
    desk.release()
    assert EngineLease(tmp_path).holder() is None


def test_another_desk_asking_who_holds_the_lease_does_not_keep_it_from_being_taken(tmp_path):
    """A desk's status probe takes a shared lock for an instant; a free lease is still free."""
    import fcntl
    import os
    import threading

    from dispatcher.engine.lease import EngineLease

    stop = threading.Event()
    probe = tmp_path / "engine.lease"
    probe.touch()

    def probing() -> None:  # what `holder()` does, as often as it can
        while not stop.is_set():
            fd = os.open(probe, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                pass
            finally:
                os.close(fd)

    prober = threading.Thread(target=probing)
    prober.start()
    try:
        for _ in range(50):
            lease = EngineLease(tmp_path)
            assert lease.acquire("desk")
            lease.release()
    finally:
        stop.set()
        prober.join()


def test_a_probe_that_lingers_does_not_make_a_free_lease_look_held(tmp_path):
    """A probe's thread can wait for the interpreter while it holds its shared lock; the lease
    is still taken once the probe lets go, and refused only while an engine holds it."""
    import fcntl
    import os
    import threading

    from dispatcher.engine.lease import EngineLease

    probe_path = tmp_path / "engine.lease"
    probe_path.touch()
    probe = os.open(probe_path, os.O_RDONLY)
    fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
    taken = threading.Event()
    lease = EngineLease(tmp_path)
    taker = threading.Thread(target=lambda: lease.acquire("desk") and taken.set())
    taker.start()
    try:
        assert not taken.wait(0.3)  # still probed: the taker waits rather than give up
    finally:
        os.close(probe)
    taker.join()
    assert taken.is_set() and lease.held
    assert not EngineLease(tmp_path).acquire("engine")
    lease.release()
