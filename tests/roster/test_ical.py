"""The calendar export (finding 4): shifts crossing the window's edges are whole, and one
shift exported twice keeps one UID, so a subscribed calendar updates instead of duplicating."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from icalendar import Calendar

from dispatcher.cli import cli

from .conftest import SAMPLE

LONDON = ZoneInfo("Europe/London")


def export(tmp_path: Path, start: str, days: str, *who: str) -> list:
    out = tmp_path / f"{start}-{days}.ics"
    result = CliRunner().invoke(
        cli,
        [
            "roster",
            "ical",
            *who,
            "--from",
            start,
            "--days",
            days,
            "-o",
            str(out),
            "--roster",
            str(SAMPLE),
            "--data",
            str(tmp_path / "d"),
        ],
    )
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(out.read_bytes())
    zones = {str(e["DTSTART"].params["TZID"]) for e in calendar.walk("VEVENT")}
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == sorted(zones)
    return list(calendar.walk("VEVENT"))


def test_a_24_hour_shift_crossing_the_window_is_exported_whole(tmp_path: Path):
    # London's case handlers hand over at 08:00 London time, 24 hours each.
    events = export(tmp_path, "2026-11-24", "2", "--unit", "ovs-london", "--role", "case_handler")
    spans = [(e["DTSTART"].dt, e["DTEND"].dt) for e in events]
    assert spans == [
        (datetime(2026, 11, d, 8, tzinfo=LONDON), datetime(2026, 11, d + 1, 8, tzinfo=LONDON))
        for d in (23, 24, 25)
    ]
    assert all(e["DTSTART"].params["TZID"] == "Europe/London" for e in events)
    assert all(e["SEQUENCE"] == 0 and e["DTSTAMP"].dt.tzinfo is not None for e in events)


def test_one_shift_exported_twice_keeps_its_uid(tmp_path: Path):
    first = export(tmp_path, "2026-11-24", "3", "--person", "uk-tom-gao")
    second = export(tmp_path, "2026-11-25T13:00", "5", "--person", "uk-tom-gao")
    by_uid = {str(e["UID"]): (e["DTSTART"].dt, e["DTEND"].dt) for e in first}
    again = {str(e["UID"]): (e["DTSTART"].dt, e["DTEND"].dt) for e in second}
    shared = set(by_uid) & set(again)
    assert shared and all(by_uid[u] == again[u] for u in shared)
    [uid] = shared
    assert uid == "uk-case.uk-tom-gao.20261125T080000Z@dispatcher"
    assert by_uid[uid][1] - by_uid[uid][0] == timedelta(hours=24)


def test_ical_of_a_person_lists_their_shifts(tmp_path: Path):
    events = export(tmp_path, "2026-11-24", "6", "--person", "sh-li-na")
    assert len(events) == 4  # one 12-hour shift in three of a day-night cycle of three people
    assert all("Li Na" in str(e["SUMMARY"]) for e in events)
    assert all(e["DTEND"].dt - e["DTSTART"].dt == timedelta(hours=12) for e in events)
    assert {str(e["DTSTART"].params["TZID"]) for e in events} == {"Asia/Shanghai"}


def test_a_one_person_rotation_is_exported_shift_by_shift(tmp_path: Path):
    # Every week the same GM: each weekly shift is its own event, from its own handoff.
    path = tmp_path / "contacts.yaml"
    path.write_text(
        SAMPLE.read_text().replace(
            'handoffs: ["mon 09:00"], people: [sh-zhou-min, sh-sun-hao]}',
            'handoffs: ["mon 09:00"], people: [sh-zhou-min]}',
        )
    )
    out = tmp_path / "gm.ics"
    args = ["--unit", "br-shanghai", "--role", "engineering_gm", "--days", "14", "-o", str(out)]
    result = CliRunner().invoke(
        cli,
        [
            "roster",
            "ical",
            *args,
            "--from",
            "2026-11-24",
            "--roster",
            str(path),
            "--data",
            str(tmp_path / "d"),
        ],
    )
    assert result.exit_code == 0, result.output
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    starts = [e["DTSTART"].dt.isoformat() for e in events]
    assert starts == [f"2026-11-{d}T09:00:00+08:00" for d in (23, 30)] + [
        "2026-12-07T09:00:00+08:00"
    ]
