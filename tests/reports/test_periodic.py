"""The monthly report over the month of known answers (see conftest.py), checked figure by
figure in Markdown, CSV and JSON. Every expected value below was worked out by hand:

- times are minutes from receipt; percentiles are nearest-rank (rank ceil(p/100 x n)), so the
  median of [120, 300] is 120 and the 90th percentile of [5, 10, 20] is 20;
- the clocks are judged at NOW (2026-11-25): F's restore (5 d) and resolve (30 d) and G's
  restore (4 h) and resolve (7 d) have passed unmet, so they count as breached;
- C was restored at 1100 min after a dissatisfied callback reopened it: its restore clock
  stopped then, not at the second resolution (1200 min);
- H is a drill and counts nowhere; I (September, still open) counts only among Red Flags open;
  the September and November requests are outside the month.
"""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain import metrics
from dispatcher.reports.periodic import period_bounds, service_report
from dispatcher.reports.render import render
from dispatcher.store import Store
from dispatcher.store.history import received_between

ROSTER = str(Path(__file__).resolve().parents[2] / "contacts.yaml")

START = datetime(2026, 10, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 25, tzinfo=UTC)
N = None

EXPECTED = {
    "volumes": (
        ("dimension", "value", "requests"),
        [
            ("total", "all", 8),
            ("category", "complaint", 2),
            ("category", "consultation", 1),
            ("category", "fault_support", 4),
            ("category", "technical_consultation", 1),
            ("channel", "email", 1),
            ("channel", "overseas_site", 1),
            ("channel", "phone", 5),
            ("channel", "web", 1),
            ("product_line", "(unknown)", 1),
            ("product_line", "pl-access", 1),
            ("product_line", "pl-core", 3),
            ("product_line", "pl-optical", 1),
            ("product_line", "pl-oss", 2),
            ("branch", "(none)", 1),
            ("branch", "br-beijing", 2),
            ("branch", "br-shanghai", 4),
            ("branch", "ovs-london", 1),
        ],
    ),
    "times": (
        ("severity", "measure", "requests", "median_minutes", "p90_minutes"),
        [
            ("critical", "acknowledge", 3, 10.0, 20.0),  # A 10, B 20, G 5
            ("critical", "restore", 2, 120.0, 300.0),  # A 120, B 300
            ("critical", "resolve", 2, 600.0, 1440.0),  # A 600, B 1440
            ("major", "acknowledge", 1, 30.0, 30.0),  # C
            ("major", "restore", 1, 1100.0, 1100.0),
            ("major", "resolve", 1, 1200.0, 1200.0),
            ("minor", "acknowledge", 3, 60.0, 120.0),  # D 60, E 30, F 120
            ("minor", "restore", 2, 240.0, 2880.0),  # D 240 (its resolution), E 2880
            ("minor", "resolve", 2, 240.0, 2880.0),
            ("info", "acknowledge", 0, N, N),  # K was never acknowledged
            ("info", "restore", 1, 15.0, 15.0),
            ("info", "resolve", 1, 15.0, 15.0),
        ],
    ),
    "sla": (
        ("product_line", "severity", "clock", "decided", "met", "compliance_pct"),
        [
            ("pl-core", "critical", "response", 2, 2, 100.0),  # A 10 <= 15, G 5 <= 15
            ("pl-core", "critical", "restore", 2, 1, 50.0),  # A met, G breached
            ("pl-core", "critical", "resolve", 2, 1, 50.0),
            ("pl-core", "major", "response", 1, 1, 100.0),  # C 30 <= 30
            ("pl-core", "major", "restore", 1, 0, 0.0),  # C 1100 > 720
            ("pl-core", "major", "resolve", 1, 1, 100.0),
            ("pl-optical", "critical", "response", 1, 0, 0.0),  # B 20 > 15
            ("pl-optical", "critical", "restore", 1, 0, 0.0),  # B 300 > 240
            ("pl-optical", "critical", "resolve", 1, 1, 100.0),
            ("pl-oss", "minor", "response", 2, 2, 100.0),  # E, F within 8 h
            ("pl-oss", "minor", "restore", 2, 1, 50.0),  # E met, F breached
            ("pl-oss", "minor", "resolve", 2, 1, 50.0),
            # D: pl-access sets no minor target, so it is in no row
        ],
    ),
    "callbacks": (
        ("measure", "value"),
        [
            ("closed", 5),  # A B C D E
            ("closed_after_callback", 4),
            ("closed_without_callback", 1),  # B
            ("callback_before_closure_pct", 80.0),
            ("waiting_for_callback", 1),  # K
            ("callback_attempts", 8),  # A 1, B 3, C 2, D 1, E 1
            ("reached", 5),
            ("scored", 5),
            ("mean_score", 3.8),  # (5 + 2 + 4 + 5 + 3) / 5
            ("dissatisfied", 1),
            ("reopened_after_callback", 1),
            ("cutovers_completed", 2),  # the November one is outside
            ("cutovers_called_back", 1),
            ("cutover_mean_score", 4.0),
        ],
    ),
    "complaints": (
        ("measure", "value"),
        [
            ("complaints", 2),
            ("repeat_complaints", 1),
            ("customers_with_repeats", 1),
            ("responded_on_time", 1),
            ("responded_late", 0),
            ("response_overdue", 1),
            ("resolved_on_time", 1),
        ],
    ),
    "red_flags": (
        ("measure", "value"),
        [
            ("opened", 2),  # A, G (H is a drill, I opened in September)
            ("closed", 1),  # A
            ("open_at_end", 2),  # G, I
            ("median_age_hours", 146.0),
            ("oldest_age_hours", 996.0),
        ],
    ),
    "red_flags_open": (
        ("sr", "opened", "age_hours"),
        [
            ("SR-20260920-0001", "2026-09-20T12:00:00+00:00", 996.0),  # 41 days 12 h
            ("SR-20261025-0001", "2026-10-25T22:00:00+00:00", 146.0),  # 6 days 2 h
        ],
    ),
    "units": (
        (
            "kind",
            "unit",
            "requests",
            "resolved",
            "restore_median_minutes",
            "resolve_median_minutes",
            "sla_compliance_pct",
            "mean_score",
            "complaints",
        ),
        [
            ("branch", "br-beijing", 2, 2, 240.0, 240.0, 33.3, 5.0, 0),  # B, D
            ("branch", "br-shanghai", 4, 3, 1100.0, 1200.0, 75.0, 3.5, 2),  # A C E F: 9 of 12 met
            ("br", "ovs-london", 1, 0, N, N, 33.3, N, 0),  # G
            ("bd", "bd-access", 3, 2, 240.0, 240.0, 66.7, 4.0, 2),  # D E F: 4 of 6
            ("bd", "bd-network", 4, 3, 300.0, 1200.0, 58.3, 3.67, 0),  # A B C G: 7 of 12
            ("tac", "tac", 1, 1, 300.0, 1440.0, 33.3, N, 0),  # B, escalated to L2
        ],
    ),
}
KEYS = {"volumes": 2, "times": 2, "sla": 3, "units": 2}


