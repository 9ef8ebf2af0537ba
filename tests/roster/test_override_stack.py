"""Overrides as a stack (finding 3): at each instant the innermost cover wins, whatever the
order in the file and whether an override comes from the file or the store."""

from dataclasses import replace
from datetime import timedelta
from itertools import permutations
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.chains import ChainSpec, ChainStep, RoleTarget
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import preview
from dispatcher.domain.verdict import idle_overrides

from .conftest import SAMPLE, person, rotation, small_roster, utc

DAY = utc(2026, 11, 24)
# A holds 00:00-12:00 UTC (08:00-20:00 Shanghai); B covers A 01:00-05:00; C covers B 02:00-03:00.
B_COVERS_A = Override("b-covers-a", "bob", DAY.replace(hour=1), DAY.replace(hour=5), "alice")
C_COVERS_B = Override("c-covers-b", "carol", DAY.replace(hour=2), DAY.replace(hour=3), "bob")
STEP = ChainStep((RoleTarget("$branch", Role.CASE_HANDLER),), ("sms",), 5)


def roster_with(file_overrides):
    return small_roster(
        rotation(slots=["alice", "dave"]),
        people=[person(p) for p in ("alice", "bob", "carol", "dave")],
        overrides=tuple(file_overrides),
        chains={"emergency": ChainSpec("emergency", "E", (STEP,))},
    )


def test_c_holds_at_0230_in_every_order_and_source():
    both = (B_COVERS_A, C_COVERS_B)
    at = DAY.replace(hour=2, minute=30)
    cases = []
    for order in permutations(both):
        cases.append((order, ()))  # both in the file, in this order
        cases.append(((), order))  # both added at run time, in this order
        cases.append((order[:1], order[1:]))  # one from the file, one at run time
    for in_file, at_run_time in cases:
        roster = roster_with(in_file)
        assert roster.holder_ids("br", Role.CASE_HANDLER, at, at_run_time) == ("carol",)
        [step] = preview(roster, roster.chains["emergency"], at, "Shanghai", "", at_run_time)
        assert [p.id for p in step.people] == ["carol"], (in_file, at_run_time)
        spans = roster.timeline("br", Role.CASE_HANDLER, DAY, DAY.replace(hour=6), at_run_time)
        assert [(s.start.hour, s.people) for s in spans] == [
            (0, ("alice",)),
            (1, ("bob",)),
            (2, ("carol",)),
            (3, ("bob",)),
            (5, ("alice",)),
        ]


def test_c_holds_even_when_its_cover_starts_before_the_cover_it_stacks_on():
    early_c = replace(C_COVERS_B, start=DAY.replace(minute=30))
    roster = roster_with((early_c, B_COVERS_A))
    spans = roster.timeline("br", Role.CASE_HANDLER, DAY, DAY.replace(hour=6))
    assert [(s.start.hour, s.people) for s in spans] == [
        (0, ("alice",)),
        (1, ("carol",)),
        (3, ("bob",)),
        (5, ("alice",)),
    ]


def test_of_two_covers_of_one_person_the_innermost_wins():
    outer = Override("outer", "bob", DAY.replace(hour=1), DAY.replace(hour=6), "alice")
    inner = Override("inner", "carol", DAY.replace(hour=2), DAY.replace(hour=3), "alice")
    for order in permutations((outer, inner)):
        roster = roster_with(order)
        at = DAY.replace(hour=2, minute=30)
        assert roster.holder_ids("br", Role.CASE_HANDLER, at) == ("carol",)


def test_an_override_covering_someone_off_duty_is_reported():
    stray = Override("stray", "carol", DAY.replace(hour=13), DAY.replace(hour=14), "alice")
    roster = roster_with((B_COVERS_A,))
    end = DAY + timedelta(days=1)
    assert idle_overrides(roster, (stray, C_COVERS_B), DAY, end) == [stray]


def test_check_reports_the_sample_override_when_its_person_is_off(tmp_path: Path):
    # Moved to Christmas Day, 08:00-20:00 Shanghai: Wang Qiang's shift, not Li Na's.
    path = tmp_path / "contacts.yaml"
    path.write_text(
        SAMPLE.read_text()
        .replace("from: 2026-12-24T20:00+08:00", "from: 2026-12-25T08:00+08:00")
        .replace("to: 2026-12-25T08:00+08:00", "to: 2026-12-25T20:00+08:00")
    )
    args = ["--from", "2026-12-20", "--days", "10", "--data", str(tmp_path / "d")]
    result = CliRunner().invoke(cli, ["roster", "check", str(path), *args])
    assert result.exit_code == 1, result.output
    assert (
        "OVERRIDE xmas-cover: sh-li-na is not on call from 2026-12-25 00:00 to 2026-12-25 12:00"
        " UTC, so sh-emily-chen covers nobody"
    ) in result.output.splitlines()
    sample = CliRunner().invoke(cli, ["roster", "check", str(SAMPLE), *args])
    assert sample.exit_code == 0, sample.output


def test_adding_a_cover_of_someone_off_duty_warns(tmp_path: Path):
    data = ["--roster", str(SAMPLE), "--data", str(tmp_path / "d")]
    runner = CliRunner()

    def add(start: str, end: str):
        cover = ["--person", "sh-wang-qiang", "--covers", "sh-li-na", "--from", start, "--to", end]
        return runner.invoke(cli, ["roster", "override", "add", *cover, *data])

    # 20:00-08:00 in Shanghai (Li Na's zone, in which times without an offset are read) is
    # Li Na's shift; the day is not.
    off = add("2026-11-24T10:00", "2026-11-24T11:00")
    assert off.exit_code == 0, off.output
    assert (
        "WARN sh-li-na is not on call between 2026-11-24 02:00 UTC and 2026-11-24 03:00 UTC: "
        "sh-wang-qiang covers nobody"
    ) in off.stderr
    on = add("2026-11-24T22:00", "2026-11-24T23:00")
    assert on.exit_code == 0 and "WARN" not in on.stderr
