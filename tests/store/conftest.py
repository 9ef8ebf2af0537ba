"""Helpers for the store tests: a Store per test, and child processes running small scripts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dispatcher.store import Store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path):
    with Store(data_dir) as opened:
        yield opened


@pytest.fixture
def spawn(tmp_path: Path):
    """Start `python -c`-like children from source text; each is killed at teardown."""
    children: list[subprocess.Popen] = []

    def start(source: str, *args: str, stdin: bool = False) -> subprocess.Popen:
        script = tmp_path / f"child_{len(children)}.py"
        script.write_text(textwrap.dedent(source))
        child = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdout, child.stderr, child.stdin):
            if stream:
                stream.close()
