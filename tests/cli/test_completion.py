"""Shell completion as a shell asks for it: `_DISPATCHER_COMPLETE` set, the words typed in
COMP_WORDS, in a process of its own; the candidates come from the store, the roster and the
installed plugins."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"
MAIN = "from dispatcher.cli import main; main()"


def complete(tmp_path: Path, words: str, shell: str = "bash", env: dict | None = None) -> list:
    """The candidates the shell would show for `words` (the last word being completed)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    if shell == "fish":  # fish passes the word being completed, not its position
        cword = "" if words.endswith(" ") else words.split()[-1]
    result = subprocess.run(
        [sys.executable, "-c", MAIN],
        env={
            **os.environ,
            "_DISPATCHER_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
            "DISPATCHER_DATA": str(tmp_path / "data"),
            "DISPATCHER_ROSTER": str(SAMPLE),
            **(env or {}),
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    lines = [line for line in result.stdout.splitlines() if line]
    if shell == "zsh":  # type, value, help: three lines a candidate
        return [(lines[i + 1], lines[i + 2]) for i in range(0, len(lines), 3)]
    if shell == "fish":  # type,value<TAB>help
        return [tuple(line.split(",", 1)[1].split("\t")) for line in lines]
    return [line.split(",", 1)[1] for line in lines]


@pytest.fixture
def requests(tmp_path) -> list[str]:
    """Two requests in the store."""
    runner = CliRunner()
    made = []
    for summary in ("Billing records lost", "Core down"):
        result = runner.invoke(
            cli,
            [
                "sr",
                "new",
                "--summary",
                summary,
                "--category",
                "consultation",
                "--roster",
                str(SAMPLE),
            ],
            env={"DISPATCHER_DATA": str(tmp_path / "data")},
        )
        assert result.exit_code == 0, result.output
        made.append(result.stdout.strip())
    return made


def test_request_ids_complete_from_the_store_newest_first_with_their_summaries(tmp_path, requests):
    assert complete(tmp_path, "dispatcher sr show ") == requests[::-1]
    assert complete(tmp_path, "dispatcher chain show sr-", "zsh") == [
        (requests[1], "Core down"),
        (requests[0], "Billing records lost"),
    ]
    assert complete(tmp_path, "dispatcher outbox --sr ") == requests[::-1]


def test_ids_complete_from_the_data_directory_typed_on_the_line_and_never_create_one(
    tmp_path, requests
):
    elsewhere = tmp_path / "elsewhere"
    assert complete(tmp_path, f"dispatcher sr ack --data {elsewhere} ") == []
    assert not elsewhere.exists()
    assert complete(tmp_path, f"dispatcher sr ack --data {tmp_path / 'data'} S") == requests[::-1]


def test_people_complete_by_id_and_by_the_name_people_type(tmp_path):
    assert complete(tmp_path, "dispatcher notify test sh-l", "zsh") == [
        ("sh-li-na", "Li Na (李娜)")
    ]
    by_name = complete(tmp_path, "dispatcher roster override add --person wang", "zsh")
    assert ("sh-wang-qiang", "Wang Qiang (王强)") in by_name
    assert complete(tmp_path, "dispatcher sr list --person 李") == ["sh-li-na"]


def test_units_sites_products_and_chains_complete_from_the_roster(tmp_path):
    assert complete(tmp_path, "dispatcher roster oncall --unit br-") == [
        "br-shanghai",
        "br-beijing",
        "br-guangzhou",
    ]
    assert complete(tmp_path, "dispatcher sr new --site Sh") == ["Shanghai"]
    assert complete(tmp_path, "dispatcher sr list --product msc") == ["msc-9000"]
    assert complete(tmp_path, "dispatcher chain start SR-1 --chain em") == ["emergency"]


def test_scenarios_complete_from_the_roster_and_drills_yaml(tmp_path):
    (tmp_path / "drills.yaml").write_text(
        "scenarios:\n  - {id: core-night, name: Softswitch down, site: Shanghai, "
        "product: msc-9000}\n"
    )
    roster = tmp_path / "contacts.yaml"
    roster.write_bytes(SAMPLE.read_bytes())
    found = complete(tmp_path, "dispatcher drill run ", "fish", {"DISPATCHER_ROSTER": str(roster)})
    assert ("core-night", "Softswitch down") in found
    assert ("drill-pl-core", "MSC 9000 Softswitch down in Shanghai (Core Network)") in found


def test_channels_complete_from_the_installed_plugins(tmp_path):
    channels = complete(tmp_path, "dispatcher notify test sh-li-na --channel ")
    assert {"desk", "sms", "voice", "email", "webhook"} <= set(channels)
    assert complete(tmp_path, "dispatcher outbox retry 1 --channel de") == ["desk"]


def test_a_broken_roster_completes_nothing_rather_than_fail(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("people: [")
    assert complete(tmp_path, f"dispatcher roster oncall --roster {broken} --unit ") == []


@pytest.mark.parametrize(
    "shell, mark", [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --no-files")]
)
def test_each_shell_gets_its_script_from_the_documented_line(shell, mark):
    script = subprocess.run(
        [sys.executable, "-c", MAIN],
        env={**os.environ, "_DISPATCHER_COMPLETE": f"{shell}_source"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert script.returncode == 0 and mark in script.stdout and "dispatcher" in script.stdout
