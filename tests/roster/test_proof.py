"""The proof of the chains (findings 1 and 2), overlaps and gaps on one horizon (finding 2 of
the rotations), each with the values a person reads."""

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.coverage import check_coverage, rotation_overlaps
from dispatcher.domain.proof import prove_chains
from dispatcher.domain.roster import ContactKind, Role
from dispatcher.domain.rotation import Override
from dispatcher.engine.context import DEFAULT_REACHES
from dispatcher.roster import load_roster, parse_roster
from dispatcher.roster.errors import RosterError

from .conftest import SAMPLE, rotation, small_roster, utc

# bill-one the only product of its line, Shanghai the only site of its branch, and nobody
# on call 00:00-08:00 Shanghai time for the branch's case handlers, its GMs and the line.
NIGHTLESS = (
    SAMPLE.read_text()
    .replace("sites: [Shanghai, Jiangsu, Zhejiang]", "sites: [Shanghai]")
    .replace("          - {id: oss-view, name: OSS View}\n", "")
    .replace(
        'repeat: daily, start: 2026-11-02, handoffs: ["08:00", "20:00"],\n'
        "     people: [sh-li-na, sh-wang-qiang, sh-emily-chen]}",
        'repeat: daily, start: 2026-11-02, handoffs: ["00:00", "08:00"],\n'
        "     people: [null, sh-li-na]}",
    )
    .replace(
        'repeat: weekly, start: 2026-11-02, handoffs: ["mon 09:00"], people: [sh-zhou-min, sh-sun-hao]}',
        'repeat: daily, start: 2026-11-02, handoffs: ["00:00", "08:00"], people: [null, sh-zhou-min]}',
    )
    .replace(
        'repeat: weekly, start: 2026-11-02, handoffs: ["mon 09:00"], people: [oss-peng-bo, oss-jenny-qian]}',
        'repeat: daily, start: 2026-11-02, handoffs: ["00:00", "08:00"], people: [null, oss-peng-bo]}',
    )
)


def run(*args: str):
    return CliRunner().invoke(cli, ["roster", *args])


def test_the_sample_proves_every_chain_for_every_input_for_a_year():
    roster = load_roster(SAMPLE)
    start = utc(2026, 12, 1)
    proof = prove_chains(roster, start, start + timedelta(days=365), DEFAULT_REACHES)
    # 11 sites x 9 products, as an emergency and as each routed category and severity
    assert proof.inputs == 11 * 9 * (1 + 3 * 4) and proof.holes == ()
    assert {c for c, _ in proof.unrouted} == {"complaint", "planned_service"}


def test_a_chain_hole_is_told_once_grouped_by_how_it_recurs(tmp_path: Path):
    path = tmp_path / "contacts.yaml"
    path.write_text(NIGHTLESS)
    result = run("check", str(path), "--from", "2026-12-01", "--data", str(tmp_path / "d"))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    emergency = [line for line in lines if line.startswith("HOLE emergency chain")]
    assert emergency == [
        "HOLE emergency chain, bill-one at Shanghai: step 1 reaches nobody (case_handler of "
        "br-shanghai, engineering_gm of br-shanghai, product_line_interface of pl-oss) — "
        "every day 00:00–08:00 Asia/Shanghai"
    ]
    assert (
        "GAP  br-shanghai case_handler: no one on call — every day 00:00–08:00 Asia/Shanghai"
        in lines
    )


def test_a_hole_starting_inside_the_horizon_says_from_when(tmp_path: Path):
    roster = parse_roster(NIGHTLESS.encode())
    start = utc(2026, 11, 24)
    # Until 1 December a planned cover keeps the nights of Shanghai's branch reachable.
    cover = Override(
        "cover",
        "sh-wang-qiang",
        start,
        utc(2026, 11, 30, 16),
        unit="br-shanghai",
        role=Role.CASE_HANDLER,
    )
    proof = prove_chains(roster, start, start + timedelta(days=60), DEFAULT_REACHES, (cover,))
    [hole] = [h for h in proof.holes if h.chain == "emergency"]
    assert hole.intervals[0] == (utc(2026, 11, 30, 16), utc(2026, 12, 1, 0))
    assert len(hole.intervals) == 60 - 6
    assert hole.describe(start, start + timedelta(days=60))[0].endswith(
        "every day 00:00–08:00 Asia/Shanghai, from 2026-12-01"
    )


