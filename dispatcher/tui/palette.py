"""The command palette (ctrl+p): the desk's commands of the screen in front, and the app's."""

from __future__ import annotations

from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from dispatcher.tui.commands import Command, commands_for


@runtime_checkable
class LanguageHolder(Protocol):
    """What the palette reads of its app: the desk's language (`DeskApp.language`)."""

    language: str


class DeskCommands(Provider):
    def _commands(self) -> list[Command]:
        scope = getattr(self.screen, "SCOPE", "")
        return commands_for("app") + (commands_for(scope) if scope else [])

    async def _run(self, command: Command) -> None:
        await self.screen.run_action(command.action)

    def _language(self) -> str:
        app = self.app
        assert isinstance(app, LanguageHolder), "the palette's commands are the desk's"
        return app.language

    async def discover(self) -> Hits:
        language = self._language()
        for command in self._commands():
            yield DiscoveryHit(
                command.text(language), partial(self._run, command), help=command.tip(language)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        language = self._language()
        for command in self._commands():
            for words in (command.text(language), command.tip(language)):
                score = matcher.match(words)
                if score > 0:
                    yield Hit(
                        score,
                        matcher.highlight(words),
                        partial(self._run, command),
                        help=command.tip(language),
                    )
                    break
