"""Roster bench: 2,000 people, 300 rotations, 500 overrides; `roster check --days 28` and one
`oncall` lookup. Targets: check ≤ 1 s, lookup ≤ 5 ms. `check_process_ms` (a fresh
`dispatcher` process, imports included) is shown for reference.

Then the one-year proof (`roster check`'s verdict: role gaps, every chain for every site ×
product × category and severity, overlaps, overrides) for the sample roster and for a roster
of 2,000 people with 50 branches, an overseas site, 5 BDs, 10 product lines, 30 products, the
sample's chains and 500 overrides. Targets: ≤ 2 s for the sample, ≤ 10 s for the large one,
peak memory ≤ 500 MB. Prints `name: value` lines; exits 0 when every target is met."""

from __future__ import annotations

import random
import resource
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
from dispatcher.domain.verdict import RosterVerdict, check_roster, one_year_from
from dispatcher.engine.context import DEFAULT_REACHES
from dispatcher.roster import load_roster, parse_roster
from dispatcher.roster.reader import C_PARSER

PEOPLE, ROTATIONS, OVERRIDES = 2000, 300, 500
SAMPLE = Path(__file__).resolve().parents[1] / "contacts.yaml"
BRANCHES, BDS, LINES_PER_BD, PRODUCTS_PER_LINE = 50, 5, 2, 3
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
    lines.append(
        "required:\n  - {unit: $branch, role: case_handler}\n  - {unit: $branch, role: engineering_gm}"
    )
    return "\n".join(lines) + "\n"


def generate_full(rng: random.Random) -> str:
    """A valid roster of 2,000 people with every kind of unit, and the sample's chains."""
    units = [
        "units:",
        "  - {id: csc, kind: csc, zone: Asia/Shanghai, name: CSC}",
        "  - {id: tac, kind: tac, name: TAC}",
    ]
    units.append("  - {id: csq, kind: csq, name: CSQ}")
    units += [
        f"  - {{id: br-{b}, kind: branch, name: Branch {b}, sites: [Site {b}a, Site {b}b]}}"
        for b in range(BRANCHES)
    ]
    units.append("  - {id: ovs, kind: overseas_site, name: Overseas, sites: [Far, Farther]}")
    lines = [f"pl-{d}-{k}" for d in range(BDS) for k in range(LINES_PER_BD)]
    for d in range(BDS):
        units += [f"  - id: bd-{d}", "    kind: bd", f"    name: BD {d}", "    product_lines:"]
        for k in range(LINES_PER_BD):
            units += [f"      - id: pl-{d}-{k}", f"        name: Line {d}-{k}", "        products:"]
            units += [
                f"          - {{id: p-{d}-{k}-{i}, name: P {i}, handed_over: {str(i != 0).lower()}}}"
                for i in range(PRODUCTS_PER_LINE)
            ]
    groups: list[tuple[str, str, str, int]] = [  # unit, role, zone, people
        *((f"br-{b}", "case_handler", ZONES[b % 3], 24) for b in range(BRANCHES)),
        *((f"br-{b}", "engineering_gm", ZONES[b % 3], 6) for b in range(BRANCHES)),
        ("ovs", "case_handler", "Europe/London", 12),
        ("ovs", "engineering_gm", "Europe/London", 4),
        *((f"bd-{d}", "overall_interface", "Asia/Shanghai", 4) for d in range(BDS)),
        *((line, "product_line_interface", "Asia/Shanghai", 6) for line in lines),
        ("tac", "tac_engineer", "Asia/Shanghai", 12),
        ("csc", "duty_manager", "Asia/Shanghai", 4),
        ("csq", "csq", "Asia/Shanghai", 4),
    ]
    people, rotations, index = ["people:"], ["rotations:"], 0
    for unit, role, zone, count in groups:
        members = []
        for _ in range(count):
            number = f"+1 212 555 {100 + index % 100:04d}"
            people.append(
                f"  - {{id: p{index}, name: Person {index}, unit: {unit}, roles: [{role}], "
                f'timezone: {zone}, contacts: [{{kind: mobile, number: "{number}"}}]}}'
            )
            members.append(f"p{index}")
            index += 1
        weekly = role in ("engineering_gm", "overall_interface", "duty_manager", "csq")
        repeat = (
            'weekly, handoffs: ["mon 09:00"]' if weekly else 'daily, handoffs: ["08:00", "20:00"]'
        )
        rotations.append(
            f"  - {{id: {unit}-{role}, unit: {unit}, role: {role}, timezone: {zone}, "
            f"repeat: {repeat}, start: 2026-11-02, people: [{', '.join(members[:8])}]}}"
        )
    while index < PEOPLE:  # the rest: dispatchers who stand by, in no rotation
        people.append(
            f"  - {{id: p{index}, name: Person {index}, unit: csc, roles: [csc_dispatcher], "
            f"contacts: [{{kind: email, address: p{index}@example.com}}]}}"
        )
        index += 1
    chains = SAMPLE.read_text().split("\nchains:\n", 1)[1]
    required = ["required:", "  - {unit: $branch, role: case_handler}"]
    return "\n".join([*units, *people, *rotations, *required, "chains:", chains])


