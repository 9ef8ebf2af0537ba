"""A name of only blanks names nobody: `--as "  "` or `DISPATCHER_AS=" "` (or set but empty,
which does not fall back to the login name) is refused in one line naming the option or the
variable (exit 2), on every command that takes an actor, before anything is saved; a timeline
entry always names who acted."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from tests.cli.test_named_dispatcher import SAMPLE, emergency, state
from tests.i18n.test_help import command_paths

BLANKS = ("", " ", "  \t ")
__all__ = ["emergency"]  # the fixture, shared with test_named_dispatcher


def _actor_commands() -> list[tuple[str, ...]]:
    """Every command with `--as` (found in the command tree, so a new one is covered)."""
    found = []
    ctx = click.Context(cli, info_name="dispatcher")
    for path in command_paths():
        command: click.Command = cli
        for name in path:
            assert isinstance(command, click.Group)
            command = command.get_command(ctx, name)  # type: ignore[assignment]
        if not isinstance(command, click.Group) and any(
            "--as" in getattr(p, "opts", ()) for p in command.params
        ):
            found.append(path)
    return found


ACTOR_COMMANDS = _actor_commands()


def test_the_commands_with_an_actor_are_found():
    assert {("sr", "ack"), ("chain", "stop"), ("drill", "abort"), ("desk",)} <= set(ACTOR_COMMANDS)
    assert len(ACTOR_COMMANDS) >= 20


@pytest.fixture
def run(tmp_path, monkeypatch, quiet_environ):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(getpass, "getuser", lambda: "csc-jiang-hong")

    def invoke(*args: str, env: dict[str, str] | None = None):
        return CliRunner().invoke(
            cli,
            [*args],
            env={
                **quiet_environ,
                "DISPATCHER_DATA": str(tmp_path / "data"),
                "DISPATCHER_ROSTER": str(SAMPLE),
                **(env or {}),
            },
        )

    return invoke


def _refused(result, option: str) -> None:
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line == f"Error: {option}: must not be empty", line


@pytest.mark.parametrize("path", ACTOR_COMMANDS, ids=" ".join)
def test_every_command_refuses_a_blank_as(run, path):
    for blank in BLANKS:
        _refused(run(*path, "--as", blank), "--as")


@pytest.mark.parametrize(
    "command",
    [
        ("chain", "stop", "{sr}", "--reason", "x"),
        ("sr", "ack", "{sr}"),
        ("sr", "ack", "{sr}", "--by", "Li Na"),
        ("sr", "resolve", "{sr}"),
        ("sr", "note", "{sr}", "hi"),
        ("sr", "reopen", "{sr}", "--reason", "x"),
        ("desk",),
    ],
    ids=" ".join,
)
def test_a_blank_dispatcher_as_is_refused_and_saves_nothing(tmp_path, run, emergency, command):
    args = [part.format(sr=emergency) for part in command]
    for blank in BLANKS:
        _refused(run(*args, env={"DISPATCHER_AS": blank}), "DISPATCHER_AS")
    with Store(tmp_path / "data") as store:
        timeline = RequestRepository(store).timeline(emergency)
    assert all(event.actor.strip() for event in timeline)
    assert [e.kind.value for e in timeline if e.kind.value == "note"] == []
    assert state(tmp_path, emergency) == "running"  # the chain keeps chasing


def test_sr_new_with_an_empty_dispatcher_as_saves_nothing(tmp_path, run):
    """Set but empty is not unset: it never falls back to the login name."""
    new = ("sr", "new", "--summary", "x", "--category", "consultation")
    _refused(run(*new, env={"DISPATCHER_AS": ""}), "DISPATCHER_AS")
    assert "no requests" in run("sr", "list").output
    named = run(*new, "--as", "Xie Ning", env={"DISPATCHER_AS": ""})  # --as wins
    assert named.exit_code == 0, named.output


def test_a_blank_login_name_is_refused(tmp_path, run, emergency, monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "  ")
    result = run("sr", "note", emergency, "hi")
    assert result.exit_code == 2, result.output
    assert "login name is blank" in result.output and "Traceback" not in result.output
    named = run("sr", "note", emergency, "hi", "--as", "  Li Na  ")
    assert named.exit_code == 0, named.output
    with Store(Path(tmp_path / "data")) as store:
        (note,) = [
            e for e in RequestRepository(store).timeline(emergency) if e.kind.value == "note"
        ]
    assert note.actor == "Li Na"
