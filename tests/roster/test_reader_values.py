"""The roster reader keeps YAML 1.2's plain values and every position, fast parser or not."""

import pytest
import yaml

from dispatcher.roster import reader

TEXT = (
    "people:\n  - id: li-na\n    sms: no\n    handoff: 20:00\n    start: 2026-11-24\n    count: 3\n"
)


def test_yes_no_clock_times_and_dates_stay_text():
    doc = reader.load(TEXT)
    person = doc["people"][0]
    assert person == {
        "id": "li-na",
        "sms": "no",
        "handoff": "20:00",
        "start": "2026-11-24",
        "count": 3,
    }
    # positions are 0-based (line, column), as the YAML parser counts them
    assert doc["people"].at[0] == (1, 4)
    assert person.key_at["handoff"] == (3, 4) and person.value_at["handoff"] == (3, 13)


def test_the_pure_python_parser_gives_the_same_values_and_positions(monkeypatch):
    fast = reader.load(TEXT)
    monkeypatch.setattr(reader, "compose", lambda text: yaml.compose(text, Loader=_PurePython))
    slow = reader.load(TEXT)
    assert slow == fast
    assert slow["people"][0].value_at == fast["people"][0].value_at


class _PurePython(yaml.SafeLoader):
    yaml_implicit_resolvers = reader._Loader.yaml_implicit_resolvers


def test_a_duplicate_key_names_both_lines():
    with pytest.raises(reader.YamlError, match="first on line 1"):
        reader.load("a: 1\na: 2\n")
