"""The store's damage in Chinese through the command line: the warning every command repeats,
the refusal of a write, `store check`'s findings and `store repair`'s report; each the same,
figure by figure, as in English, with no English word but file, table and partition names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from tests.cli.test_full_disk import run as full_disk_run
from tests.i18n.english import english_words
from tests.i18n.test_command_line import figures
from tests.store.test_damage import _damage_journal_line

# file, table and partition names, as they are on disk; and the requests' summaries (data)
FILES = {"live", "journal", "snapshot", "counters", "archive", "requests", "events", "txt"}
SUMMARIES = {"request"}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # no ./contacts.yaml
    env = {"DISPATCHER_DATA": str(tmp_path / "data"), "DISPATCHER_LANG": ""}

    def invoke(language: str, *args: object):
        return CliRunner().invoke(cli, ["--lang", language, *map(str, args)], env=env)

    assert invoke("en", "store", "zone", "Asia/Shanghai").exit_code == 0
    return invoke


def both(run, *args: object) -> tuple[str, str, int]:
    english, chinese = run("en", *args), run("zh", *args)
    assert english.exit_code == chinese.exit_code, (english.output, chinese.output)
    return english.output, chinese.output, english.exit_code


def assert_chinese(english: str, chinese: str) -> None:
    assert english != chinese
    words = english_words(chinese, FILES | SUMMARIES)
    assert not words, f"English in the Chinese output {sorted(words)}:\n{chinese}"
    assert figures(english) == figures(chinese), (english, chinese)


def _requests(run, count: int) -> list[str]:
    made = []
    for n in range(count):
        result = run("en", "sr", "new", "--summary", f"request {n}", "--category", "consultation")
        assert result.exit_code == 0, result.output
        made.append(result.stdout.split()[0])
    return made


def test_a_damaged_journal_line_is_warned_refused_checked_and_repaired_in_chinese(run, tmp_path):
    made = _requests(run, 3)
    _damage_journal_line(tmp_path / "data" / "live" / "journal.0", 1)

    english, chinese, code = both(run, "sr", "list")  # the warning every command repeats
    assert code == 0 and "warning: the store is damaged at live/journal.0 line 2" in english
    assert "存储在 live/journal.0 第 2 行 处损坏:校验和不符" in chinese
    assert "请运行 `dispatcher store repair`" in chinese
    assert_chinese(english, chinese)

    english, chinese, code = both(run, "sr", "note", made[0], "called")  # a write refused
    assert code == 2 and "the store is damaged at live/journal.0 line 2;" in english
    assert "存储在 live/journal.0 第 2 行 处损坏;请运行" in chinese
    assert_chinese(english, chinese)

    english, chinese, code = both(run, "store", "check")
    assert code == 1 and "live/journal.0 line 2: checksum mismatch" in english
    assert "live/journal.0 第 2 行:校验和不符" in chinese
    assert_chinese(english, chinese)

    copies = [tmp_path / "copy-en", tmp_path / "copy-zh"]
    english = run("en", "store", "repair", "--into", copies[0]).output
    chinese = run("zh", "store", "repair", "--into", copies[1]).output
    assert f"lost: live/journal.0 line 2 (checksum mismatch); it held {made[1]}" in english
    assert f"丢失:live/journal.0 第 2 行(校验和不符);其中有 {made[1]}" in chinese
    assert_chinese(
        english.replace(str(copies[0]), "/tmp/copy"), chinese.replace(str(copies[1]), "/tmp/copy")
    )
    # the report kept in the copy is a record: in English, whoever ran the repair
    assert "checksum mismatch" in (copies[1] / "REPAIR-REPORT.txt").read_text()


def test_findings_between_records_and_a_lost_snapshot_are_said_in_chinese(run, tmp_path):
    made = _requests(run, 3)
    data = tmp_path / "data"
    old_counters = tmp_path / "counters-before"
    shutil.copytree(data / "counters", old_counters)
    _requests(run, 1)
    journal = data / "counters" / "journal.0"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]))  # the counter loses its last step, intact
    english, chinese, code = both(run, "store", "check")
    assert code == 1 and "but number 4 exists: an id would be handed out twice" in english
    assert "但编号 4 已存在:同一编号会被分配两次" in chinese
    assert_chinese(english, chinese)
    assert made  # the requests stay as they were


def test_the_lost_events_of_a_repaired_timeline_read_in_chinese(run, tmp_path):
    sr_id = _requests(run, 1)[0]
    for text in ("first", "second", "third"):
        assert run("en", "sr", "note", sr_id, text).exit_code == 0
    journal = tmp_path / "data" / "live" / "journal.0"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"second", b"secont")
    journal.write_bytes(b"".join(lines))
    copy = tmp_path / "copy"
    repaired = run("zh", "store", "repair", "--into", copy)
    assert repaired.exit_code == 0, repaired.output
    assert f"丢失:{sr_id} 的第 3 个事件:已在其时间线中标记为丢失" in repaired.output
    shown = run("zh", "sr", "show", sr_id, "--data", copy)
    assert "此事件因 live/journal.0 第 3 行的损坏而丢失" in shown.output, shown.output


def test_a_full_disk_is_said_in_chinese_and_nothing_is_half_written(tmp_path):
    first = full_disk_run(tmp_path, "sr", "new", "--summary", "早", "--category", "consultation")
    assert first.returncode == 0, first.stderr
    journal = max((tmp_path / "live").glob("journal.*"), key=lambda p: p.stat().st_size)
    limit = journal.stat().st_size + 100
    args = ("sr", "new", "--summary", "x" * 2000, "--category", "consultation")
    refused = full_disk_run(tmp_path, "--lang", "zh", *args, file_limit=limit)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "无法保存到" in refused.stderr and "文件过大;此更改未保存" in refused.stderr
    assert not english_words(refused.stderr, FILES), refused.stderr
    english = full_disk_run(tmp_path, "--lang", "en", *args, file_limit=limit)
    assert "file too large; the change was not saved" in english.stderr
    assert figures(english.stderr) == figures(refused.stderr)


def test_checking_where_there_is_no_data_directory_is_said_in_chinese(run, tmp_path):
    english, chinese, code = both(run, "store", "check", "--data", tmp_path / "nothing")
    assert code == 2 and "no data directory there" in english
    assert "那里没有数据目录" in chinese
    assert_chinese(english, chinese)


def test_the_new_id_refusal_the_leftover_note_and_a_failed_repair_read_in_chinese(
    run, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    _requests(run, 2)
    data = tmp_path / "data"
    (data / "live" / "snapshot.tmp").write_bytes(b"half")
    english, chinese, code = both(run, "store", "check")
    assert code == 0 and "live/snapshot.tmp: left by an interrupted compaction" in english
    assert "live/snapshot.tmp:中断的压缩留下的文件" in chinese
    assert_chinese(english, chinese)

    journal = data / "live" / "journal.0"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[1] = b"0badc0de " + b"#" * 80 + b"\n"  # nothing it held can be read
    journal.write_bytes(b"".join(lines))
    shutil.rmtree(data / "counters")
    english, chinese, code = both(run, "store", "zone", "Asia/Shanghai")
    assert code == 2 and "no new id can be handed out" in english
    assert "无法分配新编号:存储在 live/journal.0 第 2 行 处的内容无法读取" in chinese
    assert_chinese(english, chinese)

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dispatcher.store.repair._copy_partition", disk_full)
    monkeypatch.setattr("dispatcher.store.compaction.install_snapshot", disk_full)
    english = run("en", "store", "repair", "--into", tmp_path / "copy")
    chinese = run("zh", "store", "repair", "--into", tmp_path / "copy")
    assert english.exit_code == chinese.exit_code == 2
    assert "cannot repair into" in english.output and "无法修复到" in chinese.output
    assert "磁盘空间已满;未生成任何副本" in chinese.output
    assert_chinese(english.output, chinese.output)
