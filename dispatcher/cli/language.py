"""The command line's language: every line it prints comes from the catalogue in this language.

The language is, first to last: `dispatcher --lang en|zh`, `DISPATCHER_LANG`, the language last
chosen at the desk (`dispatcher.preferences`), the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
It holds for one run of the command; `report` and `drill report` may still choose their own.

    tr("{sr} acknowledged by {who}", sr=..., who=...)     # a message in the chosen language
    tr_n("{count} request", "{count} requests", n, count=n)
    value(Status.IN_PROGRESS)                              # in_progress, or 处理中

`tr` and `tr_n` are extraction keywords (`dispatcher.i18n.KEYWORDS`, `make catalogue`), so every
message they show is in the catalogue and `tests/i18n` fails when one lacks its Chinese form.

Click's own messages (usage errors, "Missing option", "Try … for help.") come through click's
gettext hook: each click module calls the `_`/`ngettext` it imported from `gettext`, and
`install_click_translation` points those at this catalogue, in the chosen language. The English
text of those that a user meets is marked in `dispatcher.cli.click_words`.
"""

from __future__ import annotations

import os
from datetime import datetime
from enum import Enum

import click
from babel.dates import format_date

from dispatcher.i18n import LANGUAGES, LOCALES, name_of, translator

LANGUAGE_ENV = "DISPATCHER_LANG"

_chosen: list[str] = []  # the language of the current run, once chosen


def choose(language: str | None) -> str:
    """Fix the language of this run: `language`, or `DISPATCHER_LANG`, or the desk's, or the
    locale's. Returns it."""
    if language not in LANGUAGES:
        language = os.environ.get(LANGUAGE_ENV, "")
    if language not in LANGUAGES:
        from dispatcher.preferences import desk_language

        language = desk_language()[0]
    _chosen[:] = [language]
    return language


def given_language(args: list[str]) -> str | None:
    """The language an argument list asks for with `--lang X` or `--lang=X`, read before click
    parses it, so that a usage error in the same line is already in that language."""
    for at, arg in enumerate(args):
        if arg == "--lang" and at + 1 < len(args):
            return args[at + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def language() -> str:
    """The language of this run (chosen from the environment when no `--lang` was parsed)."""
    return _chosen[0] if _chosen else choose(None)


def tr(message: str, /, **fields: object) -> str:
    """`message` (its English text, the catalogue's id) in this run's language, with `fields`."""
    return translator(language()).gettext(message).format(**fields)


def tr_n(singular: str, plural: str, n: int, /, **fields: object) -> str:
    """The singular or plural form for the count `n`, in this run's language, with `fields`."""
    return translator(language()).ngettext(singular, plural, n).format(**fields)


def value(item: Enum | str) -> str:
    """A domain value (a status, a role, a state) in this run's language: in English as it is
    typed in options and JSON (`in_progress`), in Chinese by its name (处理中)."""
    if language() == "en":
        return str(item.value if isinstance(item, Enum) else item)
    return name_of(item, language())


def weekday(at: datetime) -> str:
    """The short name of `at`'s day of the week in this run's language: Sun, 周日."""
    return format_date(at, "EEE", locale=LOCALES.get(language(), LOCALES["en"]))


def _click_gettext(message: str) -> str:
    return translator(language()).gettext(message)


def _click_ngettext(singular: str, plural: str, count: int) -> str:
    return translator(language()).ngettext(singular, plural, count)


def install_click_translation() -> None:
    """Point click's gettext hook at the catalogue (idempotent).

    Click translates its messages with the `gettext`/`ngettext` functions each of its modules
    imported as `_` and `ngettext`; with no catalogue installed for the process they return the
    English text. Here they look the text up in this run's language instead.
    """
    from click import core, decorators, exceptions, formatting, parser, termui, types

    for module in (core, decorators, exceptions, formatting, parser, termui, types):
        if hasattr(module, "_"):
            module._ = _click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


def language_option(command: click.Command) -> click.Command:
    """The global `--lang en|zh` (or `DISPATCHER_LANG`), parsed before anything it may have to
    say: the run's language is fixed as soon as the option is read."""

    def chosen(ctx: click.Context, param: click.Parameter, given: str | None) -> str:
        return choose(given)

    return click.option(
        "--lang",
        "language",
        type=click.Choice(LANGUAGES),
        default=None,
        envvar=LANGUAGE_ENV,
        is_eager=True,
        expose_value=False,
        callback=chosen,
        help="Language of everything printed (default: $DISPATCHER_LANG, else the desk's, else "
        "the locale's); JSON keys stay English.",
    )(command)
