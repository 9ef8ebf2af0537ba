"""Only the people paged, or a named dispatcher, can stop a chain (PROMISES 3): `sr ack --by`
takes a person of the roster, found as every command finds one, and refuses anyone else in
one line with the nearest names; without `--by` the dispatcher acting (`--as`) acknowledges.
The same holds for every option that records a person (`--person`, `--owner-person`)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import Purpose
from dispatcher.engine.clock import SystemClock
from dispatcher.engine.runtime import Engine
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.requests import RequestRepository

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"
NO_PROVIDERS = {
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_FROM": "",
    "SMTP_HOST": "",
    "DISPATCHER_WEBHOOK_URL": "",
    "DISPATCHER_ROSTER": "",
}


def dispatcher(tmp_path: Path, *args: str, roster: bool = True):
    extra = ["--roster", str(SAMPLE)] if roster else []
    return CliRunner().invoke(
        cli, [*args, *extra, "--data", str(tmp_path / "data")], env=NO_PROVIDERS
    )


@pytest.fixture
def paged(tmp_path, monkeypatch) -> str:
    """An emergency of the sample roster whose first step the engine has paged."""
    monkeypatch.chdir(tmp_path)  # no contacts.yaml at the default path
    new = dispatcher(
        tmp_path,
        "sr", "new", "--summary", "Billing records lost", "--category", "fault_support",
        "--customer", "Bank of Example", "--site", "Shanghai", "--product", "msc-9000",
        "--criterion", "7", "--as", "wang.fang",
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    sr_id = new.stdout.strip()

    async def one_pass() -> None:
        with Store(tmp_path / "data") as store:
            plugins = PluginManager(environ=NO_PROVIDERS, store=store).load()
            engine = Engine(store, load_roster(SAMPLE), plugins, SystemClock())
            await engine.tick()
            await engine.aclose()

    asyncio.run(one_pass())
    return sr_id


def chain_state(tmp_path: Path, sr_id: str) -> str:
    with Store(tmp_path / "data") as store:
        return CalloutRepository(store).get(sr_id).run.state.value


def test_a_stranger_cannot_acknowledge(tmp_path, paged):
    refused = dispatcher(tmp_path, "sr", "ack", paged, "--by", "Random Stranger")
    assert refused.exit_code == 2
    (line,) = refused.output.strip().splitlines()
    assert line.startswith("Error: --by: no person 'Random Stranger' in ")
    assert "Traceback" not in refused.output
    assert chain_state(tmp_path, paged) == "running"  # the chain keeps chasing
    with Store(tmp_path / "data") as store:
        timeline = RequestRepository(store).timeline(paged)
        assert not any("Stranger" in e.text for e in timeline)

    near = dispatcher(tmp_path, "sr", "ack", paged, "--by", "Li Nah")
    assert near.exit_code == 2 and "nearest: Li Na (李娜) (sh-li-na)" in near.output

    # Without a roster there is nothing to check the name against: refused, not taken as typed.
    blind = dispatcher(tmp_path, "sr", "ack", paged, "--by", "Li Na", roster=False)
    assert blind.exit_code == 2 and "cannot be checked without a roster" in blind.output
    assert chain_state(tmp_path, paged) == "running"

    zh = CliRunner().invoke(
        cli,
        ["--lang", "zh", "sr", "ack", paged, "--by", "Random Stranger", "--roster", str(SAMPLE),
         "--data", str(tmp_path / "data")],
        env=NO_PROVIDERS,
    )  # fmt: skip
    assert zh.exit_code == 2 and "Random Stranger" in zh.output and "no person" not in zh.output


def test_a_roster_person_acknowledges_and_the_others_are_told_by_their_name(tmp_path, paged):
    acked = dispatcher(tmp_path, "sr", "ack", paged, "--by", "li na", "--as", "csc-jiang-hong")
    assert acked.exit_code == 0, acked.output
    assert f"{paged} acknowledged by Li Na (李娜); its emergency chain stopped" in acked.output
    assert chain_state(tmp_path, paged) == "acknowledged"
    with Store(tmp_path / "data") as store:
        (event,) = [e for e in RequestRepository(store).timeline(paged) if e.kind == "acknowledged"]
        assert event.actor == "Jiang Hong (江红)" and event.data["by"] == "Li Na (李娜)"
        told = [
            r for r in OutboxRepository(store).for_sr(paged) if r.purpose == Purpose.STATUS_UPDATE
        ]
        assert told and all(r.person != "sh-li-na" for r in told)


def test_the_dispatcher_acting_acknowledges_without_by(tmp_path, paged):
    acked = dispatcher(tmp_path, "sr", "ack", paged, "--as", "江红", "--json")
    assert acked.exit_code == 0, acked.output
    assert json.loads(acked.output)["callout"]["acknowledged_by"] == "Jiang Hong (江红)"
    assert chain_state(tmp_path, paged) == "acknowledged"


def test_every_option_that_records_a_person_takes_only_the_roster(tmp_path, paged):
    assign = dispatcher(tmp_path, "sr", "assign", paged, "--person", "Random Stranger")
    assert assign.exit_code == 2 and "--person: no person 'Random Stranger'" in assign.output
    blind = dispatcher(tmp_path, "sr", "assign", paged, "--person", "Li Na", roster=False)
    assert blind.exit_code == 2 and "cannot be checked without a roster" in blind.output
    for command in ("sr", "complaint"):
        new = dispatcher(
            tmp_path,
            command, "new", "--summary", "Slow portal", "--customer", "Bank of Example",
            "--owner-person", "Random Stranger",
            *(("--category", "consultation") if command == "sr" else ("--about", "portal")),
        )  # fmt: skip
        assert new.exit_code == 2, new.output
        assert "--owner-person: no person 'Random Stranger'" in new.output
