"""Our commands' `--help` in the run's language, looked up in the one catalogue.

Click writes a command's help from the command's own attributes: its `help` (the docstring),
`short_help` and `epilog`; each parameter's `help` and `metavar`; the name of a parameter's
type (`TEXT`, `INTEGER`, also in "'x' is not a valid integer."); and the usage line's
`[OPTIONS]` and `COMMAND [ARGS]...`. In a language other than English the `dispatcher` group
hands click a copy of each command (`in_language`) whose texts are those of the catalogue,
under the message context `help`, so no command module marks anything and every command,
option and argument added later is covered as soon as it has its Chinese form: the catalogue
test walks this same tree (`help_texts`) and fails on any text without one.

Each text's message id is what click shows in English: a docstring cleaned as click cleans it
(`inspect.cleandoc`, cut at a form feed), an option's help as written, a metavar as typed
(`SITE`, `[ZONE]`), an argument's name as click makes it (`SR_ID`), a type's name (`integer`).
Choices (`[L1|L2|L3]`) stay as typed: they are what the command accepts. What differs from
one machine to the next (the user data folder, an absolute path) is `{path}` in the id.

    add_to_template("build/dispatcher.pot")   # every help text, for `make catalogue`
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, TypeVar

import click
from rich.cells import cell_len

from dispatcher.cli.language import choose, language
from dispatcher.i18n import translator

HELP = "help"  # the message context of every help text

_Command = TypeVar("_Command", bound=click.Command)

# Click's own types, named in a metavar (`INTEGER`) and in its errors ("not a valid float").
CLICK_TYPES = (
    click.STRING,
    click.INT,
    click.FLOAT,
    click.BOOL,
    click.UUID,
    click.IntRange(0),
    click.FloatRange(0),
    click.File(),
    click.Path(),
    click.Path(dir_okay=False),
    click.Path(file_okay=False),
)


def shown(text: str) -> str:
    """A docstring as click shows it: cleaned, cut at the first form feed."""
    return inspect.cleandoc(text).partition("\f")[0].strip()


# An absolute path in a help (the user data folder) differs between machines and users.
_PATH = re.compile(r"(?<=[\s(])/[^\s)]+")


def message_id(text: str) -> str:
    """The catalogue's id of a help text as click shows it in English: a path as `{path}`."""
    return _PATH.sub("{path}", text)


def _named_by_type(param: click.Parameter) -> bool:
    """Whether the type shows its own metavar (a choice's words, a date's formats)."""
    return isinstance(param.type, (click.Choice, click.DateTime))


def _argument_name(param: click.Parameter) -> str:
    return param.metavar or (param.name or "").upper()


def help_texts(command: click.Command) -> Iterator[str]:
    """Every text `command` and the commands below it show in their help, as click shows it
    in English (each a message id under the context `help`), and the names of click's types.

    The root group hands out its commands in the run's language: the walk runs in English,
    whatever an earlier run in this process chose, and gives that choice back."""
    before = language()
    choose("en")
    try:
        yield from map(message_id, _texts_of(command))
    finally:
        choose(before)
    for kind in CLICK_TYPES:
        yield kind.name


def _texts_of(command: click.Command) -> Iterator[str]:
    ctx = click.Context(command, info_name=command.name)
    for text in (command.help, command.short_help, command.epilog):
        if text and shown(text):
            yield shown(text)
    if command.options_metavar:
        yield command.options_metavar
    for param in command.params:
        help_text: str | None = getattr(param, "help", None)
        if help_text:
            yield help_text
        if isinstance(param, click.Argument) and not _named_by_type(param):
            yield _argument_name(param)
        elif param.metavar:
            yield param.metavar
        if not _named_by_type(param):
            yield param.type.name
    if isinstance(command, click.Group):
        yield command.subcommand_metavar
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from _texts_of(sub)


@cache
def in_language(command: _Command, language: str) -> _Command:
    """`command` as shown in `language`: itself in English, else a copy with its texts (and
    its parameters' and subcommands') from the catalogue. The copy runs the same callback."""
    if language == "en":
        return command
    said = _saying(language)
    shown_as: Any = copy.copy(command)
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute)
        setattr(shown_as, attribute, said(shown(text)) if text else text)
    if command.options_metavar:
        shown_as.options_metavar = said(command.options_metavar)
    shown_as._help_option = None  # made again, with its help in this language
    shown_as.context_class = _Context  # wrapped by the width Chinese text takes on a terminal
    if command.help and not command.short_help:  # the list of commands shows a first sentence
        sentence, stop, _ = shown_as.help.split("\n", 1)[0].partition("。")
        shown_as.short_help = sentence + stop
    shown_as.params = [_parameter(param, said) for param in command.params]
    if isinstance(command, click.Group):
        shown_as.subcommand_metavar = said(command.subcommand_metavar)
        shown_as.commands = _Commands(command.commands, language)
    return shown_as


