"""The plugin guide's one-file example channel, installed the way a third party installs a plugin.

Its distribution (plugins/webhook) becomes a wheel, pip installs that wheel with no index into
a throwaway folder, and `dispatcher` runs in a subprocess with that folder on its path: the
channel is found through its entry point alone. The project's .venv is left as it is.

The wheel is put together here from the distribution's pyproject.toml (name, version, entry
points, module) because building it with setuptools offline needs the `wheel` package or
setuptools 70.1+, which a fresh venv lacks; `make install` builds it with setuptools.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plugins" / "webhook"
PERSON = "sh-wang-qiang"  # mobile and email in the sample roster


def build_wheel(source: Path, into: Path) -> Path:
    """A pure-Python wheel of a one-module distribution, from its pyproject.toml."""
    pyproject = tomllib.loads((source / "pyproject.toml").read_text())
    project = pyproject["project"]
    name, version = project["name"], project["version"]
    stem = f"{name.replace('-', '_')}-{version}"
    info = f"{stem}.dist-info"
    entry_points = "".join(
        f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in points.items())
        for group, points in project["entry-points"].items()
    )
    files = {
        f"{module}.py": (source / f"{module}.py").read_bytes()
        for module in pyproject["tool"]["setuptools"]["py-modules"]
    }
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        + "".join(f"Requires-Dist: {dependency}\n" for dependency in project["dependencies"])
    ).encode()
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{info}/entry_points.txt"] = entry_points.encode()
    record = ""
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record += f"{path},sha256={digest},{len(data)}\n"
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    wheel = into / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A folder holding only the installed example distribution."""
    work = tmp_path_factory.mktemp("webhook-example")
    wheel = build_wheel(EXAMPLE, work)
    target = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=120,
    )
    return target


def dispatcher(site: Path, data: Path, *args: str, url: str = "") -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TWILIO_", "SMTP_", "DISPATCHER_"))
    }
    env.update(PYTHONPATH=str(site), DISPATCHER_WEBHOOK_URL=url, DISPATCHER_DATA=str(data))
    code = (
        "import sys, dispatcher_webhook; print(dispatcher_webhook.__file__, file=sys.stderr); "
        "from dispatcher.cli import main; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_example_is_the_plugin_guides():
    guide = (ROOT / "docs" / "PLUGINS.md").read_text()
    assert (EXAMPLE / "dispatcher_webhook.py").read_text().strip() in guide


def test_installed_through_its_entry_point_it_is_listed(site, http_peer, tmp_path):
    result = dispatcher(site, tmp_path, "plugins", "--json", url=http_peer.url + "/hook")

    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(str(site))  # the installed copy, not a source tree
    listing = json.loads(result.stdout)
    plugin = next(p for p in listing["plugins"] if p["name"] == "webhook")
    assert (plugin["distribution"], plugin["status"]) == ("dispatcher-webhook", "loaded")
    channel = next(c for c in listing["channels"] if c["name"] == "webhook")
    assert channel["enabled"] and channel["reaches"] == ["email", "mobile"]


def test_installed_it_sends_json_and_reports_a_500_as_transient(site, http_peer, tmp_path):
    url = http_peer.url + "/robot/send?access_token=s3cret"
    sent = dispatcher(
        site, tmp_path, "notify", "test", PERSON, "--channel", "webhook", "--json", url=url
    )

    assert sent.returncode == 0, sent.stderr
    assert [r.path for r in http_peer.requests] == ["/robot/send?access_token=s3cret"] * 2
    bodies = sorted((r.json() for r in http_peer.requests), key=lambda b: b["contact"]["kind"])
    assert [b["contact"] for b in bodies] == [
        {"kind": "email", "address": "wang.qiang@example.com"},
        {"kind": "mobile", "address": "+14155550101"},
    ]
    assert all(
        b["person"]["id"] == PERSON and b["sr_id"] == "TEST" and b["ack_code"] for b in bodies
    )
    report = json.loads(sent.stdout)["outcomes"]
    assert [o["receipt"]["status"] for o in report] == ["sent", "sent"]

    http_peer.answer(500)
    failed = dispatcher(
        site, tmp_path, "notify", "test", PERSON, "--channel", "webhook", "--json", url=url
    )

    assert failed.returncode == 1, failed.stderr
    receipts = [o["receipt"] for o in json.loads(failed.stdout)["outcomes"]]
    assert [(r["failure"], r["error_code"]) for r in receipts] == [("transient", "500")] * 2
    assert "s3cret" not in failed.stdout
