from click.testing import CliRunner

from dispatcher import __version__
from dispatcher.cli import cli


def test_version_is_printed():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
