"""The command line in Chinese: every line it prints comes from the catalogue, with no English
word but ids, numbers, units, product names, option and key names, and the names the roster and
the requests give; and figure by figure the same as in English."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.roster import parse_roster
from tests.drills.conftest import ROSTER as DRILL_ROSTER
from tests.drills.test_cli_live import NO_PROVIDERS as DRILL_ENV
from tests.i18n.english import english_words
from tests.tui.test_chinese_screens import given_words as roster_words

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "contacts.yaml"
NO_PROVIDERS = {**DRILL_ENV, "DISPATCHER_LANG": ""}  # no credentials, no language given
# A figure: a number, a time, an id with a digit; compared in order between the two languages.
ACTOR = "wang.fang"  # who types the commands: a name, kept as it is
FIGURE = re.compile(r"(?:SR|PS)-[\d-]+|\d[\d:.%+-]*")
CHANNELS = {"sms", "voice", "email", "desk", "webhook", "dingtalk"}  # the channels' own names


def given_words(*rosters: Path, texts: tuple[str, ...] = ()) -> set[str]:
    """Words that come from the rosters (names, ids, sites, products, chains), from `texts`
    (what the requests say) and from who typed the commands."""
    words = {w for text in (*texts, ACTOR) for w in re.findall(r"[A-Za-z]+", text)}
    for path in rosters:
        words |= roster_words(parse_roster(path.read_bytes(), str(path)), [])
    return words


@pytest.fixture
def run(tmp_path, monkeypatch):
    """`dispatcher --lang LANG ARGS` on one data directory, with no desk preferences and no
    locale to fall back on; returns (exit code, everything printed)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    env = {**NO_PROVIDERS, "DISPATCHER_DATA": str(tmp_path / "data"), "USER": ACTOR}
    monkeypatch.setattr("getpass.getuser", lambda: ACTOR)

    def invoke(language: str, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            cli, ["--lang", language, *map(str, args)], env=env, prog_name="dispatcher"
        )
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), result.exception
        return result.exit_code, result.output

    return invoke


def both(run, *args) -> tuple[str, str, int]:
    """The English and the Chinese output of one command (same exit code)."""
    en_code, english = run("en", *args)
    zh_code, chinese = run("zh", *args)
    assert en_code == zh_code, (english, chinese)
    return english, chinese, en_code


def figures(text: str) -> list[str]:
    return [figure.strip(":.-+") for figure in FIGURE.findall(text)]


def assert_chinese(english: str, chinese: str, allowed: set[str]) -> None:
    """No English word in `chinese` (a usage line is code: the command, its options), and the
    same figures in the same order as `english`."""
    assert english != chinese, english
    words = english_words(re.sub(r"(?m)^用法: .*$", "", chinese), allowed | CHANNELS)
    assert not words, f"English in the Chinese output {sorted(words)}:\n{chinese}"
    assert figures(english) == figures(chinese), (english, chinese)


@pytest.fixture
def drill_roster(tmp_path) -> Path:
    """The drills roster paging through the desk's own channel (no credentials needed)."""
    path = tmp_path / "drills" / "contacts.yaml"
    path.parent.mkdir()
    path.write_text(DRILL_ROSTER.replace("channels: [voice, sms, email]", "channels: [desk]"))
    return path


def test_requests_and_their_chain_read_in_chinese_figure_by_figure(run):
    code, created = run(
        "en", "sr", "new", "--summary", "bill-one rating stopped", "--category", "fault_support",
        "--criterion", "1", "--site", "Shanghai", "--product", "bill-one", "--roster", SAMPLE,
    )  # fmt: skip
    assert code == 0, created
    sr_id = created.split()[0]
    allowed = given_words(SAMPLE, texts=("bill-one rating stopped",))
    for args in (
        ("sr", "list"),
        ("sr", "show", sr_id),
        ("chain", "show", sr_id),
        ("sr", "new", "--summary", "x", "--category", "consultation", "--dry-run",
         "--site", "Shanghai", "--roster", SAMPLE),
    ):  # fmt: skip
        english, chinese, code = both(run, *args)
        assert code == 0, english
        assert_chinese(english, chinese, allowed)
    _, chinese = run("zh", "sr", "show", sr_id)
    assert "时间线:" in chinese and "紧急事件条件 1" in chinese


