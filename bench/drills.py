"""How long the week's sweep of a drill takes on the sample roster, in process and as a user
runs it (`dispatcher drill run SCENARIO --sweep 7d`). Prints one `name: value` a line.
Target: the command answers within 2 s, so a dispatcher runs it before every drill.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "contacts.yaml"
DISPATCHER = str(Path(sys.executable).with_name("dispatcher"))
START = datetime(2026, 11, 23, tzinfo=UTC)


def main() -> None:
    from dispatcher.domain.drills import builtin_scenarios, sweep
    from dispatcher.roster import load_roster

    roster = load_roster(SAMPLE)
    scenarios = builtin_scenarios(roster)
    runs = []
    for _ in range(5):
        began = time.perf_counter()
        for scenario in scenarios:
            sweep(roster, scenario, START, 7 * 24)
        runs.append((time.perf_counter() - began) / len(scenarios))
    print(f"sweep_7d_in_process_ms: {statistics.median(runs) * 1000:.1f}")
    with tempfile.TemporaryDirectory() as data:
        commands = []
        for _ in range(3):
            began = time.perf_counter()
            subprocess.run(
                [
                    DISPATCHER,
                    "drill",
                    "run",
                    scenarios[0].id,
                    "--sweep",
                    "7d",
                    "--at",
                    START.isoformat(),
                    "--roster",
                    str(SAMPLE),
                    "--data",
                    data,
                ],
                check=False,
                capture_output=True,
            )
            commands.append(time.perf_counter() - began)
    command = statistics.median(commands)
    print(f"sweep_7d_command_s: {command:.2f}")
    print(f"sweep_7d_command_target_met: {command <= 2.0}")


if __name__ == "__main__":
    main()
