"""Roster bench: 2,000 people, 300 rotations, 500 overrides; `roster check --days 28` and one
`oncall` lookup. Targets: check ≤ 1 s, lookup ≤ 5 ms. Prints `name: value` lines; exits 0 when
both targets are met. `check_process_ms` (a fresh `dispatcher` process, imports included) is
shown for reference."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.coverage import check_coverage
from dispatcher.domain.roster import Role
from dispatcher.roster import load_roster
from dispatcher.roster.reader import C_PARSER

PEOPLE, ROTATIONS, OVERRIDES = 2000, 300, 500
ZONES = ["Asia/Shanghai", "Europe/London", "America/New_York"]


def generate(rng: random.Random) -> str:
    """A valid roster: 100 branches with 3 rotations each (case handlers, GMs, dispatch desk)."""
    lines = ["units:"]
    for b in range(ROTATIONS // 3):
        lines += [f"  - {{id: br-{b}, kind: branch, name: Branch {b}, sites: [Site {b}]}}"]
    lines.append("people:")
    roles = [Role.CASE_HANDLER, Role.ENGINEERING_GM, Role.CSC_DISPATCHER]
    for p in range(PEOPLE):
        number = f"+1 212 555 {100 + p % 100:04d}"
        lines.append(
            f"  - {{id: p{p}, name: Person {p}, unit: br-{p % 100}, roles: [{', '.join(roles)}], "
            f'timezone: {ZONES[p % 3]}, contacts: [{{kind: mobile, number: "{number}"}}]}}'
        )
    lines.append("rotations:")
    for r in range(ROTATIONS):
        branch, role = r // 3, roles[r % 3]
        members = [f"p{branch + 100 * k}" for k in range(PEOPLE // 100)][: rng.randint(2, 6)]
        lines.append(
            f"  - {{id: r{r}, unit: br-{branch}, role: {role.value}, timezone: {ZONES[r % 3]}, "
            f'repeat: daily, start: 2026-11-02, handoffs: ["08:00", "20:00"], people: [{", ".join(members)}]}}'
        )
    lines.append("overrides:")
    start = datetime(2026, 11, 24, tzinfo=UTC)
    for _o in range(OVERRIDES):
        branch = rng.randrange(ROTATIONS // 3)
        begin = start + timedelta(hours=rng.randrange(28 * 24))
        lines.append(
            f"  - {{person: p{branch + 100 * rng.randrange(20)}, covers: p{branch}, "
            f'from: "{begin.isoformat()}", to: "{(begin + timedelta(hours=6)).isoformat()}"}}'
        )
    lines.append(
        "required:\n  - {unit: $branch, role: case_handler}\n  - {unit: $branch, role: engineering_gm}"
    )
    return "\n".join(lines) + "\n"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.yaml"
        path.write_text(generate(random.Random(7)))
        began = time.perf_counter()
        roster = load_roster(path)
        loaded = time.perf_counter() - began

        began = time.perf_counter()
        result = CliRunner().invoke(
            cli,
            [
                "roster",
                "check",
                str(path),
                "--days",
                "28",
                "--from",
                "2026-11-24",
                "--data",
                str(Path(folder) / "data"),
            ],
        )
        checked = time.perf_counter() - began

        began = time.perf_counter()
        start = datetime(2026, 11, 24, tzinfo=UTC)
        check_coverage(roster, start, start + timedelta(days=28))
        covered = time.perf_counter() - began

        at = datetime(2026, 12, 3, 3, 17, tzinfo=UTC)
        began = time.perf_counter()
        on_call = roster.on_call("br-42", Role.CASE_HANDLER, at)
        looked_up = time.perf_counter() - began

        command = [
            sys.executable,
            "-c",
            "from dispatcher.cli import main; main()",
            "roster",
            "check",
            str(path),
            "--days",
            "28",
            "--from",
            "2026-11-24",
            "--data",
            str(Path(folder) / "data"),
        ]
        began = time.perf_counter()
        process = subprocess.run(command, capture_output=True, check=False)
        process_time = time.perf_counter() - began

    figures = {
        "people": PEOPLE,
        "rotations": ROTATIONS,
        "overrides": OVERRIDES,
        "yaml_parser": "libyaml" if C_PARSER else "pure-python",
        "load_ms": f"{loaded * 1000:.1f}",
        "coverage_28d_ms": f"{covered * 1000:.1f}",
        "check_ms": f"{checked * 1000:.1f}",
        "check_target_ms": 1000,
        "check_exit": result.exit_code,
        "check_process_ms": f"{process_time * 1000:.1f}",
        "check_process_exit": process.returncode,
        "lookup_ms": f"{looked_up * 1000:.3f}",
        "lookup_target_ms": 5,
        "on_call": len(on_call),
    }
    for name, value in figures.items():
        print(f"{name}: {value}")
    return 0 if result.exit_code in (0, 1) and checked <= 1.0 and looked_up <= 0.005 else 1


if __name__ == "__main__":
    sys.exit(main())