def test_refusals_of_the_store_and_the_lifecycle_read_in_chinese(run):
    code, created = run("en", "sr", "new", "--summary", "x", "--category", "consultation")
    assert code == 0, created
    sr_id = created.split()[0]
    for args, english_says in (
        (("sr", "close", sr_id), "cannot close"),
        (("sr", "show", "SR-20991231-9999"), "no request"),
        (("sr", "show", "SR-1"), "is not a request id"),
        (("sr", "note", sr_id, " "), "must not be empty"),
    ):
        english, chinese, code = both(run, *args)
        assert code == 2 and english_says in english, english
        assert_chinese(english, chinese, set())


def test_a_name_or_a_phone_the_roster_does_not_know_is_refused_in_chinese(run):
    new = ("sr", "new", "--summary", "x", "--category", "consultation", "--roster", SAMPLE)
    for args, english_says in (
        (("--owner-unit", "tacx"), "no unit or product line 'tacx'"),
        (("--site", "Shanghia"), "no site 'Shanghia'"),
        (("--reporter-phone", "12"), "(international form starting with +, or a number of"),
    ):
        english, chinese, code = both(run, *new, *args)
        assert code == 2 and english_says in english, english
        region = {"CN"}  # the CSC's country, an ISO 3166 code
        assert_chinese(english, chinese, given_words(SAMPLE, texts=args) | region)


def test_a_wrong_import_file_is_told_line_by_line_in_chinese(run, tmp_path):
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('not json\n{"id": "SR-20261124-0001", "summary": 5}\n')
    english, chinese, code = both(run, "sr", "import", wrong)
    assert code == 2 and "summary: must be text, not a number" in english
    assert f"{wrong}:2: summary: 必须是文本,不能是数字" in chinese
    fields = {"line", "received", "category", "summary"}  # the file's field names
    said_by_json = {"invalid", "literal", "expected", "value"}  # orjson, quoted as it said it
    assert_chinese(english, chinese, fields | said_by_json)


def test_a_new_request_says_what_it_started_in_chinese(run):
    args = ("sr", "new", "--summary", "core down", "--category", "fault_support",
            "--criterion", "2", "--site", "Shanghai", "--product", "bill-one", "--roster", SAMPLE)  # fmt: skip
    english, chinese, code = both(run, *args)
    assert code == 0
    assert "Red Flag opened" in english and "已开启红旗" in chinese
    first, second = english.split()[0], chinese.split()[0]  # two requests: two ids
    assert_chinese(english.replace(first, "SR"), chinese.replace(second, "SR"), given_words(SAMPLE))


def test_a_drill_dry_run_and_its_report_in_chinese(run, drill_roster):
    allowed = given_words(drill_roster)
    english, chinese, code = both(
        run, "drill", "run", "drill-pl-core", "--dry-run", "--at", "2026-11-24T22:00+08:00",
        "--roster", drill_roster,
    )  # fmt: skip
    assert code in (0, 1)
    assert "dry run: nothing is sent" in english and "预演" in chinese
    assert_chinese(english, chinese, allowed)

    started = [
        run("en", "drill", "run", "drill-pl-core", "--no-wait", "--json", "--roster", drill_roster)
        for _ in range(2)
    ]
    first, second = (json.loads(out[out.index("{") :])["sr"] for _, out in started)
    abort = ("--roster", drill_roster, "--as", "alice")  # a dispatcher of the roster
    code, english = run("en", "drill", "abort", first, *abort)
    assert code == 0, english
    code, chinese = run("zh", "drill", "abort", second, *abort)
    assert code == 0, chinese
    assert_chinese(english.replace(first, "SR"), chinese.replace(second, "SR"), allowed)
    english, chinese, code = both(run, "drill", "abort", first, *abort)
    assert code == 2 and "was already aborted" in english  # a refusal from the engine
    assert_chinese(english, chinese, allowed)
    sr_id = first
    english, chinese, code = both(run, "drill", "report", sr_id, "--roster", drill_roster)
    assert code == 1  # aborted: failed
    assert "# Drill" in english and "# 演练" in chinese and "## 需要修正" in chinese
    assert_chinese(english, chinese, allowed)
    # the report's own --lang chooses for the report alone
    _, report = run("en", "drill", "report", sr_id, "--lang", "zh", "--roster", drill_roster)
    assert report == chinese


