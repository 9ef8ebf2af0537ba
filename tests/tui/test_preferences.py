"""The desk remembers its user's language and theme across restarts, in the user config folder."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dispatcher.preferences import (
    FILE_NAME,
    Preferences,
    PreferencesError,
    config_dir,
    desk_language,
)
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.app import NIGHT_THEMES, DeskApp
from tests.tui.conftest import SIZE


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    return tmp_path / "config"


async def test_language_and_theme_chosen_at_the_desk_come_back_next_run(desk, config_home, settle):
    path = config_dir() / FILE_NAME
    assert path.parent == config_home / "dispatcher" and not path.exists()

    app = DeskApp(desk, desk_language(path)[0], preferences_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")  # the other language
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        chosen_theme = app.theme

    assert chosen_theme == NIGHT_THEMES[1]
    assert Preferences.read(path) == Preferences("zh", chosen_theme)

    again = DeskApp(desk, desk_language(path)[0], preferences_path=path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert (again.language, again.theme) == ("zh", chosen_theme)
        assert "夜班调度台" in again.title


def test_a_broken_file_is_one_line_and_the_locale_decides(config_home):
    path = config_dir() / FILE_NAME
    path.parent.mkdir(parents=True)
    path.write_text('theme = "nord"\nlanguage = "fr"\n', encoding="utf-8")

    language, problem = desk_language(path)

    assert language == "en"
    assert problem.startswith(f"{path}:2: language:") and "\n" not in problem
    path.write_text("language = \n", encoding="utf-8")
    with pytest.raises(PreferencesError, match=f"^{path}: .*line 1"):
        Preferences.read(path)


def test_the_desk_command_opens_in_the_remembered_language(config_home, monkeypatch, tmp_path):
    from dispatcher.cli import cli

    Preferences("zh", "nord").write(config_dir() / FILE_NAME)
    opened = []
    monkeypatch.setattr(DeskApp, "run", lambda app: opened.append((app.language, app.theme)))

    result = CliRunner().invoke(
        cli,
        ["desk", "--roster", "contacts.yaml", "--data", str(tmp_path / "data")],
        env={"DISPATCHER_AS": "Jiang Hong"},  # who sits there: a person of the roster
    )

    assert result.exit_code == 0, result.output
    assert opened == [("zh", "nord")]


def test_a_file_in_another_encoding_is_one_line(config_home):
    path = config_dir() / FILE_NAME
    path.parent.mkdir(parents=True)
    path.write_bytes('language = "zh"\n# 夜班\n'.encode("gb18030"))

    with pytest.raises(PreferencesError, match=f"^{path}: cannot be read: not UTF-8 text$"):
        Preferences.read(path)


async def test_a_chinese_desk_says_in_chinese_why_its_choice_was_not_saved(desk, tmp_path, settle):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    path = blocker / FILE_NAME  # its folder is a file: the save fails (root or not)

    app = DeskApp(desk, "zh", preferences_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot_wait_for(
            pilot,
            lambda: any("无法保存" in n.message for n in app._notifications),
            what="the failed save named",
            describe=lambda: str([n.message for n in app._notifications]),
        )
        [said] = [n.message for n in app._notifications if "无法保存" in n.message]
    assert said == f"{path}:无法保存:文件已存在"  # its folder cannot be made: a file is there
