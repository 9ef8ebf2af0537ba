"""Every message composed in English below the command line and raised to a user (a
`DispatcherError`, a click `BadParameter` or `UsageError`, a roster node's `.error`, a
`problems.add`) has a shape that says it in Chinese: found by reading the source, so a new
message without one fails here rather than reaching a Chinese reader in English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dispatcher.i18n.shapes import said
from tests.i18n.english import english_words

ROOT = Path(__file__).resolve().parents[2]
RAISED = {"DispatcherError", "BadParameter", "UsageError", "error", "add"} | {
    # DispatcherError's own kinds (dispatcher.errors, store, roster, domain.text)
    "NotFound",
    "IllegalTransition",
    "StoreError",
    "StoreZoneError",
    "StoreDamaged",
    "DuplicateId",
    "UnsafeText",
    "PreferencesError",
    "RosterError",  # its lines: `[f"{path}:1:1: (file): …"]`
}
# A formatted part stands for an id, a name, a number or a value the data gives: kept as it is.
SAMPLES = ("x1", "1")  # as an id, and as a number (a line number matches digits only)
# Messages that reach no reader, or are built of parts each with a shape of its own.
NOT_SAID = {
    "cannot x1 x1: x1",  # domain.requests._move: each reason is a shape ("… it is closed")
    "cannot close x1 without a callback: x1",  # the same reasons
    "archive period must look like 2026-11, not 'x1'",  # a bug's message: periods are computed
    "'x1' is not a database of the store at x1",  # a bug's message: databases are named in code
    "the store partition x1 is closed",  # a bug's message: a partition used after closing
    "cannot compact x1 inside an atomic block",  # a bug's message: compaction is scheduled
    "x1/x1: document x1 already exists; an id is never reused",  # a bug's: ids come from counters
}
LOGGERS = {"log", "logger"}  # a log line is for whoever runs the engine, not a reader


def _samples(node: ast.AST, sample: str) -> list[str]:
    """The texts `node` builds, each formatted part replaced by `sample` (quoted where it is
    shown with `!r`), one per branch of a conditional; [] when it is not a literal (a call
    such as `tr(...)`, a name): judged where that text is made."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.FormattedValue):
        return [f"'{sample}'" if node.conversion == ord("r") else sample]
    if isinstance(node, ast.JoinedStr):
        texts = [""]
        for part in node.values:
            texts = [text + more for text in texts for more in _samples(part, sample)]
        return texts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _samples(node.left, sample) for b in _samples(node.right, sample)]
    if isinstance(node, ast.IfExp):
        return _samples(node.body, sample) + _samples(node.orelse, sample)
    return []


def _messages() -> list[tuple[str, tuple[str, ...]]]:
    """(where, the message with each sample) of every literal message raised under
    `dispatcher/`."""
    found = []
    for path in sorted((ROOT / "dispatcher").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            receiver = getattr(getattr(node.func, "value", None), "id", "")
            if name not in RAISED or receiver in LOGGERS:
                continue
            # problems.add(line, column, where, message): the message is the last argument
            message = node.args[-1] if name == "add" else node.args[0]
            if isinstance(message, ast.List) and message.elts:
                message = message.elts[0]
            if name == "add" and len(node.args) != 4:
                continue  # a set's add, not a problem
            for texts in zip(*(_samples(message, sample) for sample in SAMPLES), strict=True):
                if english_words(texts[0], {"x"}) and texts[0] not in NOT_SAID:
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", texts))
    return found


def _message(line: str) -> str:
    """`line` without its location (`path:line[:column]: field: `): a file's key stays as it is."""
    return re.sub(r"^\S+?:\d+(?::\d+)?: (?:\S+: )?", "", line)


def test_the_scan_finds_the_messages_it_guards():
    where = {w.rsplit(":", 1)[0] for w, _ in _messages()}
    assert {"dispatcher/roster/schema.py", "dispatcher/roster/nodes.py"} <= where


def test_every_raised_message_has_a_chinese_shape():
    missing = []
    for where, texts in _messages():
        said_well = [
            text
            for text in texts
            if said(text, "zh") != text and not english_words(_message(said(text, "zh")), {"x"})
        ]
        if not said_well:
            chinese = said(texts[0], "zh")
            missing.append(f"{where}: {texts[0]!r} -> {chinese!r}")
    assert not missing, f"{len(missing)} messages without a Chinese shape:\n" + "\n".join(missing)
