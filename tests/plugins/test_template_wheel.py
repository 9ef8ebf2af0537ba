"""`plugins/template` as a third party ships it: a wheel, installed with the product's own wheel
into a fresh virtual environment, its tests run there, and a drill paged through it.

The two wheels are built from copies of the sources (nothing is written into the tree) and
found with `--find-links`; the product's dependencies come from the package index (or pip's
cache), which is the one thing this test needs beyond the machine.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dispatcher.testing.waiting import wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "plugins" / "template"
PIP = ("-m", "pip", "--disable-pip-version-check", "--no-input")

# The drills' roster (four case handlers at once, then the product line's interface person),
# every step paged through the plugin; a scenario that asks one acknowledgement in 10 minutes.
DRILL_ROSTER = ROOT / "tests" / "drills" / "drill_night.yaml"
SCENARIO = """
scenarios:
  - id: push-night
    name: Softswitch down, paged by push
    site: Shanghai
    product: msc
    targets: {acknowledged_within: 10m, acknowledged_by_step: 1, reach_rate: none}
"""


def run(*command, cwd, timeout=600, **options) -> subprocess.CompletedProcess:
    """Run `command` in `cwd`, never in the source tree: its dispatcher.egg-info and package
    folder would pass for an installed dispatcher."""
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        **options,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment with the product and the template installed from wheels."""
    work = tmp_path_factory.mktemp("template-wheel")
    product = work / "src" / "dispatcher"
    product.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, product / name)
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    shutil.copytree(ROOT / "dispatcher", product / "dispatcher", ignore=junk)
    template = shutil.copytree(TEMPLATE, work / "src" / "template", ignore=junk)
    wheels = work / "wheels"
    run(
        sys.executable,
        *PIP,
        "wheel",
        "--quiet",
        "--no-deps",
        "-w",
        wheels,
        product,
        template,
        cwd=work,
    )
    env = work / "venv"
    run(sys.executable, "-m", "venv", env, cwd=work)
    run(
        env / "bin" / "python",
        *PIP,
        "install",
        "--quiet",
        "--find-links",
        wheels,
        # By file: an unrelated "dispatcher" 1.0 on the index would win over 0.1.0 by name.
        f"{next(wheels.glob('dispatcher-*.whl'))}[testing]",
        next(wheels.glob("dispatcher_push-*.whl")),
        cwd=work,
    )
    return env


def clean_environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TWILIO_", "SMTP_", "DISPATCHER_", "PUSH_", "PYTHON"))
    }
    return {**env, **extra}


def test_its_tests_pass_where_it_is_installed(venv, tmp_path):
    """Its tests run against the installed module (no copy of it beside them)."""
    shutil.copy(TEMPLATE / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(TEMPLATE / "tests", tmp_path / "tests")
    where = run(
        venv / "bin" / "python",
        "-c",
        "import dispatcher, dispatcher_push; print(dispatcher.__file__, dispatcher_push.__file__)",
        cwd=tmp_path,
    )
    assert where.stdout.count(str(venv)) == 2, where.stdout

    result = run(
        venv / "bin" / "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        cwd=tmp_path,
        env=clean_environment(),
    )
    assert re.search(r"\b2 passed\b", result.stdout), result.stdout


def wait_for_page(http_peer, drill: subprocess.Popen, seconds: float = 120.0) -> list:
    """The first request the peer received, or the drill's own output if it ended first."""
    wait_for(
        lambda: http_peer.requests or drill.poll() is not None,
        timeout=seconds,
        what="the drill's first page at the peer",
    )
    if not http_peer.requests:
        out, err = drill.communicate()
        raise AssertionError(f"the drill ended before paging:\n{out}\n{err}")
    return list(http_peer.requests)


def with_push_topics(roster: str) -> str:
    """The drills' roster, every step paged through the plugin, each person with a push topic
    of their own (a contact method of the kind the plugin declares) first."""
    roster = re.sub(r"channels: \[[a-z, ]+\]", "channels: [push]", roster)
    return re.sub(
        r"\{id: (\w+),([^{}]*?)contacts: \[",
        r"{id: \1,\2contacts: [{kind: push, address: csc-\1}, ",
        roster,
    )


def test_a_drill_pages_through_it(venv, tmp_path, http_peer):
    roster = tmp_path / "contacts.yaml"
    roster.write_text(with_push_topics(DRILL_ROSTER.read_text()))
    (tmp_path / "drills.yaml").write_text(SCENARIO)
    data = tmp_path / "data"
    env = clean_environment(PUSH_SERVER_URL=http_peer.url)
    dispatcher = venv / "bin" / "dispatcher"
    common = ("--roster", roster, "--data", data)

    listing = run(dispatcher, "plugins", "--data", data, env=env, cwd=tmp_path)
    assert re.search(r"^  push \(plugin push\): enabled", listing.stdout, re.MULTILINE)

    drill = subprocess.Popen(
        [str(p) for p in (dispatcher, "drill", "run", "push-night", *common, "--as", "eve")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = wait_for_page(http_peer, drill)[0]
        text = page.body.decode()
        assert text.startswith("[DRILL] SR-") and re.search(r" \d{4,8} .*\nFor [A-Z]\w+ \w+$", text)
        sr_id = text.removeprefix("[DRILL] ").split()[0]
        run(
            dispatcher,
            *("sr", "ack", sr_id, "--by", "Ann Sms", "--as", "eve", "--data", data),
            env=env,
            cwd=tmp_path,
        )
        out, err = drill.communicate(timeout=120)
    finally:
        if drill.poll() is None:
            drill.kill()
            drill.communicate()
    assert drill.returncode == 0, f"{out}\n{err}"
    # The report shows the topic that reached Ann, not her phone number.
    assert "**PASSED**" in out and "| Ann Sms | push | csc-ann |" in out
    assert len(http_peer.requests) >= 4  # the whole first step, through the plugin
