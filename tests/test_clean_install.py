"""A fresh clone builds every distribution without a warning from the project's own metadata.

Each `pyproject.toml` (the product's and every plugin's) is built into a wheel by pip, with
setuptools' messages shown (`-v`), from a clone of the committed tree; the output must hold
no deprecation or metadata warning, and each wheel must carry the SPDX licence and its file.
"""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# Any warning or deprecation in the build's output; pip's notes about this machine's package
# indexes (a configured folder that does not exist) are the machine's, not the project's.
WARNING = re.compile(r"warn|deprecat", re.IGNORECASE)
MACHINE = re.compile(
    r"^\s*WARNING: Location '\S+' is ignored: it is neither a file nor a directory"
)


def test_every_distribution_builds_from_a_fresh_clone_without_a_metadata_warning(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
        check=True,
        timeout=120,
        cwd=tmp_path,
    )
    sources = [clone, *sorted(p.parent for p in (clone / "plugins").glob("*/pyproject.toml"))]
    assert len(sources) >= 8
    wheels = tmp_path / "wheels"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-v",
            "--no-deps",
            "-w",
            str(wheels),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
        # The machine's own switch, which setuptools reports as a warning at every build.
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    warnings = [
        line for line in output.splitlines() if WARNING.search(line) and not MACHINE.match(line)
    ]
    assert warnings == [], "\n".join(warnings[:20])

    built = sorted(wheels.glob("*.whl"))
    assert len(built) == len(sources)
    for wheel in built:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        text = metadata.decode()
        assert "License-Expression: MIT" in text and "License-File: LICENSE" in text, wheel.name
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), wheel.name
        if wheel.name.startswith("dispatcher-0"):
            assert "dispatcher/py.typed" in names  # the contract's types reach type checkers
