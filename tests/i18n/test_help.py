"""Every command's `--help` in Chinese: the docstrings, option and argument help, metavars,
usage line and click's type words, with no English word but option names, typed choices,
command names, ids and units; laid out by the width Chinese takes on a terminal."""

from __future__ import annotations

import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from dispatcher.cli import cli
from dispatcher.cli.help import wrap
from tests.i18n.english import english_words
from tests.i18n.test_command_line import figures


def command_paths(group: click.Group = cli, path: tuple[str, ...] = ()):
    """Every command below `group`, as the words typed to reach it."""
    ctx = click.Context(group, info_name="dispatcher")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*path, name))


def typed_words(path: tuple[str, ...]) -> set[str]:
    """What may stay in Latin letters in a help: the command names (the usage line and the
    list of subcommands), and the choices and defaults of the command's options, as typed."""
    words = {word for command in command_paths() for word in command}
    ctx = click.Context(cli, info_name="dispatcher")
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(ctx, name)
    assert command is not None
    for param in command.params:
        # a flag's default is shown as its option's name: [默认:wait]
        typed = [*getattr(param.type, "choices", ()), param.default, *param.opts]
        words |= {w for value in typed for w in re.findall(r"[A-Za-z]+", str(value))}
    return words


def help_of(language: str, *path: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(
        cli, ["--lang", language, *path, "--help"], env=env, prog_name="dispatcher"
    )
    assert result.exit_code == 0, result.output
    return result.output


PATHS = sorted(command_paths())


@pytest.mark.parametrize("path", [(), *PATHS], ids=lambda path: " ".join(path) or "dispatcher")
def test_every_help_reads_in_chinese(path):
    chinese = help_of("zh", *path)
    english = help_of("en", *path)
    assert chinese != english
    words = english_words(chinese, typed_words(path))
    assert not words, (
        f"English in `dispatcher --lang zh {' '.join(path)} --help`: {sorted(words)}\n{chinese}"
    )
    # the same options, in the same order
    options = re.compile(r"(?m)^  (--?[\w-]+)")
    listed = [options.findall(text.partition(heading)[2]) for text, heading in
              ((chinese, "\n选项:\n"), (english, "\nOptions:\n"))]  # fmt: skip
    assert listed[0] == listed[1] and listed[0]


def test_sr_new_help_in_chinese_under_every_way_of_choosing_the_language():
    by_option = help_of("zh", "sr", "new")
    assert "用法: dispatcher sr new [选项]" in by_option
    assert "登记新的服务请求。" in by_option
    assert (
        "--summary 文本" in by_option and "一行文字:出了什么问题或需要什么。  [必填]" in by_option
    )
    assert "--site 站点" in by_option and "--level [L1|L2|L3]" in by_option
    by_environment = (
        CliRunner()
        .invoke(cli, ["sr", "new", "--help"], env={"DISPATCHER_LANG": "zh"}, prog_name="dispatcher")
        .output
    )
    assert by_environment == by_option
    assert "Register a new service request." in help_of("en", "sr", "new")


def test_help_in_chinese_through_the_installed_command():
    """The real entry point, as a shell runs it."""
    done = subprocess.run(
        [sys.executable, "-c", "from dispatcher.cli import main; main()", "--lang", "zh",
         "store", "check", "--help"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("用法: dispatcher store check [选项]")
    assert "检查每个分区" in done.stdout and "数据目录" in done.stdout


def test_lists_of_commands_show_their_first_chinese_sentence():
    chinese = help_of("zh", "sr")
    assert "用法: dispatcher sr [选项] 命令 [参数]..." in chinese
    assert re.search(r"(?m)^  new\s+登记新的服务请求。$", chinese)


def test_chinese_help_fits_the_terminal_by_display_width():
    chinese = help_of("zh", "roster", "check")
    too_wide = [line for line in chinese.splitlines() if cell_len(line) > 80]
    assert not too_wide, too_wide
    # the definitions start in one column, however wide their terms are
    starts = {cell_len(line) - cell_len(line.lstrip()) for line in chinese.splitlines()
              if line.startswith("                ")}  # fmt: skip
    assert len(starts) == 1, chinese


def test_wrapping_counts_han_characters_as_two_cells_and_keeps_closing_marks():
    lines = wrap("一二三四五,六七八 --roster 十<数据>", 10)
    assert lines == ["一二三四五,", "六七八", "--roster", "十<数据>"]
    assert wrap("one two\n\nthree", 20, "  ", "  ") == ["  one two", "", "  three"]


def test_click_type_words_and_argument_names_are_chinese_in_errors():
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--lang", "zh", "roster", "check", "--days", "many"], prog_name="dispatcher"
    )
    assert result.exit_code == 2
    assert "'many' 不是有效的数值(整数)" in result.output, result.output
    assert not english_words(result.output, {"many"}), result.output
    result = runner.invoke(cli, ["--lang", "zh", "sr", "show"])
    assert result.exit_code == 2 and "缺少参数 '请求编号'" in result.output, result.output
    english = runner.invoke(cli, ["--lang", "en", "roster", "check", "--days", "many"])
    assert "'many' is not a valid integer" in english.output, english.output


def test_the_version_line_is_said_in_the_run_language():
    runner = CliRunner()
    chinese = runner.invoke(cli, ["--lang", "zh", "--version"], prog_name="dispatcher")
    english = runner.invoke(cli, ["--lang", "en", "--version"], prog_name="dispatcher")
    assert chinese.exit_code == english.exit_code == 0
    assert english.output.startswith("dispatcher, version ")
    assert chinese.output.startswith("dispatcher,版本 ")
    assert figures(english.output) == figures(chinese.output)
