"""The one catalogue: every user-visible string has its Chinese form, with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil
from enum import Enum
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import dispatcher.domain
import dispatcher.plugins
from dispatcher.cli import cli
from dispatcher.cli.click_words import CLICK_MESSAGES
from dispatcher.cli.help import HELP, help_texts
from dispatcher.i18n import KEYWORDS, LOCALE_DIR, VALUE, name_of, translator
from dispatcher.i18n.compile import compiled
from tests.i18n.english import english_words

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = LOCALE_DIR / "zh" / "LC_MESSAGES" / "dispatcher.po"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def extracted() -> dict[tuple[str | None, str], str]:
    """Every message the source marks for the catalogue: (context, id) -> where."""
    found = {}
    for folder in ("dispatcher", "plugins"):
        for path, line, message, _, context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords={**DEFAULT_KEYWORDS, **KEYWORDS},
        ):
            key = message if isinstance(message, str) else message[0]
            found.setdefault((context, key), f"{folder}/{path}:{line}")
    for text in help_texts(cli):  # every command's --help, walked as click shows it
        found.setdefault((HELP, text), "dispatcher --help")
    return found


@pytest.fixture(scope="module")
def catalogue():
    with PO_FILE.open("rb") as source:
        return {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]): m
            for m in read_po(source)
            if m.id
        }


def domain_values() -> set[str]:
    """Every value of every enum in the domain and the plugin contract, as people read it."""
    values = set()
    for package in (dispatcher.domain, dispatcher.plugins):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for item in vars(module).values():
                if (
                    isinstance(item, type)
                    and issubclass(item, Enum)
                    and item.__module__ == info.name
                ):
                    values |= {str(member.value).replace("_", " ") for member in item}
    return values


def test_every_marked_string_has_its_chinese_form_with_the_same_placeholders(catalogue):
    problems = []
    for key, where in extracted().items():
        entry = catalogue.get(key)
        if entry is None or not entry.string or entry.fuzzy:
            problems.append(f"{where}: no Chinese for {key[1]!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        # Chinese has one form, for every count: it takes the plural's placeholders. Only
        # click's own messages (formatted with both forms' fields) may differ between the two.
        differ = fields(ids[0]) != fields(ids[-1]) and ids not in CLICK_MESSAGES
        if any(fields(s) != fields(ids[-1]) for s in strings) or differ:
            problems.append(f"{where}: placeholders differ for {key[1]!r}")
    assert not problems, "\n".join(problems)


def test_every_domain_value_has_its_chinese_name(catalogue):
    marked = {message for context, message in extracted() if context == VALUE}
    missing = sorted(domain_values() - marked)
    assert not missing, f"no Chinese name for the values {missing}"


def test_the_catalogue_holds_nothing_the_source_no_longer_says(catalogue):
    wanted = set(extracted())
    stale = [key for key in catalogue if key not in wanted]
    assert not stale, f"obsolete entries: {stale}"


def test_chinese_texts_carry_no_english_words(catalogue):
    english = []
    for (_, message_id), entry in catalogue.items():
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            words = english_words(text)
            if words:
                english.append(f"{message_id!r} -> {text!r}: {sorted(words)}")
    assert not english, "\n".join(english)


def test_every_entry_keeps_its_placeholders(catalogue):
    differ = [
        key
        for key, entry in catalogue.items()
        if isinstance(entry.string, str)
        and entry.string
        and fields(entry.string) != fields(entry.id)
    ]
    assert not differ


def test_the_catalogue_compiles_and_translates():
    assert compiled(PO_FILE)[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")
    zh = translator("zh")
    assert zh.gettext("round {round}, step {step}").format(round=2, step=1) == "第 2 轮第 1 步"
    assert (
        name_of("not_reached", "zh") == "未联系上" and name_of("not_reached", "en") == "not reached"
    )


@pytest.mark.parametrize(
    ("count", "english"),
    [(0, "0 open requests"), (1, "1 open request"), (2, "2 open requests")],
)
def test_english_plurals_are_right_and_chinese_has_one_form(count, english):
    one, many = "{count} open request", "{count} open requests"
    assert translator("en").ngettext(one, many, count).format(count=count) == english
    chinese = translator("zh").ngettext(one, many, count).format(count=count)
    assert chinese == f"{count} 个未关闭请求"


def test_the_help_walked_for_the_catalogue_is_english_after_a_chinese_run(tmp_path):
    """A run in Chinese in this process leaves its language chosen: the walk is still in
    English, and the choice is given back."""
    from click.testing import CliRunner

    from dispatcher.cli.language import language

    CliRunner().invoke(cli, ["--lang", "zh", "sr", "--help"])
    assert language() == "zh"
    texts = set(help_texts(cli))
    assert "[OPTIONS]" in texts and "[选项]" not in texts
    assert language() == "zh"