def test_the_monthly_report_as_json_has_every_figure(month):
    store, roster = month
    report = json.loads(render(service_report(store, roster, "monthly", START, END, NOW), "json"))
    assert (report["report"], report["from"], report["to"]) == (
        "monthly",
        "2026-10-01T08:00:00+08:00",  # the period as the CSC's clocks show it
        "2026-11-01T08:00:00+08:00",
    )
    assert list(report["tables"]) == list(EXPECTED)
    for name, (columns, rows) in EXPECTED.items():
        assert report["tables"][name]["columns"] == list(columns), name
        assert report["tables"][name]["rows"] == [
            dict(zip(columns, row, strict=False)) for row in rows
        ], name


def test_the_monthly_report_as_csv_has_one_line_per_figure(month):
    store, roster = month
    text = render(service_report(store, roster, "monthly", START, END, NOW), "csv")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["table", "key", "field", "value"]
    assert lines[1:5] == [
        ["report", "period", "kind", "monthly"],
        ["report", "period", "from", "2026-10-01T08:00:00+08:00"],
        ["report", "period", "to", "2026-11-01T08:00:00+08:00"],
        ["report", "period", "generated", "2026-11-25T08:00:00+08:00"],
    ]
    expected = []
    for name, (columns, rows) in EXPECTED.items():
        keys = KEYS.get(name, 1)
        for row in rows:
            key = "/".join(str(v) for v in row[:keys])
            expected += [
                [name, key, column, "" if value is None else str(value)]
                for column, value in zip(columns[keys:], row[keys:], strict=False)
            ]
    assert lines[5:] == expected
    assert ["times", "critical/acknowledge", "p90_minutes", "20.0"] in lines
    assert ["units", "bd/bd-network", "mean_score", "3.67"] in lines


def markdown_tables(text):
    """{heading: [cells of each row]} read back from the Markdown."""
    tables, heading = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:]
            tables[heading] = []
        elif line.startswith("| ") and heading and not set(line) <= set("|-: "):
            tables[heading].append([c.strip() for c in line.strip("|").split(" | ")])
    return tables


