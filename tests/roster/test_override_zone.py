"""A time typed without a UTC offset follows one rule (README, "Time zone"): in the CSC's zone,
except an override's window, which is in the covered person's zone (else the zone of the
person taking over), in `roster override add` as in the desk's form; the command says the
window as it understood it, in that zone and in the CSC's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.rotation import override_zone
from dispatcher.roster import load_roster

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"
SHANGHAI, LONDON = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/London")


def add(tmp_path: Path, *args: str, language: str = "en"):
    data = ["--roster", str(SAMPLE), "--data", str(tmp_path / "d")]
    return CliRunner().invoke(cli, ["--lang", language, "roster", "override", "add", *args, *data])


def stored(tmp_path: Path) -> list[dict]:
    data = ["--data", str(tmp_path / "d"), "--json"]
    listed = CliRunner().invoke(cli, ["roster", "override", "list", "--all", *data])
    return json.loads(listed.output)


def test_the_window_is_read_in_the_covered_person_s_zone_and_said_in_both(tmp_path):
    cover = ["--person", "uk-tom-gao", "--covers", "uk-oliver-reid"]
    result = add(tmp_path, *cover, "--from", "2026-12-10T20:00", "--to", "2026-12-11T08:00")
    assert result.exit_code == 0, result.output
    [override] = stored(tmp_path)
    # 20:00 in London in December is 20:00 UTC, 04:00 the next day in Shanghai
    assert datetime.fromisoformat(override["from"]) == datetime(2026, 12, 10, 20, tzinfo=UTC)
    assert datetime.fromisoformat(override["to"]) == datetime(2026, 12, 11, 8, tzinfo=UTC)
    lines = result.stdout.splitlines()
    assert lines[0] == override["id"]
    assert lines[1:] == [
        "  2026-12-10 20:00 – 2026-12-11 08:00 Europe/London (the time of uk-oliver-reid)",
        "  2026-12-11 04:00 – 2026-12-11 16:00 Asia/Shanghai (the CSC's time)",
    ]


def test_without_covers_the_person_taking_over_s_zone_and_in_chinese(tmp_path):
    extra = ["--person", "uk-tom-gao", "--unit", "ovs-london", "--role", "case_handler"]
    window = ["--from", "2026-12-10T20:00", "--to", "2026-12-10T22:00"]
    result = add(tmp_path, *extra, *window, language="zh")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  2026-12-10 20:00 – 2026-12-10 22:00 Europe/London(uk-tom-gao 的时间)",
        "  2026-12-11 04:00 – 2026-12-11 06:00 Asia/Shanghai(客户服务中心的时间)",
    ]


def test_an_offset_given_is_kept(tmp_path):
    cover = ["--person", "uk-tom-gao", "--covers", "uk-oliver-reid"]
    result = add(tmp_path, *cover, "--from", "2026-12-10T20:00+08:00", "--to", "2026-12-11T08:00Z")
    assert result.exit_code == 0, result.output
    [override] = stored(tmp_path)
    assert datetime.fromisoformat(override["from"]) == datetime(2026, 12, 10, 12, tzinfo=UTC)


def test_oncall_at_without_an_offset_is_the_csc_s_wall_clock():
    at = ["--at", "2026-12-25T03:00", "--role", "case_handler", "--json"]
    plain = CliRunner().invoke(cli, ["roster", "oncall", "--roster", str(SAMPLE), *at])
    at[1] += "+08:00"
    offset = CliRunner().invoke(cli, ["roster", "oncall", "--roster", str(SAMPLE), *at])
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.output) == json.loads(offset.output)


def test_the_desk_and_the_command_share_the_rule():
    roster = load_roster(SAMPLE)
    people = roster.people
    assert override_zone(people, "uk-tom-gao", "sh-li-na", LONDON) == SHANGHAI  # covered
    assert override_zone(people, "sh-li-na", "uk-tom-gao", SHANGHAI) == LONDON
    assert override_zone(people, "uk-tom-gao", None, SHANGHAI) == LONDON  # the one taking over
    assert override_zone(people, "", None, SHANGHAI) == SHANGHAI  # nobody chosen yet: the CSC's
