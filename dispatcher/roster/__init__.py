"""Reading contacts.yaml into a `Roster`, with every problem reported as `file:line:col: path: message`.

roster = load_roster("contacts.yaml")     # raises RosterError listing every problem
roster.on_call("br-shanghai", Role.CASE_HANDLER, now)
"""

from __future__ import annotations

from pathlib import Path

from dispatcher.domain.contact_kinds import ContactKinds
from dispatcher.domain.oncall import DEFAULT_REQUIRED, Roster
from dispatcher.domain.roster import PHONE_KINDS
from dispatcher.errors import DispatcherError
from dispatcher.roster.errors import Problems, RosterError
from dispatcher.roster.nodes import Node
from dispatcher.roster.reader import C_PARSER, YamlError, load
from dispatcher.roster.schedule import read_chains, read_overrides, read_required, read_rotations
from dispatcher.roster.schema import Organisation, read_people, read_units, settle_languages
from dispatcher.store.paths import read_input

__all__ = ["Roster", "RosterError", "load_roster", "parse_roster"]

MAX_FILE_BYTES = 64_000_000  # a roster or drills.yaml: only a regular file, at most this
TOP_LEVEL_REQUIRED = ("units", "people")
TOP_LEVEL_OPTIONAL = ("rotations", "overrides", "required", "chains")


def load_roster(path: str | Path, kinds: ContactKinds | None = None) -> Roster:
    """Read and validate a contacts file; `RosterError.errors` lists every problem in it.

    `kinds` are the contact kinds installed beside the built-in ones (the plugin manager's
    `contact_kinds()`); without it a contact method of a plugin's kind is a problem."""
    path = Path(path)
    try:
        data = read_input(path, MAX_FILE_BYTES)
    except DispatcherError as error:
        reason = str(error).removeprefix(f"{path}: ")
        raise RosterError([f"{path}:1:1: (file): cannot read the roster ({reason})"]) from None
    return parse_roster(data, str(path), kinds)


def parse_roster(
    data: bytes, filename: str = "contacts.yaml", kinds: ContactKinds | None = None
) -> Roster:
    problems = Problems(filename)
    document = _parse_yaml(data, problems)
    problems.raise_if_any()
    root = Node(document, 0, 0, "", problems)
    if document is None:
        root.error("the file is empty; a roster needs units and people")
        problems.raise_if_any()
    fields = root.mapping(TOP_LEVEL_REQUIRED, TOP_LEVEL_OPTIONAL) or {}
    org = Organisation(kinds=kinds or ContactKinds())
    if "units" in fields:
        read_units(fields["units"], org)
    unit_refs = read_people(fields["people"], org) if "people" in fields else {}
    for unit_node in unit_refs.values():
        org.check_unit(unit_node)
    settle_languages(org)
    rotations = read_rotations(fields["rotations"], org) if "rotations" in fields else {}
    overrides = read_overrides(fields["overrides"], org) if "overrides" in fields else ()
    required = (
        read_required(fields["required"], org) if "required" in fields else list(DEFAULT_REQUIRED)
    )
    chains = read_chains(fields["chains"], org) if "chains" in fields else {}
    problems.raise_if_any()
    return Roster(
        units=org.units,
        product_lines=org.product_lines,
        products=org.products,
        people=org.people,
        rotations=rotations,
        overrides=overrides,
        required=required,
        chains=chains,
        criteria=org.criteria,
        source=filename,
        answering_kinds=_answering_kinds(org),
    )


def _answering_kinds(org: Organisation) -> frozenset[str]:
    """Phones, and the plugins' kinds the roster uses that a person can acknowledge through."""
    used = {c.kind for person in org.people.values() for c in person.contacts}
    return PHONE_KINDS | {k for k in used if (spec := org.kinds.spec(k)) and spec.acknowledges}


def _parse_yaml(data: bytes, problems: Problems):
    """The YAML document, or None after recording why it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start)
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1)
        problems.add(line, column, "(file)", "not UTF-8 text; save the roster as UTF-8")
        return None
    try:
        return load(text)
    except (YamlError, RecursionError) as error:  # each becomes one line
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if mark is not None:
            line, column = mark.line, mark.column
        else:  # a reader error: libyaml counts its position in UTF-8 bytes, PyYAML in characters
            position = getattr(error, "position", 0)
            if isinstance(position, int) and C_PARSER:
                position = len(text.encode()[:position].decode(errors="ignore"))
            line, column = _position(text, position)
        reason = getattr(error, "problem", None) or getattr(error, "reason", None) or str(error)
        problems.add(line, column, "(yaml)", f"not valid YAML: {reason}")
        return None


def _position(text: str, offset: int) -> tuple[int, int]:
    offset = offset if isinstance(offset, int) else 0
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)