def with_cover(
    text: str, rng: random.Random, rotations: list[str], start: datetime, days: int
) -> str:
    """`text` and 500 overrides in [start, start + days), each covering for six hours the one
    on call then in one of `rotations` (case handlers) by another person of that rotation."""
    roster = parse_roster(text.encode())
    lines = ["overrides:"]
    for o in range(OVERRIDES):
        rotation = roster.rotations[rng.choice(rotations)]
        begin = start + timedelta(hours=rng.randrange(days * 24))
        [covered] = roster.holder_ids(rotation.unit, rotation.role, begin)
        coverer = rng.choice([p for (p,) in rotation.slots if p != covered])
        lines.append(
            f"  - {{id: o{o}, person: {coverer}, covers: {covered}, "
            f'from: "{begin.isoformat()}", to: "{(begin + timedelta(hours=6)).isoformat()}"}}'
        )
    return text + "\n".join(lines) + "\n"


def prove_year(roster) -> tuple[float, RosterVerdict]:
    """Seconds for the one-year verdict `roster check` gives, and the verdict."""
    start = datetime(2026, 12, 1, tzinfo=UTC)
    began = time.perf_counter()
    verdict = check_roster(roster, start, one_year_from(start), DEFAULT_REACHES)
    return time.perf_counter() - began, verdict


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.yaml"
        rng = random.Random(7)
        cases = [f"r{r}" for r in range(0, ROTATIONS, 3)]
        path.write_text(
            with_cover(generate(rng), rng, cases, datetime(2026, 11, 24, tzinfo=UTC), 28)
        )
        began = time.perf_counter()
        roster = load_roster(path)
        loaded = time.perf_counter() - began

        check_args = ["roster", "check", str(path), "--days", "28", "--from", "2026-11-24"]
        check_args += ["--data", str(Path(folder) / "data")]
        began = time.perf_counter()
        result = CliRunner().invoke(cli, check_args)
        checked = time.perf_counter() - began

        began = time.perf_counter()
        start = datetime(2026, 11, 24, tzinfo=UTC)
        check_coverage(roster, start, start + timedelta(days=28))
        covered = time.perf_counter() - began

        at = datetime(2026, 12, 3, 3, 17, tzinfo=UTC)
        began = time.perf_counter()
        on_call = roster.on_call("br-42", Role.CASE_HANDLER, at)
        looked_up = time.perf_counter() - began

        command = [sys.executable, "-c", "from dispatcher.cli import main; main()", *check_args]
        began = time.perf_counter()
        process = subprocess.run(command, capture_output=True, check=False)
        process_time = time.perf_counter() - began

        full = Path(folder) / "large.yaml"
        rng = random.Random(11)
        cases = [f"br-{b}-case_handler" for b in range(BRANCHES)]
        full.write_text(
            with_cover(generate_full(rng), rng, cases, datetime(2026, 12, 1, tzinfo=UTC), 365)
        )
        sample_seconds, sample = prove_year(load_roster(SAMPLE))
        began = time.perf_counter()
        large = load_roster(full)
        large_load = time.perf_counter() - began
        large_seconds, verdict = prove_year(large)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

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
        "proof_year_sample_s": f"{sample_seconds:.2f}",
        "proof_year_sample_target_s": 2,
        "proof_year_sample_inputs": sample.chains.inputs,
        "proof_year_sample_proven": sample.proven,
        "large_people": len(large.people),
        "large_sites": sum(len(u.sites) for u in large.units.values()),
        "large_products": len(large.products),
        "large_load_s": f"{large_load:.2f}",
        "proof_year_large_s": f"{large_seconds:.2f}",
        "proof_year_large_target_s": 10,
        "proof_year_large_inputs": verdict.chains.inputs,
        "proof_year_large_problems": len(verdict.problems()),
        "peak_rss_mb": f"{peak_mb:.0f}",
        "peak_rss_target_mb": 500,
    }
    for name, value in figures.items():
        print(f"{name}: {value}")
    met = (
        result.exit_code in (0, 1)
        and checked <= 1.0
        and looked_up <= 0.005
        and sample_seconds <= 2
        and large_seconds <= 10
        and peak_mb <= 500
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