def test_json_lists_every_hole_with_its_intervals(tmp_path: Path):
    path = tmp_path / "contacts.yaml"
    path.write_text(NIGHTLESS)
    result = run(
        "check",
        str(path),
        "--from",
        "2026-12-01T08:00",  # the CSC's (Shanghai) wall clock: 00:00 UTC
        "--days",
        "3",
        "--json",
        "--data",
        str(tmp_path / "d"),
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["proven"] is False
    assert any(line.startswith("HOLE emergency chain") for line in report["problems"])
    [hole] = [h for h in report["chains"]["holes"] if h["chain"] == "emergency"]
    assert hole["step"] == 1
    assert hole["inputs"] == [
        {
            "site": "Shanghai",
            "product": "bill-one",
            "emergency": True,
            "category": None,
            "severity": None,
        }
    ]
    # 00:00-08:00 Shanghai time is 16:00-24:00 UTC the day before
    assert hole["intervals"] == [
        {"from": f"2026-12-0{d}T16:00:00+00:00", "to": f"2026-12-0{d + 1}T00:00:00+00:00"}
        for d in (1, 2, 3)
    ]


def test_someone_on_call_whom_no_channel_reaches_is_a_hole():
    roster = parse_roster(NIGHTLESS.encode())
    start = utc(2026, 12, 1, 0)  # 08:00 in Shanghai
    end = start + timedelta(days=1)
    phones_only = {"voice": frozenset({ContactKind.MOBILE, ContactKind.VOICE})}
    [hole] = [
        h
        for h in prove_chains(roster, start, end, phones_only).holes
        if h.who() == "emergency chain, bill-one at Shanghai" and h.step == 1
    ]
    assert hole.intervals == ((utc(2026, 12, 1, 16), end),)  # the night in Shanghai only
    nothing = {"voice": frozenset()}  # on call, but no channel reaches any of their contacts
    [hole] = [
        h
        for h in prove_chains(roster, start, end, nothing).holes
        if h.who() == "emergency chain, bill-one at Shanghai" and h.step == 1
    ]
    assert hole.intervals == ((start, end),)
    assert "sh-li-na has no contact a channel reaches" in hole.nobody_for


SHANGHAI_DAY = {
    "slots": ["alice", None],
    "zone": "Asia/Shanghai",
    "handoffs": ((0, 8, 0), (0, 20, 0)),
}
LONDON_LATE = {"slots": [None, "bob"], "zone": "Europe/London", "handoffs": ((0, 0, 0), (0, 12, 0))}


def overlap_verdict(anchor: date) -> list[str]:
    day = rotation("sh-day", start=anchor, **SHANGHAI_DAY)
    late = rotation("uk-late", start=anchor, **LONDON_LATE)
    start = utc(anchor.year, anchor.month, anchor.day)
    end = start + timedelta(days=366)
    return [
        line for o in rotation_overlaps([day, late], start, end) for line in o.describe(start, end)
    ]


def test_the_overlap_verdict_does_not_depend_on_the_anchor():
    spring, autumn = overlap_verdict(date(2027, 3, 1)), overlap_verdict(date(2026, 11, 2))
    assert spring == [
        "every day 19:00–20:00 Asia/Shanghai, from 2027-03-28 to 2027-10-30 "
        "(daylight-saving change in Europe/London)"
    ]
    assert autumn == [
        "every day 19:00–20:00 Asia/Shanghai, from 2027-03-28 to 2027-10-30 "
        "(daylight-saving change in Europe/London)"
    ]


def test_the_loader_refuses_the_overlap_for_either_anchor():
    for anchor in ("2027-03-01", "2026-11-02"):
        text = (
            SAMPLE.read_text()
            .replace(
                "  - {id: bj-case, unit: br-beijing,",
                "  - {id: sh-late, unit: br-shanghai, role: case_handler, timezone: Europe/London,\n"
                f'     repeat: daily, start: {anchor}, handoffs: ["00:00", "12:00"],\n'
                "     people: [null, sh-wang-qiang]}\n"
                "  - {id: bj-case, unit: br-beijing,",
            )
            .replace(
                'repeat: daily, start: 2026-11-02, handoffs: ["08:00", "20:00"],\n'
                "     people: [sh-li-na, sh-wang-qiang, sh-emily-chen]}",
                f'repeat: daily, start: {anchor}, handoffs: ["08:00", "20:00"],\n'
                "     people: [sh-li-na, null]}",
            )
        )
        try:
            parse_roster(text.encode())
        except RosterError as error:
            message = str(error)
        else:
            raise AssertionError(f"anchored {anchor}: accepted")
        assert "overlaps rotation 'sh-case'" in message
        assert "19:00–20:00 Asia/Shanghai" in message and "Europe/London" in message


def test_every_summer_gap_is_labelled_with_the_zone_that_causes_it_even_the_last():
    day = rotation("sh-day", **SHANGHAI_DAY)
    late = rotation("uk-late", **LONDON_LATE)
    roster = small_roster(day, late)
    report = check_coverage(roster, utc(2027, 6, 1), utc(2027, 6, 4))
    assert [(g.start, g.end, g.dst_zone) for g in report.gaps] == [
        (utc(2027, 6, d, 23), utc(2027, 6, d + 1, 0), "Europe/London") for d in (1, 2, 3)
    ]
    winter = check_coverage(roster, utc(2027, 1, 1), utc(2027, 1, 4))
    assert winter.gaps == ()


def test_a_chain_hole_that_comes_with_summer_time_names_the_zone_that_causes_it():
    from dispatcher.domain.chains import ChainSpec, ChainStep, RoleTarget
    from dispatcher.domain.roster import Product, ProductLine, Unit, UnitKind

    step = ChainStep((RoleTarget("$branch", Role.CASE_HANDLER),), ("sms",), 5)
    roster = small_roster(
        rotation("sh-day", **SHANGHAI_DAY),
        rotation("uk-late", **LONDON_LATE),
        chains={"emergency": ChainSpec("emergency", "Emergency", (step,))},
    )
    roster = replace(
        roster,
        units={**roster.units, "bd": Unit("bd", UnitKind.BD, "BD", product_lines=("pl",))},
        product_lines={"pl": ProductLine("pl", "Line", "bd", products=("p",))},
        products={"p": Product("p", "P", "pl")},
    )
    start = utc(2027, 1, 1)
    end = start + timedelta(days=365)
    proof = prove_chains(roster, start, end, DEFAULT_REACHES)
    [hole] = [h for h in proof.holes if h.chain == "emergency"]
    assert hole.describe(start, end) == [
        "emergency chain, every product at every site: step 1 reaches nobody "
        "(case_handler of br) — "
        "every day 07:00–08:00 Asia/Shanghai, from 2027-03-29 to 2027-10-31 "
        "(daylight-saving change in Europe/London)"
    ]


def test_a_roster_without_an_emergency_chain_is_not_proven(tmp_path: Path):
    path = tmp_path / "contacts.yaml"
    path.write_text(SAMPLE.read_text().replace("  - id: emergency\n", "  - id: urgent\n"))
    result = run("check", str(path), "--days", "2", "--data", str(tmp_path / "d"))
    assert result.exit_code == 1, result.output
    assert "HOLE the roster has no 'emergency' chain: an emergency pages nobody" in result.output
