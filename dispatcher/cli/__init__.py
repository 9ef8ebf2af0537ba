"""The `dispatcher` command."""

from __future__ import annotations

import importlib
import os
import sys

import click

from dispatcher import __version__
from dispatcher.cli.help import in_language
from dispatcher.cli.language import (
    choose,
    given_language,
    install_click_translation,
    language,
    language_option,
    tr,
)
from dispatcher.cli.terminal import check_typed, guard_output
from dispatcher.domain.text import escape
from dispatcher.errors import DispatcherError
from dispatcher.i18n.shapes import said

COMPLETE_ENV = "_DISPATCHER_COMPLETE"  # set by the shell while it asks click for completions


class _UserError(click.ClickException):
    """A `DispatcherError` shown as click shows its own: one line on stderr."""

    def __init__(self, error: DispatcherError) -> None:
        lang = language()  # a line the domain composed in English is said in the run's language
        super().__init__(escape(said(str(error), lang)))
        # click declares exit_code a class variable, yet reads it from the instance
        self.exit_code = error.exit_code  # type: ignore[misc]
        self.problems = [escape(said(problem, lang)) for problem in error.problems]

    def show(self, file=None) -> None:
        for problem in self.problems:
            click.echo(problem, err=True)
        super().show(file)


# Each command lives in its own module, imported only when that command runs, so a quick
# `dispatcher sr new` does not pay for loading the roster, the plugins or the desk.
COMMANDS = {
    "sr": "dispatcher.cli.sr:sr",
    "roster": "dispatcher.cli.roster:roster_group",
    "desk": "dispatcher.cli.desk:desk",
    "plugins": "dispatcher.cli.plugins:plugins_command",
    "notify": "dispatcher.cli.plugins:notify_group",
    "engine": "dispatcher.cli.callout:engine_command",
    "chain": "dispatcher.cli.callout:chain_group",
    "outbox": "dispatcher.cli.outbox:outbox_group",
    "complaint": "dispatcher.cli.complaint:complaint",
    "planned": "dispatcher.cli.planned:planned",
    "report": "dispatcher.cli.report:report",
    "drill": "dispatcher.cli.drill:drill_group",
    "logs": "dispatcher.cli.logs:logs_command",
    "store": "dispatcher.cli.store:store_group",
}


class DispatcherGroup(click.Group):
    """Loads commands on demand, and turns a `DispatcherError` anywhere below into a one-line
    message and its exit code."""

    def main(self, args=None, *rest, **kwargs):  # type: ignore[override]
        install_click_translation()  # click's usage errors in the run's language
        choose(given_language(list(sys.argv[1:] if args is None else args)))
        # the help, usage lines and type names of every command in the run's language
        return click.Group.main(in_language(self, language()), args, *rest, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return in_language(getattr(importlib.import_module(module), attribute), language())

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """The command to run, after refusing control characters in what was typed."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and name is not None and not ctx.resilient_parsing:
            check_typed(command, name, rest, ctx)
        return name, command, rest

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DispatcherError as error:
            raise _UserError(error) from error
        except click.UsageError as error:  # a missing option, a bad choice: one line too
            raise _UsageLine(error) from error


class _UsageLine(click.ClickException):
    """click's usage error in one line, naming the help that lists every option."""

    def __init__(self, error: click.UsageError) -> None:
        command = error.ctx.command_path if error.ctx else "dispatcher"
        message = " ".join(error.format_message().split())
        super().__init__(
            tr("{message} ({command} --help lists the options)", message=message, command=command)
        )
        # click declares exit_code a class variable, yet reads it from the instance
        self.exit_code = error.exit_code  # type: ignore[misc]


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """`--version`, said in the run's language (click's own option words its line once, as
    the command is defined, before any language is chosen)."""
    if value and not ctx.resilient_parsing:
        line = tr("%(prog)s, version %(version)s")
        click.echo(line % {"prog": "dispatcher", "version": __version__})
        ctx.exit()


@click.group(cls=DispatcherGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
@language_option
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    envvar="DISPATCHER_LOG_LEVEL",
    help="What the desk, the engine and live drills write to <data dir>/logs/dispatcher.log.",
)
@click.pass_context
def cli(ctx: click.Context, log_level: str) -> None:
    """The night-shift dispatch desk of a 24-hour customer service centre."""
    ctx.meta["log_level"] = log_level.lower()
    if ctx.invoked_subcommand != "desk":  # the desk escapes what it shows itself
        guard_output()


def main() -> None:
    """Entry point: a bug shows one line, not a traceback (DISPATCHER_DEBUG=1 shows it)."""
    # The desk escapes what it shows itself (Textual's terminal); shell completion writes
    # bytes, its candidates escaped one by one (`dispatcher.cli.completion`).
    if sys.argv[1:2] != ["desk"] and COMPLETE_ENV not in os.environ:
        guard_output()  # also for click's own usage errors, which quote what was typed
    try:
        cli.main(prog_name="dispatcher")
    except SystemExit:
        raise
    except Exception as error:  # a bug: say so in one line
        if os.environ.get("DISPATCHER_DEBUG"):
            raise
        message = tr(
            "internal error ({kind}: {error}); run again with DISPATCHER_DEBUG=1 for details",
            kind=type(error).__name__,
            error=error,
        )
        click.echo(tr("Error: {message}", message=message), err=True)
        sys.exit(3)
