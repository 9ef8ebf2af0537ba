"""Every file in broken/ has one mistake: `roster check` exits 2 with one line that names the
file, the line marked `# <-`, and the field path given in the file's `# expect:` header."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def test_the_corpus_has_at_least_25_different_mistakes():
    assert len(BROKEN) >= 25
    assert len({p.read_text().splitlines()[0] for p in BROKEN}) >= 25


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_a_broken_roster_exits_2_naming_line_and_field(path: Path, tmp_path: Path):
    lines = path.read_text().splitlines()
    expected_field = lines[0].removeprefix("# expect: ")
    marked_line = next(n for n, line in enumerate(lines, start=1) if line.endswith("# <-"))

    result = CliRunner().invoke(
        cli, ["roster", "check", str(path), "--data", str(tmp_path / "none")]
    )

    assert result.exit_code == 2, result.output
    error_lines = result.stderr.strip().splitlines()
    assert len(error_lines) == 1, result.stderr
    pattern = rf"^Error: {re.escape(str(path))}:{marked_line}:\d+: {re.escape(expected_field)}: \S"
    assert re.match(pattern, error_lines[0]), error_lines[0]
