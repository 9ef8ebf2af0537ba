"""No desk module hands a `str` that may hold data to a widget that reads content markup
(promise 6; `dispatcher.tui.plain`).

Textual parses a `str` given to a DataTable cell, a Static or Label (made or updated), a
Button, an Option, a Select's or SelectionList's choices, or a tooltip as markup: "[/]" in a
summary crashes the desk and "[@click=app.quit]" is a live action. This syntax-tree check
accepts, in those places, only what cannot hold data as markup: a literal, a `Text` (made by
`plain`, `Text(...)` or a function declared `-> Text`), the catalogue's words (`words[...]`),
a name that every assignment in its function binds to one of those, and widgets made with
`markup=False`. Toasts are text for the whole desk (`DeskApp.notify` turns markup off;
`test_hostile_markup.py` shows it at run time).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "dispatcher" / "tui"

WIDGETS = {"Static", "Label", "Button", "Option"}  # their first argument is read as markup
CHOICES = {"Select", "SelectionList", "add_options", "set_options"}  # (prompt, value) pairs
CELLS = {"add_row"}
SAFE_CALLS = {"plain", "Text", "Content"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class Guard:
    def __init__(self, text_functions: set[str]) -> None:
        self.text_functions = text_functions  # functions declared to return Text
        self.found: list[str] = []

    def check_module(self, path: str, tree: ast.Module) -> None:
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                self.check_function(path, function)

    def check_function(self, path: str, function: ast.FunctionDef | ast.AsyncFunctionDef):
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                annotation = ast.unparse(node.annotation)
                if annotation == "Text":
                    assigned.setdefault(node.target.id, []).append(ast.Constant(""))
                elif node.value is not None:
                    assigned.setdefault(node.target.id, []).append(node.value)
        widgets = {
            name
            for name, values in assigned.items()
            if all(isinstance(v, ast.Call) and _name(v.func) == "query_one" for v in values)
        }

        def safe(node: ast.expr | None, seen: frozenset[str] = frozenset()) -> bool:
            if node is None or isinstance(node, ast.Constant):
                return True
            if isinstance(node, ast.Call):
                name = _name(node.func)
                if name in SAFE_CALLS or name in self.text_functions:
                    return True
                if name in ("_", "gettext") and all(isinstance(a, ast.Constant) for a in node.args):
                    return True  # the catalogue's words for a literal
                # Text.assemble, Text.from_…, and Text(...).join(...) make Text too
                func = node.func
                return isinstance(func, ast.Attribute) and (
                    (isinstance(func.value, ast.Name) and func.value.id == "Text")
                    or (isinstance(func.value, ast.Call) and _name(func.value.func) == "Text")
                )
            if isinstance(node, ast.Subscript):  # the catalogue's words
                return _name(node.value) == "words"
            if isinstance(node, ast.Name):
                values = assigned.get(node.id)
                if not values or node.id in seen:
                    return False
                return all(safe(v, seen | {node.id}) for v in values)
            if isinstance(node, ast.BoolOp):
                return all(safe(v, seen) for v in node.values)
            if isinstance(node, ast.IfExp):
                return safe(node.body, seen) and safe(node.orelse, seen)
            if isinstance(node, ast.Starred):
                return safe(node.value, seen)
            if isinstance(node, ast.GeneratorExp | ast.ListComp):
                return safe(node.elt, seen)
            return False

        def choices(node: ast.expr) -> bool:
            if isinstance(node, ast.Name):
                values = assigned.get(node.id)
                return bool(values) and all(choices(v) for v in values)
            if isinstance(node, ast.Tuple):  # (prompt, value[, ticked])
                return safe(node.elts[0])
            if isinstance(node, ast.List):
                return all(choices(e) for e in node.elts)
            if isinstance(node, ast.ListComp | ast.GeneratorExp):
                return choices(node.elt)
            if isinstance(node, ast.Starred):
                return choices(node.value)
            if isinstance(
                node, ast.Call
            ):  # options from a method: what it returns is checked there
                return _name(node.func) in self.choice_functions
            return False

        def flag(node: ast.AST, what: str) -> None:
            self.found.append(f"{path}:{node.lineno}: {what}")  # type: ignore[attr-defined]

        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    tooltip = isinstance(target, ast.Attribute) and target.attr == "tooltip"
                    if tooltip and not safe(node.value):
                        flag(node, f"tooltip = {ast.unparse(node.value)}")
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if any(k.arg == "markup" for k in node.keywords):
                continue
            args = node.args
            if name in WIDGETS and args and not safe(args[0]):
                flag(node, f"{name}({ast.unparse(args[0])})")
            elif name in CELLS:
                for arg in args:
                    if not safe(arg):
                        flag(node, f"add_row(… {ast.unparse(arg)} …)")
            elif name in CHOICES and args:
                for arg in args[:1] if name != "SelectionList" else args:
                    if not choices(arg):
                        flag(node, f"{name}({ast.unparse(arg)})")
            elif name == "update" and isinstance(node.func, ast.Attribute) and args:
                receiver = node.func.value
                markdown = (  # a Markdown widget reads Markdown, not content markup
                    isinstance(receiver, ast.Call)
                    and bool(receiver.args)
                    and ast.unparse(receiver.args[0]) == "Markdown"
                )
                is_widget = (
                    isinstance(receiver, ast.Call) and _name(receiver.func) == "query_one"
                ) or (isinstance(receiver, ast.Name) and receiver.id in widgets)
                is_widget = is_widget and not markdown
                if is_widget and not safe(args[0]):
                    flag(node, f"update({ast.unparse(args[0])})")

    choice_functions: set[str] = set()


def _guard(sources: dict[str, str]) -> list[str]:
    trees = {path: ast.parse(text) for path, text in sources.items()}
    text_functions, choice_functions = set(), set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.returns is not None:
                returns = ast.unparse(node.returns)
                if returns == "Text":
                    text_functions.add(node.name)
                elif returns.startswith("list[tuple[Text"):
                    choice_functions.add(node.name)
    guard = Guard(text_functions)
    guard.choice_functions = choice_functions
    for path, tree in trees.items():
        guard.check_module(path, tree)
    return guard.found


def test_no_desk_module_hands_data_to_a_markup_reader():
    sources = {str(p.relative_to(ROOT)): p.read_text() for p in sorted(ROOT.rglob("*.py"))}
    assert _guard(sources) == []


def test_the_guard_finds_what_it_is_for():
    """Each shape the guard refuses, in a sample module, is found; the safe forms are not."""
    sample = """
from rich.text import Text

def shown(sr, table, words):
    table.add_row(sr.id, plain(sr.summary))
    table.add_row(plain(sr.id), plain(sr.summary), Text("x"), "literal", words["k"])
    self.query_one("#s", Static).update(f"{sr.summary}")
    self.query_one("#s", Static).update(plain(sr.summary))
    line = self.query_one("#t", Static)
    line.update(sr.summary)
    text = Text()
    line.update(text)
    yield Label(sr.customer.name)
    yield Label(words["title"])
    yield Static(sr.summary, markup=False)
    yield Select([(p.name, p.id) for p in people])
    yield Select([(plain(p.name), p.id) for p in people])
    yield Option(f"{s.id} {s.name}", id=s.id)
    line.tooltip = detail
    pairs = {}
    pairs.update(other)
"""
    found = sorted(_guard({"sample.py": sample}), key=lambda line: int(line.split(":")[1]))
    assert [line.split(": ", 1)[1] for line in found] == [
        "add_row(… sr.id …)",
        "update(f'{sr.summary}')",
        "update(sr.summary)",
        "Label(sr.customer.name)",
        "Select([(p.name, p.id) for p in people])",
        "Option(f'{s.id} {s.name}')",
        "tooltip = detail",
    ]
