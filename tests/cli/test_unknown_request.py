"""A command given the id of a request the store does not hold says there is no such request
(promise 8), in both languages; it never describes a request that is not there (such as "has
no call-out chain")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ["--roster", str(ROOT / "contacts.yaml")]
MISSING = "SR-20261124-0099"

CHAIN_COMMANDS = [
    ["chain", "show", MISSING],
    ["chain", "stop", MISSING, "--reason", "test", *ROSTER],
    ["chain", "next", MISSING, *ROSTER],
    ["chain", "repage", MISSING, *ROSTER],
    ["chain", "start", MISSING, *ROSTER],
]


@pytest.mark.parametrize("args", CHAIN_COMMANDS, ids=[" ".join(a[:2]) for a in CHAIN_COMMANDS])
def test_a_request_the_store_does_not_hold_is_named_missing(run, args):
    for language, line in (
        ("en", f"Error: no request {MISSING}"),
        ("zh", f"错误:没有请求 {MISSING}"),
    ):
        result = run("--lang", language, *args, ok=False)
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [line]


def test_a_request_without_a_chain_still_says_so(run):
    sr_id = json.loads(
        run("sr", "new", "--category", "consultation", "--summary", "ok", "--json").output
    )["id"]
    for args in (["chain", "show", sr_id], ["chain", "next", sr_id, *ROSTER]):
        result = run(*args, ok=False)
        assert result.exit_code == 2, result.output
        assert result.output.strip() == f"Error: {sr_id} has no call-out chain"
