"""Reports and the handover in Chinese, checked figure by figure against English."""

from __future__ import annotations

import csv
import io
import json
import re

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.preferences import FILE_NAME, Preferences, config_dir
from dispatcher.reports.charts import chart_series
from dispatcher.reports.periodic import service_report
from tests.reports.conftest import SAMPLE_ROSTER
from tests.reports.test_handover import END as SHIFT_END
from tests.reports.test_handover import START as SHIFT_START
from tests.reports.test_handover import night
from tests.reports.test_periodic import END, NOW, ROSTER, START

FIGURE = re.compile(r"^-?\d+(\.\d+)?$|^—$|^SR-|^\d{4}-\d\d-\d\dT")
KEPT = {"SR", "SLA", "BR", "BD", "TAC", "L", "p", "UTC", "VIP"}


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def tables(markdown: str) -> list[tuple[str, list[list[str]]]]:
    """Each table's heading and its rows of cells (the head row first)."""
    found = []
    for section in markdown.split("\n## ")[1:]:
        heading, *lines = section.splitlines()
        rows = [
            [c.strip() for c in line.strip("|").split(" | ")]
            for line in lines
            if line.startswith("|") and not line.startswith("| ---")
        ]
        found.append((heading, rows))
    return found


def figures_match(english: str, chinese: str) -> None:
    en, zh = tables(english), tables(chinese)
    assert len(en) == len(zh) and en
    for (en_heading, en_rows), (zh_heading, zh_rows) in zip(en, zh, strict=True):
        assert en_heading != zh_heading and not re.search(r"[a-z]{3,}", zh_heading)
        assert len(en_rows) == len(zh_rows), en_heading
        for en_row, zh_row in zip(en_rows, zh_rows, strict=True):
            assert len(en_row) == len(zh_row)
            for en_cell, zh_cell in zip(en_row, zh_row, strict=True):
                if FIGURE.match(en_cell):
                    assert zh_cell == en_cell, (en_heading, en_row)
        head = " ".join(zh_rows[0]) if zh_rows else ""
        assert not set(re.findall(r"[A-Za-z]+", head)) - KEPT, head


def period_args(data_dir) -> list[str]:
    return ["--from", START.isoformat(), "--to", END.isoformat(), "--roster", ROSTER,
            "--data", str(data_dir)]  # fmt: skip


def test_report_daily_in_chinese_has_every_figure_of_the_english_one(month):
    store, _ = month
    args = ["report", "daily", *period_args(store.data_dir)]

    english, chinese = run(*args, "--lang", "en"), run(*args, "--lang", "zh")

    assert chinese.startswith("# 服务日报\n") and "统计期间:" in chinese
    figures_match(english, chinese)
    assert "| 严重 | 确认 | 3 | 10.0 | 20.0 |" in chinese
    assert "| critical | acknowledge | 3 | 10.0 | 20.0 |" in english


def test_csv_headers_and_fields_in_chinese_and_json_keys_in_english(month):
    store, _ = month
    args = ["report", "daily", *period_args(store.data_dir)]

    en_csv = list(csv.reader(io.StringIO(run(*args, "--format", "csv", "--lang", "en"))))
    zh_csv = list(csv.reader(io.StringIO(run(*args, "--format", "csv", "--lang", "zh"))))
    en_json = json.loads(run(*args, "--json", "--lang", "en"))
    zh_json = json.loads(run(*args, "--json", "--lang", "zh"))

    assert zh_csv[0] == ["表", "键", "字段", "数值"] and en_csv[0] == [
        "table",
        "key",
        "field",
        "value",
    ]
    assert len(en_csv) == len(zh_csv)
    for en_line, zh_line in zip(en_csv[1:], zh_csv[1:], strict=True):
        if en_line[2] == "generated":
            continue
        assert (en_line[0], en_line[1], en_line[3]) == (zh_line[0], zh_line[1], zh_line[3])
    assert ["volumes", "total/all", "请求数", "8"] in zh_csv
    assert zh_json["tables"].keys() == en_json["tables"].keys()
    for name, table in en_json["tables"].items():
        assert zh_json["tables"][name]["rows"] == table["rows"]
        assert zh_json["tables"][name]["columns"] == table["columns"]
    assert zh_json["title"] == "服务日报"


def test_the_handover_in_chinese_has_every_figure_of_the_english_one(tmp_path):
    store, _, (e1, *_) = night(tmp_path / "data")
    store.close()
    args = ["report", "handover", "--from", SHIFT_START.isoformat(), "--to",
            SHIFT_END.isoformat(), "--roster", str(SAMPLE_ROSTER), "--data", str(tmp_path / "data")]  # fmt: skip

    english, chinese = run(*args, "--lang", "en"), run(*args, "--lang", "zh")

    assert chinese.startswith("# 交接班\n")
    figures_match(english, chinese)
    assert f"| {e1} | 已派单 | 严重 | 是 | 11.0 |" in chinese


def test_without_lang_a_report_follows_the_desks_language(month):
    store, _ = month
    Preferences("zh").write(config_dir() / FILE_NAME)

    chinese = run("report", "daily", *period_args(store.data_dir))

    assert chinese.startswith("# 服务日报\n")


def test_chart_labels_in_chinese_with_the_same_values(month):
    store, roster = month
    report = service_report(store, roster, "monthly", START, END, NOW)

    english, chinese = chart_series(report, "en"), chart_series(report, "zh")

    assert [s.values for s in english] == [s.values for s in chinese]
    assert chinese[0].title == "按类别统计的请求" and "故障技术支持" in chinese[0].labels
    assert chinese[1].names == ("中位数", "90 分位")
