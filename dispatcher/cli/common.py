"""What every `dispatcher` command shares: options, the store, output, and errors.

Conventions: exit 0 ok, 1 a check found a problem, 2 bad input or configuration with a
one-line reason on stderr. Every command that prints records takes `--json`.
"""

from __future__ import annotations

import functools
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from dispatcher.cli.language import language, tr
from dispatcher.cli.terminal import styled
from dispatcher.domain.localtime import wall_time
from dispatcher.i18n.shapes import said
from dispatcher.store import DATA_ENV, Store, default_data_dir

if TYPE_CHECKING:
    from dispatcher.domain.oncall import Roster

ROSTER_ENV = "DISPATCHER_ROSTER"
CHANNEL = "cli"  # the channel a change made from the command line records on a timeline


def data_option(command: Callable) -> Callable:
    """`--data DIR`: the data directory (else $DISPATCHER_DATA, else the user data folder)."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=DATA_ENV,
        default=None,
        help=f"Data directory (default: ${DATA_ENV}, else {default_data_dir()}).",
    )(command)


def roster_option(command: Callable) -> Callable:
    """`--roster PATH`: the contacts file (else $DISPATCHER_ROSTER, else ./contacts.yaml)."""
    return click.option(
        "--roster",
        "roster_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=ROSTER_ENV,
        default=Path("contacts.yaml"),
        show_default=True,
        help=f"Roster file (or ${ROSTER_ENV}).",
    )(command)


def names_for_command(roster_path: Path):
    """`Names` over the roster at `roster_path`; names are taken as typed when no roster was
    asked for (`--roster`, $DISPATCHER_ROSTER) and none is at the default path."""
    from dispatcher.cli.names import Names

    roster = optional_roster(roster_path)
    return Names(roster, roster_path)


def optional_roster(roster_path: Path):
    """The roster at `roster_path`, or None when none was asked for and the default is absent."""
    source = click.get_current_context().get_parameter_source("roster_path")
    if source is click.core.ParameterSource.DEFAULT and not roster_path.exists():
        return None
    return load_roster_for_command(roster_path)


def required_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: a required text option given blank is refused (one line, exit 2),
    naming the option, or its environment variable when the value came from there (set to
    "", which click takes for unset, too)."""
    envvar = param.envvar if isinstance(param, click.Option) else None
    if value is None and isinstance(envvar, str) and os.environ.get(envvar) == "":
        from dispatcher.errors import DispatcherError

        raise DispatcherError(tr("{name}: must not be empty", name=envvar))
    if value is not None and not value.strip():
        from dispatcher.errors import DispatcherError

        source = ctx.get_parameter_source(param.name) if param.name else None
        if isinstance(param, click.Option) and source is click.core.ParameterSource.ENVIRONMENT:
            name = str(param.envvar)
        elif isinstance(param, click.Option):
            name = max(param.opts, key=len)
        else:
            name = f"'{param.human_readable_name}'"  # as click names an argument
        raise DispatcherError(tr("{name}: must not be empty", name=name))
    return value.strip() if value is not None else None


class Choice(click.Choice):
    """One of fixed words, typed in any case, shown and passed on as written (`L1|L2|L3`,
    default `L1`), never lower-cased for display as click's case-insensitive choice is."""

    def __init__(self, choices) -> None:
        super().__init__([getattr(c, "value", c) for c in choices], case_sensitive=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, str):
            folded = value.casefold()
            value = next((c for c in self.choices if str(c).casefold() == folded), value)
        return super().convert(value, param, ctx)


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(
        command
    )


def actor_option(command: Callable) -> Callable:
    """`--as NAME`: who makes the change (else $DISPATCHER_AS, else the login name); a name
    of only blanks names nobody, so it is refused in one line naming `--as` or
    `DISPATCHER_AS` (exit 2)."""
    return click.option(
        "--as",
        "actor",
        default=None,
        envvar="DISPATCHER_AS",
        metavar="NAME",
        callback=required_text,
        help="Who makes the change (default: $DISPATCHER_AS, else your login name); to "
        "acknowledge or stop a chain or relay a page, a person of the roster.",
    )(command)


def installed_kinds():
    """The contact kinds a roster may use here: the built-in ones, and those the installed
    plugins declare (loaded only when a roster names a kind that is not built in)."""
    from dispatcher.domain.contact_kinds import ContactKinds
    from dispatcher.plugins import PluginManager

    return ContactKinds(find=lambda: PluginManager().load().contact_kinds().declared)


def installed_reaches(store: Store, roster) -> dict[str, frozenset[str]]:
    """What each channel reaches, for a command that picks a page's channel itself (an audit,
    a retry by another channel): the built-in channels, and every channel enabled here (a
    plugin's, reaching its own kinds)."""
    from dispatcher.engine.context import default_reaches
    from dispatcher.plugins import PluginManager

    enabled = PluginManager(store=store).load().channels
    return {**default_reaches(roster), **{name: c.reaches for name, c in enabled.items()}}


def load_roster_for_command(path: Path):
    """The roster at `path`, its contact methods of any installed kind; a broken one lists
    every problem, then says how many (exit 2)."""
    from dispatcher.roster import load_roster
    from dispatcher.roster.errors import RosterError

    try:
        return load_roster(path, installed_kinds())
    except RosterError as error:
        raise every_problem(error, path) from None


