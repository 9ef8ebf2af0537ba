"""The same failure reads the same way on every command, in Chinese as in English (PROMISES 7):
an operating system's reason is worded in one place (`dispatcher.store.journal.reason`) and
said from the catalogue, and an argument is named in a refusal as its `--help` names it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from tests.i18n.english import english_words

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "contacts.yaml"


@pytest.fixture
def run(tmp_path, quiet_environ):
    def invoke(language: str, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            cli,
            ["--lang", language, *args],
            env={**quiet_environ, "DISPATCHER_DATA": str(tmp_path / "data")},
            prog_name="dispatcher",
        )
        return result.exit_code, result.output

    return invoke


def test_a_file_that_is_not_there_reads_alike_on_every_command(run, tmp_path):
    missing = tmp_path / "nowhere"
    said = {}
    for language in ("en", "zh"):
        for args in (
            ("sr", "import", f"{missing}.jsonl"),
            ("roster", "check", f"{missing}.yaml"),
            ("drill", "scenarios", "--roster", f"{missing}.yaml"),
        ):
            code, output = run(language, *args)
            assert code == 2, output
            (line,) = output.strip().splitlines()
            said.setdefault(language, []).append(line)
    for line in said["en"]:
        assert "cannot read: no such file or directory" in line, line
    for line in said["zh"]:
        assert "无法读取:文件或目录不存在" in line, line
        assert not english_words(line.replace(str(tmp_path), "").replace("(file)", "")), line


def test_a_directory_given_as_a_file_is_said_in_chinese(run, tmp_path):
    code, output = run("zh", "roster", "check", str(tmp_path))
    said = output.replace(str(tmp_path), "").replace("(file)", "")
    assert code == 2 and "目录" in said and not english_words(said), output


@pytest.mark.parametrize(
    "args, english, chinese",
    [
        (("notify", "test", "nobody", "--roster", str(SAMPLE)), "'PERSON'", "'人员'"),
        (("store", "zone", "Mars/Base"), "'[ZONE]'", "'[时区]'"),
    ],
)
def test_an_argument_is_named_in_a_refusal_as_its_help_names_it(run, args, english, chinese):
    code, said_en = run("en", *args)
    assert code == 2 and english in said_en, said_en
    code, said_zh = run("zh", *args)
    assert code == 2 and chinese in said_zh and english not in said_zh, said_zh
    _, helped = run("zh", *args[:2], "--help")
    assert chinese.strip("'") in helped


def test_no_command_types_out_an_arguments_english_name():
    """Our own refusals name an argument through `help.shown_name`, never as a literal."""
    typed_out = re.compile(r"""["']'\[?[A-Z][A-Z_]+\]?'["']|param_hint\s*=\s*["']""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "dispatcher" / "cli").glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if typed_out.search(line)
    ]
    assert not found, found
