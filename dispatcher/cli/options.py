"""Options several commands share, declared once so that they read, complete and explain
themselves alike: an option taking a roster name, the site, the product and the owner of a
request, the file a command writes, and the language of a command's own output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dispatcher.cli.common import Choice
from dispatcher.cli.completion import (
    complete_branches,
    complete_people,
    complete_products,
    complete_sites,
    complete_units,
)
from dispatcher.i18n import LANGUAGES

# How each kind of roster name (`dispatcher.domain.names.NAMED`) completes in the shell.
_COMPLETIONS = {
    "person": complete_people,
    "unit": complete_units,
    "branch": complete_branches,
    "site": complete_sites,
    "product": complete_products,
}


def name_option(*decls: str, what: str, help: str, **extra: Any) -> Callable[[Callable], Callable]:
    """An option that takes a roster name of kind `what` (person, unit, branch, site, product),
    which the command resolves with `dispatcher.cli.names.Names`: shown as PERSON, UNIT …,
    completed from the roster. `decls` and `extra` as `click.option` takes them."""
    return click.option(
        *decls, metavar=what.upper(), shell_complete=_COMPLETIONS[what], help=help, **extra
    )


def output_option(*, help: str) -> Callable:
    """`-o/--output FILE`: where a command writes what it would print
    (`dispatcher.store.paths.write_output` writes it safely)."""
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def lang_option(*, help: str, name: str = "language") -> Callable[[Callable], Callable]:
    """`--lang en|zh` of a command whose output may be in another language than the run's
    (`dispatcher --lang`): the desk, a report. Passed as `name`; None when not given."""
    return click.option("--lang", name, type=Choice(LANGUAGES), default=None, help=help)


def request_place_options(command: Callable) -> Callable:
    """`--site` and `--product` of a new request or planned work (roster names)."""
    command = name_option("--product", what="product", default="", help="Product id or name.")(
        command
    )
    return name_option(
        "--site",
        what="site",
        default="",
        help="The site (a region a branch or overseas site covers).",
    )(command)


def owner_options(default_unit: str = "") -> Callable[[Callable], Callable]:
    """`--owner-unit` and `--owner-person` (roster names)."""

    def decorate(command: Callable) -> Callable:
        command = name_option(
            "--owner-person", what="person", default="", help="Who owns it (id or name)."
        )(command)
        return name_option(
            "--owner-unit",
            what="unit",
            default=default_unit,
            show_default=bool(default_unit),
            help="Unit or product line (id or name).",
        )(command)

    return decorate
