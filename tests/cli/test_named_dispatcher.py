"""Nobody but a named dispatcher ends a chain from the command line (PROMISES 1, 3), or records
a page on the desk relayed (PROMISES 2): the actor of every command that acknowledges, stops,
aborts or resolves away a running chain, or relays a page (`--as`,
else $DISPATCHER_AS, else the login name) must be a person of the roster, found by id, name or
Chinese name as `--by` is; anyone else is refused in one line naming `--as` (exit 2), and the
chain keeps chasing. `chain show` says who stopped a chain."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


@pytest.fixture
def run(tmp_path, monkeypatch, quiet_environ):
    monkeypatch.chdir(tmp_path)  # no contacts.yaml at the default path
    monkeypatch.setattr(getpass, "getuser", lambda: "night-login")  # nobody of the roster

    def invoke(*args: str, env: dict[str, str] | None = None, lang: str = "en"):
        roster = ("--roster", str(SAMPLE)) if args[:2] != ("chain", "show") else ()
        return CliRunner().invoke(
            cli,
            ["--lang", lang, *args, *roster, "--data", str(tmp_path / "data")],
            env={**quiet_environ, **(env or {})},
        )

    return invoke


@pytest.fixture
def emergency(run) -> str:
    new = run(
        "sr", "new", "--summary", "Softswitch down", "--category", "fault_support",
        "--site", "Beijing", "--product", "msc-9000", "--criterion", "1", "--customer", "C",
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    return new.stdout.strip()


def state(tmp_path: Path, sr_id: str) -> str:
    with Store(tmp_path / "data") as store:
        return CalloutRepository(store).get(sr_id).run.state.value


def refused_in_one_line(result, typed: str) -> None:
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: --as: no person '{typed}' in "), line
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ("sr", "ack"),
        ("sr", "ack", "--by", "Li Na"),  # recording for a paged person: the recorder is named too
        ("chain", "stop", "--reason", "x"),
        ("sr", "resolve"),
    ],
)
def test_a_stranger_ends_no_chain(tmp_path, run, emergency, command):
    group, name, *options = command
    for typed in ("Evil Stranger", "Random Person"):
        refused_in_one_line(run(group, name, emergency, *options, "--as", typed), typed)
        assert state(tmp_path, emergency) == "running"  # the chain keeps chasing
    by_env = run(group, name, emergency, *options, env={"DISPATCHER_AS": "Evil Stranger"})
    refused_in_one_line(by_env, "Evil Stranger")
    login = run(group, name, emergency, *options)
    refused_in_one_line(login, "night-login")
    assert "DISPATCHER_AS" in login.output  # says how to name yourself
    assert state(tmp_path, emergency) == "running"


def test_a_named_dispatcher_stops_it_and_chain_show_says_who(tmp_path, run, emergency):
    stopped = run(
        "chain", "stop", emergency, "--reason", "engineer on site",
        env={"DISPATCHER_AS": "江红"},
    )  # fmt: skip
    assert stopped.exit_code == 0, stopped.output
    assert state(tmp_path, emergency) == "stopped"
    shown = run("chain", "show", emergency)
    assert "stopped by Jiang Hong (江红): engineer on site" in shown.output
    as_json = json.loads(run("chain", "show", emergency, "--json").output)
    assert as_json["stopped_by"] == "Jiang Hong (江红)"
    zh = run("chain", "show", emergency, lang="zh")
    assert "Jiang Hong (江红)" in zh.output and "stopped by" not in zh.output


def test_the_dispatcher_acting_acknowledges_by_id(tmp_path, run, emergency):
    acked = run("sr", "ack", emergency, "--as", "csc-jiang-hong")
    assert acked.exit_code == 0, acked.output
    assert f"{emergency} acknowledged by Jiang Hong (江红)" in acked.output
    assert state(tmp_path, emergency) == "acknowledged"


def test_resolving_a_request_without_a_running_chain_needs_no_roster_name(run, emergency):
    stopped = run("chain", "stop", emergency, "--reason", "on site", "--as", "Xie Ning")
    assert stopped.exit_code == 0, stopped.output
    resolved = run("sr", "resolve", emergency, "--as", "night clerk")
    assert resolved.exit_code == 0, resolved.output


def test_a_drill_is_aborted_only_by_a_named_dispatcher(tmp_path, run):
    started = run("drill", "run", "drill-pl-core", "--no-wait")
    assert started.exit_code == 0, started.output
    drill = started.stdout.strip().splitlines()[-1]
    refused_in_one_line(run("drill", "abort", drill, "--as", "Evil Stranger"), "Evil Stranger")
    assert state(tmp_path, drill) == "running"
    followed = run("drill", "run", "drill-pl-core", "--as", "Random Person")
    refused_in_one_line(followed, "Random Person")  # Ctrl-C would stop it: refused before
    aborted = run("drill", "abort", drill, "--as", "Xie Ning")
    assert aborted.exit_code == 0, aborted.output
    assert state(tmp_path, drill) == "stopped"


def test_the_desk_opens_only_for_a_person_of_the_roster(tmp_path, run):
    refused_in_one_line(run("desk", "--as", "Evil Stranger"), "Evil Stranger")
    login = run("desk")
    refused_in_one_line(login, "night-login")


def test_only_a_person_of_the_roster_records_a_page_relayed(
    tmp_path, run, emergency, quiet_environ
):
    """`outbox relay` names who phoned the page through: a stranger, the login name or no
    roster to check against is refused in one line, and the page stays on the desk."""
    from dispatcher.domain.outbox import DeliveryState
    from dispatcher.store.outbox import OutboxRepository
    from tests.cli.test_grammar import _engine_pass

    _engine_pass(tmp_path / "data", SAMPLE, quiet_environ)  # pages the chain: to the desk
    with Store(tmp_path / "data") as store:
        page = next(r for r in OutboxRepository(store).all() if r.channel == "desk")
    number = str(page.id)
    refused_in_one_line(run("outbox", "relay", number, "--as", "Mallory Nobody"), "Mallory Nobody")
    by_env = run("outbox", "relay", number, env={"DISPATCHER_AS": "Mallory Nobody"})
    refused_in_one_line(by_env, "Mallory Nobody")
    login = run("outbox", "relay", number)
    refused_in_one_line(login, "night-login")
    assert "DISPATCHER_AS" in login.output
    no_roster = CliRunner().invoke(
        cli,
        ["outbox", "relay", number, "--as", "Xie Ning", "--data", str(tmp_path / "data")],
        env=quiet_environ,
    )
    assert no_roster.exit_code == 2, no_roster.output
    (line,) = no_roster.output.strip().splitlines()
    assert line.startswith("Error: --as: ") and "roster" in line, line
    with Store(tmp_path / "data") as store:
        assert OutboxRepository(store).get(page.id).state is DeliveryState.SENT
    shown = run("chain", "show", emergency)
    assert shown.exit_code == 0 and "on the desk, to relay" in shown.output, shown.output
    assert "relayed by" not in shown.output

    done = run("outbox", "relay", number, "--as", "Xie Ning")
    assert done.exit_code == 0, done.output
    assert "relayed by Xie Ning (谢宁)" in done.output
    assert "relayed by Xie Ning (谢宁) at" in run("chain", "show", emergency).output
