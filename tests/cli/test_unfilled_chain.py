"""A request without the site or product its chain names units through: the chain starts (an
emergency pages whom it can), the dispatcher is told whom it cannot page, and `roster check`
says its proof covers requests that give them."""

from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


def run(tmp_path: Path, *args: str):
    env = {"DISPATCHER_DATA": str(tmp_path / "data")}
    return CliRunner().invoke(cli, [*args, "--roster", str(SAMPLE)], env=env)


def test_a_consultation_without_a_product_says_its_line_is_not_paged(tmp_path):
    result = run(tmp_path, "sr", "new", "--summary", "How to set X", "--category", "consultation")
    assert result.exit_code == 0, result.output
    assert "call-out: the consultation chain started" in result.stderr
    assert (
        "the consultation chain pages product_line_interface of $product_line through the "
        "request's product: none was given, so they are not paged"
    ) in result.stderr


def test_an_emergency_without_a_site_pages_whom_it_can_and_says_whom_not_in_chinese(tmp_path):
    result = run(
        tmp_path, "--lang", "zh", "sr", "new", "--summary", "Core down",
        "--category", "fault_support", "--product", "msc-9000", "--criterion", "1",
        "--customer", "China Example",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "emergency 呼叫链通过请求的站点呼叫" in result.stderr
    assert "未填写站点,因此不会呼叫他们" in result.stderr
    assert "product" not in result.stderr  # the product was given


def test_a_complete_request_is_told_nothing_more(tmp_path):
    result = run(
        tmp_path, "sr", "new", "--summary", "Core down", "--category", "fault_support",
        "--site", "Shanghai", "--product", "msc-9000",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "not paged" not in result.stderr


def test_roster_check_names_the_chains_its_proof_assumes_a_site_and_product_for(tmp_path):
    result = CliRunner().invoke(
        cli, ["roster", "check", str(SAMPLE), "--data", str(tmp_path / "none")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "NOTE the proof covers requests that give the site and product their chain names "
        "units through (emergency, fault, fault-critical, consultation)"
    ) in result.output
