"""`dispatcher sr` as a dispatcher uses it: every command, its JSON, and its refusals."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from tests.store.test_damage import today

SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"


def new_emergency(run):
    return run(
        "sr",
        "new",
        "--summary",
        "Billing lost at the bank",
        "--category",
        "fault_support",
        "--criterion",
        "7",
        "--criterion",
        "9",
        "--customer",
        "Bank of Example",
        "--vip",
        "bank",
        "--site",
        "shanghai",
        "--product",
        "OCS-9000",
        "--as",
        "wang.fang",
        "--json",
    )


def test_new_emergency_gets_a_readable_id_and_a_red_flag(run):
    record = json.loads(new_emergency(run).output)
    assert record["id"] == f"SR-{today()}-0001"
    assert record["severity"] == "critical"
    assert record["red_flag"]["closed"] is None
    second = run("sr", "new", "--summary", "How do I back up", "--category", "consultation")
    assert second.output.strip() == f"SR-{today()}-0002"


def test_show_prints_the_request_and_its_timeline(run):
    new_emergency(run)
    shown = json.loads(run("sr", "show", f"SR-{today()}-0001", "--json").output)
    kinds = [e["kind"] for e in shown["timeline"]]
    assert kinds == ["registered", "red_flag_opened"]
    assert shown["timeline"][0]["actor"] == "wang.fang"
    text = run("sr", "show", f"sr-{today()}-0001").output
    assert "EMERGENCY" in text and "red flag:" in text and "Bank of Example (VIP: bank)" in text


def test_list_filters(run):
    new_emergency(run)
    run(
        "sr",
        "new",
        "--summary",
        "Patch window",
        "--category",
        "planned_service",
        "--site",
        "beijing",
    )

    def ids(*f):
        return [r["id"] for r in json.loads(run("sr", "list", "--json", *f).output)]

    assert len(ids()) == 2
    assert ids("--emergency") == [f"SR-{today()}-0001"]
    assert ids("--category", "planned_service") == [f"SR-{today()}-0002"]
    assert ids("--branch", "SHANGHAI") == [f"SR-{today()}-0001"]
    assert ids("--product", "ocs-9000") == [f"SR-{today()}-0001"]
    assert ids("--status", "acknowledged") == []
    assert ids("--since", "2999-01-01") == []


def test_a_request_goes_through_its_lifecycle_and_moves_to_the_archive(run):
    new_emergency(run)
    sr_id = f"SR-{today()}-0001"
    run("sr", "ack", sr_id, "--by", "Li Na", "--as", "Jiang Hong", "--roster", SAMPLE_ROSTER)
    run("sr", "escalate", sr_id)
    run("sr", "note", sr_id, "TAC on the bridge")
    run("sr", "resolve", sr_id)
    refused = run("sr", "close", sr_id, ok=False)
    assert refused.exit_code == 2
    assert "never called back" in refused.output and "Traceback" not in refused.output
    run("sr", "callback", sr_id, "--outcome", "reached", "--score", "4", "--words", "fine now")
    run("sr", "close", sr_id)
    assert json.loads(run("sr", "list", "--json").output) == []
    closed = json.loads(run("sr", "list", "--all", "--json").output)
    assert [r["status"] for r in closed] == ["closed"]
    shown = json.loads(run("sr", "show", sr_id, "--json").output)
    assert [e["kind"] for e in shown["timeline"]] == [
        "registered",
        "red_flag_opened",
        "acknowledged",
        "escalated",
        "note",
        "resolved",
        "red_flag_closed",
        "callback",
        "closed",
    ]
    assert shown["request"]["level"] == "L2"
    assert shown["timeline"][2]["data"]["by"] == "Li Na (李娜)"  # as the roster shows her
    # a note is still possible on a closed request: corrections are new events
    run("sr", "note", sr_id, "correction: customer was Bank of Example Pudong")
    again = run("sr", "ack", sr_id, "--as", "Jiang Hong", "--roster", SAMPLE_ROSTER, ok=False)
    assert again.exit_code == 2 and "closed" in again.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("sr", "show", "SR-20200101-0009"), "no request SR-20200101-0009"),
        (("sr", "show", "nonsense"), "not a request id"),
        (
            ("sr", "new", "--summary", "x", "--category", "fault_support", "--criterion", "13"),
            "1-12",
        ),
        (("sr", "new", "--summary", "x", "--category", "gossip"), "gossip"),
        (
            (
                "sr",
                "new",
                "--summary",
                "x",
                "--category",
                "consultation",
                "--received",
                "yesterday",
            ),
            "not a time",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run, args, message):
    result = run(*args, ok=False)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_export_then_import_into_another_store_keeps_everything(run, tmp_path):
    new_emergency(run)
    run("sr", "new", "--summary", "Second", "--category", "complaint")
    sr_id = f"SR-{today()}-0001"
    run("sr", "resolve", sr_id)
    run("sr", "callback", sr_id, "--outcome", "reached", "--score", "5")
    run("sr", "close", sr_id)
    out = tmp_path / "history.jsonl"
    run("sr", "export", "--output", out)
    lines = out.read_text().splitlines()
    assert len(lines) == 2
    runner = CliRunner()
    env = {"DISPATCHER_DATA": str(tmp_path / "other")}
    zoneless = runner.invoke(cli, ["sr", "import", str(out)], env=env)
    assert zoneless.exit_code == 2 and "time zone is unknown" in zoneless.output  # ids' days
    assert runner.invoke(cli, ["store", "zone", "Asia/Shanghai"], env=env).exit_code == 0
    imported = runner.invoke(cli, ["sr", "import", str(out)], env=env)
    assert imported.exit_code == 0, imported.output
    assert "imported 2 requests (1 open)" in imported.output
    shown = json.loads(runner.invoke(cli, ["sr", "show", sr_id, "--json"], env=env).output)
    original = json.loads(run("sr", "show", sr_id, "--json").output)
    assert shown == original
    # the day's counter moved past the imported ids
    assert runner.invoke(cli, ["store", "zone", "Asia/Shanghai"], env=env).exit_code == 0
    fresh = runner.invoke(
        cli, ["sr", "new", "--summary", "x", "--category", "consultation"], env=env
    )
    assert fresh.output.strip() == f"SR-{today()}-0003"
    # importing the same file again is refused and writes nothing
    again = runner.invoke(cli, ["sr", "import", str(out)], env=env)
    assert again.exit_code == 2 and "already in the store" in again.output


GOOD = {
    "id": "SR-20261001-0001",
    "received": "2026-10-01T02:00:00+00:00",
    "category": "consultation",
    "summary": "ok",
    "timeline": [],
}


def test_a_bad_import_names_file_line_and_field_and_writes_nothing(run, tmp_path):
    good = GOOD
    bad_severity = dict(good, id="SR-20261001-0002", severity="catastrophic")
    bad_event = dict(good, id="SR-20261001-0003", timeline=[{"at": "2026-10-01", "kind": "x"}])
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join([json.dumps(good), json.dumps(bad_severity), "{oops", json.dumps(bad_event)])
        + "\n"
    )
    result = run("sr", "import", path, ok=False)
    assert result.exit_code == 2
    assert f"{path}:2: severity: must be one of critical, major, minor, info" in result.output
    assert f"{path}:3: (line): not JSON" in result.output
    assert f"{path}:4: timeline[0].at: has no UTC offset" in result.output
    assert f"{path}:4: timeline[0].actor: missing" in result.output
    assert f"{path}:4: timeline[0].kind: must be one of registered, " in result.output
    assert f"{path}: 5 problems; nothing was imported" in result.output
    assert json.loads(run("sr", "list", "--all", "--json").output) == []


def test_import_counts_its_problems_in_each_languages_plural(run, tmp_path):
    """One problem is "1 problem", in English and Chinese alike; an id already in the store
    says that --resume completes an interrupted import, and a resumed one counts in words."""
    good = GOOD
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(dict(good, severity="catastrophic")) + "\n")
    refused = run("sr", "import", path, ok=False)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[-1] == f"Error: {path}: 1 problem; nothing was imported"
    zh = run("--lang", "zh", "sr", "import", path, ok=False)
    assert zh.stderr.splitlines()[-1].endswith(f"{path}:1 个问题;未导入任何内容"), zh.stderr

    path.write_text(json.dumps(good) + "\n")
    assert run("sr", "import", path).exit_code == 0
    again = run("sr", "import", path, ok=False)
    assert again.stderr.splitlines()[-1] == (
        f"Error: {path}: 1 problem; nothing was imported; if an import of this file was "
        "interrupted, run it again with --resume"
    )
    resumed = run("sr", "import", "--resume", path)
    assert "; 1 was already imported" in resumed.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("--site", "Atlantis"), "--site: no site 'Atlantis' in"),
        (("--product", "toaster"), "--product: no product 'toaster' in"),
        (("--product", "msc-9000", "--criterion", "AS-1"), "unknown emergency criterion 'AS-1'"),
    ],
)
def test_with_a_roster_site_product_and_criteria_are_the_rosters(run, args, message):
    result = run(
        "sr",
        "new",
        "--summary",
        "x",
        "--category",
        "fault_support",
        "--roster",
        SAMPLE_ROSTER,
        *args,
        ok=False,
    )
    assert result.exit_code == 2 and message in result.output


def test_a_product_line_criterion_makes_an_emergency(run):
    record = json.loads(
        run(
            "sr",
            "new",
            "--summary",
            "Calls failing",
            "--category",
            "fault_support",
            "--roster",
            SAMPLE_ROSTER,
            "--site",
            "jiangsu",
            "--product",
            "msc-9000",
            "--criterion",
            "cn-1",
            "--json",
        ).output
    )
    assert record["criteria"] == ["CN-1"] and record["red_flag"] is not None


def test_the_desk_refuses_a_broken_roster_before_opening(tmp_path):
    broken = tmp_path / "contacts.yaml"
    broken.write_text("units: [\n")
    result = CliRunner().invoke(
        cli, ["desk", "--roster", str(broken), "--data", str(tmp_path / "d")]
    )
    assert result.exit_code == 2
    assert f"{broken}:" in result.output and "Traceback" not in result.output


def test_a_dry_run_shows_whom_the_chain_will_call_and_saves_nothing(run):
    shown = run(
        "sr",
        "new",
        "--summary",
        "Billing lost",
        "--category",
        "fault_support",
        "--roster",
        SAMPLE_ROSTER,
        "--site",
        "Jiangsu",
        "--product",
        "msc-9000",
        "--criterion",
        "7",
        "--received",
        "2026-11-25T03:00+00:00",
        "--dry-run",
    )
    assert "handler: br-shanghai (L1)" in shown.output
    assert "this will call (emergency chain" in shown.output
    # No provider is configured here: every page would go through the desk's relay, and the
    # dry run says so rather than the channels the step asks for.
    assert "step 1:" in shown.output and "by desk, then wait 10 min" in shown.output
    as_json = json.loads(
        run(
            "sr",
            "new",
            "--summary",
            "x",
            "--category",
            "technical_consultation",
            "--roster",
            SAMPLE_ROSTER,
            "--product",
            "otn-3800",
            "--dry-run",
            "--json",
        ).output
    )
    assert as_json["handler"] == "pl-optical" and as_json["chain"] == "consultation"
    assert as_json["steps"][0]["people"]
    assert json.loads(run("sr", "list", "--all", "--json").output) == []
    no_roster = run("sr", "new", "--summary", "x", "--category", "complaint", "--dry-run", ok=False)
    assert no_roster.exit_code == 2 and "--dry-run needs a roster" in no_roster.output