def every_problem(error, path: Path, scenarios: bool = False):
    """A file's problems (of the roster, or of its drill scenarios) to print one by one, then
    how many (one problem prints alone)."""
    from dispatcher.errors import DispatcherError

    if len(error.errors) == 1:
        return error
    count = len(error.errors)
    summary = (
        tr("{path}: {count} problems; the scenarios cannot be used", path=path, count=count)
        if scenarios
        else tr("{path}: {count} problems; the roster cannot be used", path=path, count=count)
    )
    return DispatcherError(summary, error.errors)


def resolve_actor(actor: str | None) -> str:
    """Who acts: `actor` (from `--as`/$DISPATCHER_AS, `actor_option`), else the login name;
    DispatcherError when that is blank too (nobody would be named)."""
    if actor and actor.strip():
        return actor.strip()
    try:
        login = getpass.getuser()
    except Exception:  # no login name in some containers
        login = os.environ.get("USER", "unknown")
    if not login.strip():
        from dispatcher.errors import DispatcherError

        raise DispatcherError(
            tr("--as: your login name is blank; give --as NAME or set DISPATCHER_AS")
        )
    return login.strip()


def named_dispatcher(actor: str | None, names) -> str:
    """The roster person acting (`--as`, $DISPATCHER_AS, else the login name), by the name the
    roster gives them, for a command that ends or stops a chain: only the people paged or a
    named dispatcher can (PROMISES 3, 1). Anyone else, or no roster to check against, is
    refused in one line naming `--as` (exit 2), and the chain keeps chasing. `names` is the
    command's `dispatcher.cli.names.Names`."""
    from dispatcher.errors import DispatcherError

    try:
        person = names.person(resolve_actor(actor), "--as")
    except DispatcherError as refused:
        if actor:
            raise
        raise DispatcherError(
            tr("{problem} (your login name: give --as NAME or set DISPATCHER_AS)", problem=refused)
        ) from None
    return names.roster.people[person].display_name


@contextmanager
def open_store(data_dir: Path | None) -> Iterator[Store]:
    """The store of `--data`, closed afterwards. While it is damaged, every command ends with
    one warning line on stderr naming the file and line (`dispatcher store check` for all)."""
    with Store(data_dir or default_data_dir()) as store:
        try:
            yield store
        finally:
            line = store.damage_warning()
            if line:
                problem = said(line, language())  # composed in English by the store
                styled(tr("warning: {problem}", problem=problem), fg="yellow", err=True)


@contextmanager
def existing_store(data_dir: Path | None) -> Iterator[Store | None]:
    """The store of `--data` when its directory exists, else None: a command that only reads
    (a roster check, a dry run) never creates a data directory."""
    if not (data_dir or default_data_dir()).is_dir():
        yield None
        return
    with open_store(data_dir) as store:
        yield store


def with_store(command: Callable) -> Callable:
    """Open the store named by `--data` and pass it as `store`; close it afterwards."""

    @data_option
    @functools.wraps(command)
    def wrapper(*args: Any, data_dir: Path | None, **kwargs: Any) -> Any:
        with open_store(data_dir) as store:
            return command(*args, store=store, **kwargs)

    return wrapper


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while stderr is a terminal, nothing on a pipe: yields the
    function to call with how much more is done."""
    if not sys.stderr.isatty():
        yield lambda done: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, datetimes and paths as plain JSON values."""
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def echo_json(value: Any) -> None:
    click.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


def echo_records(records: list, as_json: bool, line: Callable[[Any], str], nothing: str) -> None:
    """Records as JSON, or one line each; `nothing` on stderr when there are none."""
    if as_json:
        echo_json(records)
        return
    for record in records:
        click.echo(line(record))
    if not records:
        click.echo(nothing, err=True)


class TimeParam(click.ParamType):
    """An ISO 8601 date or time. Without a UTC offset it is the CSC's wall clock: it stays
    naive here, and the command reads it in the CSC's zone with `csc_time`."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                tr("'{value}' is not a time like 2026-11-24T03:10 or 2026-11-24", value=value),
                param,
                ctx,
            )
        return parsed


TIME = TimeParam()


def csc_time(at: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A `TIME` option's value in the CSC's `zone` (one typed without an offset is the CSC's
    wall clock, never the machine's); None stays None."""
    return None if at is None else wall_time(at, zone)


def command_zone(store: Store, roster: Roster | None = None) -> ZoneInfo:
    """The CSC's zone for a command: its roster's; else the one the store recorded; else that
    of the roster at hand ($DISPATCHER_ROSTER, or ./contacts.yaml when present). One line
    (`StoreZoneError`) when none is known, or when the roster's and the store's differ."""
    from dispatcher.store.zone import csc_zone, recorded_zone

    if roster is None and recorded_zone(store) is None:
        at_hand = Path(os.environ.get(ROSTER_ENV) or "contacts.yaml")
        roster = load_roster_for_command(at_hand) if at_hand.is_file() else None
    return csc_zone(store, roster.zone if roster is not None else None)


def now() -> datetime:
    """The wall clock, in UTC: a local time is taken in the CSC's zone, never the machine's."""
    return datetime.now(UTC)


def start_logging(data_dir: Path, *, echo: bool = False) -> None:
    """Log to the data directory's file at the level `--log-level` chose (see `logfile`),
    and to stderr as well (escaped for the terminal) with `echo`; the first line names the
    command."""
    from dispatcher.cli.terminal import EscapingFormatter
    from dispatcher.logfile import start_log_file

    context = click.get_current_context()
    level = context.find_root().meta.get("log_level", "info")
    formatter = EscapingFormatter("%(asctime)s %(levelname)s %(message)s") if echo else None
    start_log_file(data_dir, level, os.environ, echo=formatter)
    logging.getLogger("dispatcher.cli").info("%s started", context.command_path)
