"""Chains checked against the installed channels: `roster check` and `drill run --dry-run`
name a misspelt step channel with file, line and the nearest name (exit 2), name disabled
channels with their reason, and pass without credentials when the desk's relay can carry
every step, saying so."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "contacts.yaml"
NO_CREDENTIALS = dict.fromkeys(
    (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM",
        "SMTP_HOST",
        "SMTP_USER",
        "SMTP_PASSWORD",
        "SMTP_FROM",
        "DISPATCHER_WEBHOOK_URL",
        "DISPATCHER_BLOCK_PLUGINS",
    ),
    "",
)


def misspelt(tmp_path: Path) -> tuple[Path, int]:
    """The sample roster with one step channel misspelt; returns it and that line."""
    lines = SAMPLE.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if "channels: [" in line and "email" in line)
    lines[number] = lines[number].replace("email", "emial", 1)
    path = tmp_path / "contacts.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path, number + 1


def run(*args: str):
    return CliRunner().invoke(cli, list(args), env=NO_CREDENTIALS)


def test_roster_check_names_a_misspelt_channel_with_its_line_and_the_nearest_name(tmp_path):
    path, line = misspelt(tmp_path)
    result = run("roster", "check", str(path), "--data", str(tmp_path / "data"))
    assert result.exit_code == 2
    assert f"{path}:{line}: chains." in result.output
    assert "emial: no such channel; did you mean email?" in result.output


def test_a_dry_run_names_a_misspelt_channel_of_its_chain(tmp_path):
    path, _ = misspelt(tmp_path)
    result = run(
        "drill", "run", "drill-pl-core", "--dry-run", "--roster", str(path),
        "--data", str(tmp_path / "data"),
    )  # fmt: skip
    assert result.exit_code == 2 and "did you mean email?" in result.output


def test_without_credentials_the_check_passes_on_the_desk_relay_and_says_so(tmp_path):
    result = run("roster", "check", str(SAMPLE), "--data", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    assert "NOTE channel sms is disabled here: TWILIO_ACCOUNT_SID" in result.output
    assert "every step falls back to the desk's relay" in result.output


def test_a_chains_status_updates_must_be_true_or_false(tmp_path):
    import pytest

    from dispatcher.roster import load_roster
    from dispatcher.roster.errors import RosterError

    text = (ROOT / "tests" / "engine" / "night.yaml").read_text()
    path = tmp_path / "contacts.yaml"
    path.write_text(text.replace("status_updates: true", "status_updates: maybe"))
    line = next(
        n for n, row in enumerate(path.read_text().splitlines(), 1) if "status_updates" in row
    )
    with pytest.raises(RosterError) as raised:
        load_roster(path)
    assert raised.value.errors == [
        f"{path}:{line}:21: chains[3].status_updates: expected true or false, got 'maybe'"
    ]
    assert (
        load_roster(ROOT / "tests" / "engine" / "night.yaml").chains["twice-named"].status_updates
    )
