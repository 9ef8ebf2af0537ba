"""YAML text to plain values that remember where they were written.

libyaml (through PyYAML's C parser) composes the node tree, whose nodes carry 0-based line and
column marks; `build` turns it into `Mapping`, `Sequence` and scalar values. Scalars follow the
YAML 1.2 core schema (so `no`, `on` and `20:00` stay text), and dates and times stay text so the
schema parses them with their UTC offsets. Without libyaml the pure-Python parser does the same.
"""

from __future__ import annotations

import gc
import re
from typing import Any

import yaml
from yaml.error import Mark, MarkedYAMLError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:
    from yaml import CSafeLoader as _Base
except ImportError:  # PyYAML built without libyaml: slower, same results
    # PyYAML's stubs type its C and pure-Python loaders apart; both load the same way
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

__all__ = ["C_PARSER", "Mapping", "Sequence", "YamlError", "build", "compose", "load"]

C_PARSER = _Base.__name__.startswith("C")
YamlError = yaml.YAMLError

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"


class _Loader(_Base):
    """The YAML 1.2 core schema's implicit types; no timestamps (they stay text)."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in (
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        FLOAT,
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        INT,
        r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$",
        "-+0123456789",
    ),
    (MERGE, r"^(?:<<)$", "<"),
    (NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern, re.X), list(_first))


class Mapping(dict[Any, Any]):
    """A mapping with the (line, column) of each key and of each value."""

    __slots__ = ("key_at", "value_at")
    key_at: dict[Any, tuple[int, int]]
    value_at: dict[Any, tuple[int, int]]


class Sequence(list[Any]):
    """A list with the (line, column) of each item."""

    __slots__ = ("at",)
    at: list[tuple[int, int]]


def load(text: str) -> Any:
    """The document as positioned values (None for an empty file); raises `YamlError`.

    The cyclic garbage collector is paused meanwhile: the tens of thousands of nodes and values
    a large roster makes would otherwise set it off again and again (it takes 2-5 times longer).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return build(compose(text))
    finally:
        if paused:
            gc.enable()


def compose(text: str) -> Any:
    """The document's node tree (None for an empty file); raises `YamlError`."""
    return yaml.compose(text, Loader=_Loader)


def build(node: Any) -> Any:
    """Plain values from a node tree; a duplicate key, a list or mapping as a key, or a bad
    explicit tag raises `YamlError`. An anchored collection is built once however often it is
    used, and keys are scalars, so an alias bomb (`&k1 [*k0, *k0]` nine levels deep) costs
    the size of its text, not of its expansion."""
    return _Builder().value(node) if node is not None else None


def _at(mark: Mark) -> tuple[int, int]:
    return mark.line, mark.column


class _Builder:
    def __init__(self) -> None:
        self.built: dict[
            int, Any
        ] = {}  # an anchored collection is built once, however often it is used

    def value(self, node: Any) -> Any:
        if isinstance(node, ScalarNode):
            return _scalar(node)
        done = self.built.get(id(node))
        if done is not None:
            return done
        if isinstance(node, SequenceNode):
            items = self.built[id(node)] = Sequence()
            items.at = [_at(child.start_mark) for child in node.value]
            items.extend(self.value(child) for child in node.value)
            return items
        assert isinstance(node, MappingNode)
        mapping = self.built[id(node)] = Mapping()
        mapping.key_at, mapping.value_at = {}, {}
        merged: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merged.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):  # `? *list : 1`: a key must stay small
                raise MarkedYAMLError(
                    "while constructing a mapping",
                    node.start_mark,
                    "a key must be text or a number, not a list or a mapping",
                    key_node.start_mark,
                )
            key = _scalar(key_node)
            if key in mapping:
                first = mapping.key_at[key][0] + 1
                raise MarkedYAMLError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {_quoted(key)} (first on line {first})",
                    key_node.start_mark,
                )
            mapping.key_at[key] = _at(key_node.start_mark)
            mapping.value_at[key] = _at(value_node.start_mark)
            mapping[key] = self.value(value_node)
        for source in merged:  # `<<: *defaults`: keys written here win over merged ones
            for other in source.value if isinstance(source, SequenceNode) else [source]:
                values = self.value(other)
                if not isinstance(values, Mapping):
                    raise MarkedYAMLError(
                        "while merging a mapping",
                        node.start_mark,
                        "expected a mapping (or a list of mappings) to merge",
                        other.start_mark,
                    )
                for key, item in values.items():
                    if key not in mapping:
                        mapping[key] = item
                        mapping.key_at[key] = values.key_at[key]
                        mapping.value_at[key] = values.value_at[key]
        return mapping


def _scalar(node: ScalarNode) -> Any:
    tag, text = node.tag, node.value
    if tag in (STR, MERGE):
        return text
    if tag == NULL:
        return None
    try:
        if tag == BOOL:
            lowered = text.lower()
            if lowered not in ("true", "false"):
                raise ValueError(text)
            return lowered == "true"
        if tag == INT:
            digits = text.replace("_", "")
            sign = -1 if digits.startswith("-") else 1
            digits = digits.lstrip("+-")
            base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2], 10)
            return sign * int(digits[2:] if base != 10 else digits, base)
        if tag == FLOAT:
            digits = text.replace("_", "").lower()
            if digits.lstrip("+-") == ".inf":
                return float("-inf") if digits.startswith("-") else float("inf")
            return float("nan") if digits == ".nan" else float(digits)
    except ValueError:
        raise MarkedYAMLError(
            None, None, f"{text!r} is not a valid {tag.rsplit(':', 1)[-1]}", node.start_mark
        ) from None
    return text  # dates and times (and any other tag) stay text


def _quoted(key: Any) -> str:
    return f'"{key}"' if isinstance(key, str) else repr(key)