def test_the_monthly_report_in_markdown_shows_every_figure(month):
    store, roster = month
    text = render(service_report(store, roster, "monthly", START, END, NOW), "md")
    assert text.startswith(
        "# Monthly service report\n\nPeriod: 2026-10-01T08:00+08:00 to 2026-11-01T08:00+08:00"
    )
    tables = list(markdown_tables(text).values())
    assert len(tables) == len(EXPECTED)
    for (columns, rows), table in zip(EXPECTED.values(), tables, strict=False):
        assert table[0] == list(columns)
        assert table[1:] == [["—" if v is None else str(v) for v in row] for row in rows]
    assert "| critical | acknowledge | 3 | 10.0 | 20.0 |" in text


def test_the_command_writes_the_same_report(month, tmp_path):
    store, _ = month
    out = tmp_path / "october.csv"
    runner = CliRunner()
    args = [
        "report",
        "monthly",
        "--from",
        "2026-10-01T00:00+00:00",
        "--to",
        "2026-11-01T00:00+00:00",
        "--roster",
        ROSTER,
        "--data",
        str(store.data_dir),
    ]
    shown = runner.invoke(cli, [*args, "--json"])
    assert shown.exit_code == 0, shown.output
    tables = json.loads(shown.output)["tables"]
    assert tables["volumes"]["rows"][0] == {"dimension": "total", "value": "all", "requests": 8}
    assert tables["callbacks"]["rows"][3] == {
        "measure": "callback_before_closure_pct",
        "value": 80.0,
    }
    written = runner.invoke(cli, [*args, "--format", "csv", "--output", str(out)])
    assert written.exit_code == 0, written.output
    assert "volumes,total/all,requests,8" in out.read_text().splitlines()
    assert not out.with_name("october.csv.partial").exists()


def test_bad_report_options_are_one_line_and_exit_2(month, tmp_path):
    store, _ = month
    runner = CliRunner()
    missing = runner.invoke(
        cli,
        ["report", "daily", "--roster", str(tmp_path / "none.yaml"), "--data", str(store.data_dir)],
    )
    assert missing.exit_code == 2 and "none.yaml" in missing.output
    backwards = runner.invoke(
        cli,
        [
            "report",
            "weekly",
            "--from",
            "2026-10-08",
            "--to",
            "2026-10-01",
            "--data",
            str(store.data_dir),
            "--roster",
            ROSTER,
        ],
    )
    assert backwards.exit_code == 2 and "--to must be after --from" in backwards.output
    bad_format = runner.invoke(
        cli,
        ["report", "daily", "--format", "pdf", "--roster", ROSTER, "--data", str(store.data_dir)],
    )
    assert bad_format.exit_code == 2 and "pdf" in bad_format.output
    assert "Traceback" not in missing.output + backwards.output


def test_default_periods_are_the_last_whole_day_week_and_month_in_the_csc_zone():
    shanghai = ZoneInfo("Asia/Shanghai")
    at = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # Wednesday 03:00 at the CSC
    midnight = datetime(2026, 11, 25, tzinfo=shanghai)
    assert period_bounds("daily", at, shanghai) == (midnight.replace(day=24), midnight)
    assert period_bounds("weekly", at, shanghai) == (
        midnight.replace(day=16),
        midnight.replace(day=23),
    )
    assert period_bounds("monthly", at, shanghai) == (
        midnight.replace(month=10, day=1),
        midnight.replace(day=1),
    )
    start = datetime(2026, 12, 1, tzinfo=UTC)
    assert period_bounds("monthly", at, shanghai, start) == (
        start,
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    typed = datetime(2026, 12, 1)  # --from without an offset: the CSC's wall clock
    assert period_bounds("daily", at, shanghai, typed) == (
        datetime(2026, 12, 1, tzinfo=shanghai),
        datetime(2026, 12, 2, tzinfo=shanghai),
    )
    new_york = ZoneInfo("America/New_York")  # a daily report across the end of summer time
    day = period_bounds("daily", datetime(2026, 11, 2, 12, tzinfo=UTC), new_york)
    assert day == (datetime(2026, 11, 1, tzinfo=new_york), datetime(2026, 11, 2, tzinfo=new_york))
    assert day[1].astimezone(UTC) - day[0].astimezone(UTC) == timedelta(hours=25)


def test_a_period_without_a_utc_offset_is_refused_not_guessed(tmp_path):
    """The bounds are compared in UTC: one with no offset cannot be placed, and is refused
    rather than read in the machine's zone."""
    naive = START.replace(tzinfo=None)
    with Store(tmp_path / "data") as store, pytest.raises(ValueError, match="no UTC offset"):
        received_between(store, naive, END, metrics.MEASURED_EVENTS, ZoneInfo("UTC"))
