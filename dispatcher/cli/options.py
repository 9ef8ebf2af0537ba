"""Options several commands share, declared once so that they read, complete and explain
themselves alike: the site, the product and the owner of a request, and the language of a
command's own output."""

from __future__ import annotations

from collections.abc import Callable

import click

from dispatcher.cli.common import Choice
from dispatcher.cli.completion import (
    complete_people,
    complete_products,
    complete_sites,
    complete_units,
)
from dispatcher.i18n import LANGUAGES


def lang_option(help: str, name: str = "language") -> Callable[[Callable], Callable]:
    """`--lang en|zh` of a command whose output may be in another language than the run's
    (`dispatcher --lang`): the desk, a report. Passed as `name`; None when not given."""
    return click.option("--lang", name, type=Choice(LANGUAGES), default=None, help=help)


def request_place_options(command: Callable) -> Callable:
    """`--site` and `--product` of a new request or planned work (roster names)."""
    command = click.option(
        "--product",
        default="",
        metavar="PRODUCT",
        shell_complete=complete_products,
        help="Product id or name.",
    )(command)
    return click.option(
        "--site",
        default="",
        metavar="SITE",
        shell_complete=complete_sites,
        help="The site (a region a branch or overseas site covers).",
    )(command)


def owner_options(default_unit: str = "") -> Callable[[Callable], Callable]:
    """`--owner-unit` and `--owner-person` (roster names)."""

    def decorate(command: Callable) -> Callable:
        command = click.option(
            "--owner-person",
            default="",
            metavar="PERSON",
            shell_complete=complete_people,
            help="Who owns it (id or name).",
        )(command)
        return click.option(
            "--owner-unit",
            default=default_unit,
            show_default=bool(default_unit),
            metavar="UNIT",
            shell_complete=complete_units,
            help="Unit or product line (id or name).",
        )(command)

    return decorate
