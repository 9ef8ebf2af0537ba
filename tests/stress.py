"""The suite on a busy machine: `make test-stress`, or

    python tests/stress.py [--runs 3] [--busy N] [--max-minutes 240] [pytest arguments...]

Starts N busy loops (one per core by default), each a process of its own spinning at normal
priority, then runs `python -m pytest` with the given arguments `--runs` times in a row,
stopping at the first failing run. The loops are stopped when the runs end, whatever the way:
a failure, Ctrl-C, SIGTERM. Each loop also ends by itself after `--max-minutes`, or as soon as
this script is gone, so that none outlives it.

Prints one `name: value` line per run and a last `stress: passed|failed` line; the exit code
is the failing run's pytest code, or 0.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

# A process that keeps one core busy, bounded in time, and that ends once its parent is gone.
BUSY_LOOP = """
import os, sys, time
parent, end = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
count = 0
while time.monotonic() < end and os.getppid() == parent:
    for _ in range(200_000):
        count += 1
"""


def start_busy(count: int, seconds: float) -> list[subprocess.Popen]:
    parent = str(os.getpid())
    return [
        subprocess.Popen([sys.executable, "-c", BUSY_LOOP, parent, str(seconds)])
        for _ in range(count)
    ]


def stop_busy(loops: list[subprocess.Popen]) -> None:
    for loop in loops:
        if loop.poll() is None:
            loop.kill()
    for loop in loops:
        loop.wait()


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the `finally` that stops the loops


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the suite in a row")
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2, help="busy loops")
    parser.add_argument("--max-minutes", type=float, default=240.0, help="each loop's bound")
    options, pytest_args = parser.parse_known_args(argv)
    signal.signal(signal.SIGTERM, _terminated)
    loops = start_busy(options.busy, options.max_minutes * 60)
    code = 0
    try:
        for run in range(1, options.runs + 1):
            started = time.monotonic()
            code = subprocess.call([sys.executable, "-m", "pytest", *pytest_args])
            busy = sum(loop.poll() is None for loop in loops)
            print(
                f"stress run {run} of {options.runs}: {'passed' if code == 0 else 'failed'} "
                f"in {time.monotonic() - started:.0f} s, {busy} busy loops, "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if code != 0:
                break
    finally:
        stop_busy(loops)
    print(f"stress: {'passed' if code == 0 else 'failed'}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