class _Commands(Mapping[str, click.Command]):
    """A group's subcommands in a language, each copied when click first asks for it (a run
    copies only the commands on its path, and a group's help their descriptions)."""

    def __init__(self, commands: Mapping[str, click.Command], language: str) -> None:
        self.commands, self.language = commands, language

    def __getitem__(self, name: str) -> click.Command:
        return in_language(self.commands[name], self.language)

    def __iter__(self) -> Iterator[str]:
        return iter(self.commands)

    def __len__(self) -> int:
        return len(self.commands)


def _saying(language: str):
    lookup = translator(language).pgettext

    def said(text: str) -> str:
        paths = iter(_PATH.findall(text))
        return re.sub(r"\{path\}", lambda _: next(paths), lookup(HELP, message_id(text)))

    return said


def _parameter(param: click.Parameter, said) -> click.Parameter:
    shown_as: Any = copy.copy(param)
    if getattr(param, "help", None):
        shown_as.help = said(param.help)  # type: ignore[attr-defined]
    if _named_by_type(param):
        return shown_as
    shown_as.type = copy.copy(param.type)
    shown_as.type.name = said(param.type.name)  # INTEGER, and "not a valid integer"
    if isinstance(param, click.Argument):
        # click shows an argument's own metavar as it is, else its name: optional in
        # brackets, repeated with dots (`Argument.make_metavar`)
        metavar = said(_argument_name(param))
        if param.metavar is None:
            if not param.required:
                metavar = f"[{metavar}]"
            if param.nargs != 1:
                metavar += "..."
        shown_as.metavar = metavar
    elif param.metavar:
        shown_as.metavar = said(param.metavar)
    return shown_as


def shown_name(name: str) -> str:
    """How click names parameter `name` of the running command in its errors (`'PERSON'`, in
    Chinese `'人员'`), as `--help` shows it in the run's language: for our own refusals about
    an argument, never its English metavar typed out."""
    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if p.name == name)
    return param.get_error_hint(ctx)


# A run of spaces, a run of narrow letters (a word, an option), or one character (a Han one).
_PIECE = re.compile(r"\s+|[\x21-\u2e7f]+|.", re.S)
_CLOSING = frozenset(",.;:!?)]}>,。、;:!?)》」』")  # never starts a line
_OPENING = frozenset("([{<(《「『“")  # never ends one


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """`text` in lines of at most `width` terminal cells (a Han character takes two), its
    paragraphs kept apart by an empty line. A line breaks at a space or beside a Han
    character, never before a closing mark nor after an opening one."""
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        if lines:
            lines.append("")
        line, space, last = first if not lines else rest, "", ""
        for piece in _PIECE.findall(" ".join(paragraph.split("\n"))):
            if piece.isspace():
                space = piece if last else ""
                continue
            breakable = last and (space or (piece[0] not in _CLOSING and last not in _OPENING))
            if breakable and cell_len(line + space + piece) > width:
                lines.append(line)
                line, space = rest, ""
            line += space + piece
            space, last = "", piece[-1]
        lines.append(line)
    return lines


class _Formatter(click.HelpFormatter):
    """Click's help layout, measured in terminal cells rather than characters."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("\n".join(wrap(text, self.width, indent, indent)) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((cell_len(term) for term, _ in rows), default=0), col_max)
        first_col += col_spacing
        margin = " " * (first_col + self.current_indent)
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if cell_len(term) <= first_col - col_spacing:
                self.write(" " * (first_col - cell_len(term)))
            else:
                self.write("\n" + margin)
            lines = wrap(text, max(self.width - first_col - 2, 10))
            self.write(lines[0] + "\n" + "".join(f"{margin}{line}\n" for line in lines[1:]))


class _Context(click.Context):
    formatter_class = _Formatter


def add_to_template(path: str) -> None:
    """Add every help text of `dispatcher` to the message template at `path` (`make catalogue`)."""
    from babel.messages.pofile import read_po, write_po

    from dispatcher.cli import cli

    with open(path, "rb") as source:
        template = read_po(source)
    for text in dict.fromkeys(help_texts(cli)):
        template.add(text, context=HELP, locations=[("dispatcher/cli/help.py", 0)])
    with open(path, "wb") as target:
        write_po(target, template, sort_by_file=True)
