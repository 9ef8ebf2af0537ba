"""Lines raised below the command line, run through it in both languages: a roster's problems
(its YAML parser's included), refusals of the store and the reports, names the roster does not
know, and the timeline's acknowledgement; each with no English word in Chinese beyond ids,
names, numbers, units and option names, and the same figures as in English."""

from __future__ import annotations

import re

from tests.i18n import test_command_line as command_line
from tests.i18n.test_command_line import SAMPLE, assert_chinese, both, given_words

run = command_line.run  # the fixture: `dispatcher --lang LANG ARGS` on one data directory

# The roster's own keys and values, quoted in its problems as the file spells them.
KEYS = {"to", "from", "covers", "unit", "role", "ten", "mapping"}


def _broken(tmp_path, text: str):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    assert path.read_text() != SAMPLE.read_text()
    return path


def test_each_problem_of_a_roster_is_said_in_chinese_with_its_place(run, tmp_path):
    text = SAMPLE.read_text()
    first_person = text.index("  - id: sh-li-na")
    broken = (
        text.replace("zone: Asia/Shanghai", "zone: Asia/Shanghia", 1)
        .replace("wait_minutes: 10", "wait_minutes: ten", 1)
        .replace("to: 2026-12-25T08:00+08:00", "to: 2026-12-24T19:00+08:00", 1)
        .replace("  - id: sh-wang-qiang", "  - id: sh-li-na", 1)
    )
    assert broken.index("  - id: sh-li-na") == first_person
    path = _broken(tmp_path, broken)
    english, chinese, code = both(run, "roster", "check", path)
    assert code == 2
    for says in (
        "'Asia/Shanghia' is not a known IANA time zone",
        "got 'ten'",
        "duplicate person id 'sh-li-na'",
        "the override is empty: 'to' must be after 'from'",
    ):
        assert says in english, english
    assert "时区" in chinese and "人员编号 'sh-li-na' 重复" in chinese
    assert "临时调班为空:'to' 必须晚于 'from'" in chinese, chinese
    for line in chinese.splitlines():  # each problem keeps its file, line, column and field
        if line.startswith(str(path)):
            assert re.match(rf"{re.escape(str(path))}:\d+:\d+: \S+: ", line), line
    zone = {"Asia", "Shanghia", "Shanghai"}
    assert_chinese(english, chinese, given_words(SAMPLE) | zone | KEYS)


def test_the_yaml_parsers_problems_are_said_in_chinese_at_their_place(run, tmp_path):
    for text, says in (
        ("units: x: y\n", "mapping values are not allowed"),
        ("units:\n\t- x\n", "found character that cannot start any token"),
        ("units: [a, b\n", "did not find expected ',' or ']'"),
        ("units: 'x\n", "found unexpected end of stream"),
        ("units: 1\nunits: 2\n", 'found duplicate key "units"'),
    ):
        english, chinese, code = both(run, "roster", "check", _broken(tmp_path, text))
        assert code == 2 and says in english, english
        assert "(yaml): 不是有效的 YAML:" in chinese, chinese
        assert_chinese(english, chinese, {"units", "yaml"})  # a key, and the place "(yaml)"


def test_a_yaml_problem_no_shape_knows_is_said_in_general_keeping_its_place(run, tmp_path):
    from dispatcher.i18n.shapes import said

    line = "r.yaml:3:1: (yaml): not valid YAML: found a thing no parser says yet"
    assert said(line, "zh") == "r.yaml:3:1: (yaml): 不是有效的 YAML:此处的 YAML 语法有误"


def test_refusals_of_files_and_periods_are_said_in_chinese(run):
    english, chinese, code = both(run, "sr", "import", "/dev/zero")
    assert code == 2 and "not a regular file (a device)" in english, english
    assert "不是普通文件(设备)" in chinese, chinese
    assert_chinese(english, chinese, set())
    for report in ("daily", "monthly"):
        args = ("report", report, "--from", "2026-11-01", "--to", "2026-10-01")
        english, chinese, code = both(run, *args)
        assert code == 2 and "--to must be after --from" in english, english
        assert "--to 必须晚于 --from" in chinese
        assert_chinese(english, chinese, set())


def test_every_kind_of_name_the_roster_does_not_know_is_named_in_chinese(run):
    new = ("sr", "new", "--summary", "x", "--category", "consultation", "--roster", SAMPLE)
    for option, typed, kind in (
        ("--site", "Bejing", "站点"),
        ("--owner-person", "Li Nana", "人员"),
        ("--owner-unit", "tacx", "单位或产品线"),
        ("--product", "bill-zero", "产品"),
    ):
        english, chinese, code = both(run, *new, option, typed)
        assert code == 2 and f"'{typed}'" in english, english
        assert f"没有{kind} '{typed}'" in chinese, chinese
        assert_chinese(english, chinese, given_words(SAMPLE, texts=(typed,)))


def test_an_acknowledgement_on_the_timeline_reads_in_chinese(run):
    code, created = run("en", "sr", "new", "--summary", "x", "--category", "consultation")
    assert code == 0, created
    sr_id = created.split()[0]
    code, said = run("en", "sr", "ack", sr_id, "--by", "Li Na", "--as", "Jiang Hong")
    assert code == 0, said
    english, chinese, code = both(run, "sr", "show", sr_id)
    assert code == 0 and "acknowledged by Li Na" in english
    assert "由 Li Na (李娜) 确认" in chinese and "acknowledged by" not in chinese, chinese
    assert_chinese(english, chinese, given_words(SAMPLE, texts=("Li Na",)))