def test_a_broken_roster_is_reported_in_chinese_with_its_file_line_and_field(run, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(SAMPLE.read_text().replace("channels: [sms", "channels: [emial", 1))
    assert broken.read_text() != SAMPLE.read_text()
    english, chinese, code = both(run, "roster", "check", broken)
    assert code == 2
    assert "no such channel; did you mean" in english and "没有此通道" in chinese
    assert f"{broken}:" in chinese  # the file, line and field stay as they are
    assert_chinese(english, chinese, given_words(SAMPLE) | {"emial"})


def test_the_proof_of_a_roster_with_a_hole_reads_in_chinese(run, drill_roster):
    # 08:00 in Shanghai, the CSC's zone in which a time without an offset is read: whole nights
    english, chinese, code = both(
        run, "roster", "check", drill_roster, "--from", "2026-11-23T08:00", "--days", "14"
    )
    assert code == 1  # the Sunday night gap
    assert "GAP  br-sh case_handler: no one on call — every Sunday 22:00–01:00" in english
    assert "缺口 br-sh 的现场CASE处理负责人:无人值班 — 每周日 22:00–01:00" in chinese
    zone = {"Asia", "Shanghai"}  # the rotation's time zone, an IANA name
    assert_chinese(english, chinese, given_words(drill_roster) | zone)


def test_usage_errors_are_click_messages_in_chinese(run):
    english, chinese, code = both(run, "sr", "new", "--category", "consultation")
    assert code == 2
    assert "Missing option '--summary'" in english and "缺少选项 '--summary'" in chinese
    assert "--help lists the options" in english and "列出所有选项" in chinese
    assert_chinese(english, chinese, set())
    english, chinese, code = both(run, "sr", "list", "--status", "bogus")
    assert code == 2 and "不是" in chinese
    assert_chinese(english, chinese, set())
    english, chinese, code = both(run, "sr", "lsit")
    assert code == 2 and "没有命令 'lsit'" in chinese
    english, chinese, code = both(run, "--bogus", "sr", "list")  # before --lang is read
    assert code == 2 and "没有选项 '--bogus'" in chinese


def test_the_language_comes_from_the_environment_then_the_desk_then_the_locale(
    run, tmp_path, monkeypatch
):
    runner = CliRunner()
    env = {**NO_PROVIDERS, "DISPATCHER_DATA": str(tmp_path / "data")}
    assert runner.invoke(cli, ["sr", "list"], env=env).output == "no requests\n"
    zh = runner.invoke(cli, ["sr", "list"], env={**env, "DISPATCHER_LANG": "zh"})
    assert zh.output == "没有请求\n"
    config = tmp_path / "config" / "dispatcher"
    config.mkdir(parents=True)
    (config / "desk.toml").write_text('language = "zh"\n')
    assert runner.invoke(cli, ["sr", "list"], env=env).output == "没有请求\n"
    assert runner.invoke(cli, ["--lang", "en", "sr", "list"], env=env).output == "no requests\n"
    (config / "desk.toml").unlink()
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert runner.invoke(cli, ["sr", "list"], env=env).output == "没有请求\n"


# -- every line the command line prints goes through the catalogue --------------------------

PRINTING = {"echo", "secho", "styled", "DispatcherError", "UsageError", "BadParameter", "fail"}


def _literal_english(node: ast.AST) -> list[str]:
    """The English words of the string literals that make up the text `node` builds."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return sorted(english_words(node.value))
    if isinstance(node, ast.JoinedStr):
        return [w for part in node.values for w in _literal_english(part)]
    if isinstance(node, ast.BinOp):
        return _literal_english(node.left) + _literal_english(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_english(node.body) + _literal_english(node.orelse)
    return []  # a call (tr, a function that composes), a name: judged where it is made


def test_no_command_line_text_bypasses_the_catalogue():
    found = []
    for path in sorted((ROOT / "dispatcher" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in PRINTING:
                words = _literal_english(node.args[0])
                if words:
                    found.append(f"{path.name}:{node.lineno}: {words}")
    assert not found, "\n".join(found)
