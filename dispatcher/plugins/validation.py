"""Checks a plugin and its channels must pass before they are used, each failure one line.

The plugin manager runs them at load, so a broken third-party plugin is disabled with the
reason instead of failing later in the middle of a call-out (or taking the desk down):

- `hook_problem`: every function marked `@hookimpl` is named after a hook of
  `dispatcher.plugins.hookspecs` and asks only for arguments that hook gives;
- `channel_problem`: what `register(channel)` receives has a non-empty `name`, `reaches` made
  of `ContactKind` members, async `send`, `poll`, `check` and `close`, and well-formed
  `settings` and limits.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable
from typing import Any

from dispatcher.domain.outbox import Limit
from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import hookspecs
from dispatcher.plugins.contract import Setting

HOOKS = {
    name: getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("dispatcher_")
}
CHANNEL_METHODS = ("send", "poll", "check", "close")
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def hook_problem(name: str, implementation: Callable[..., Any]) -> str | None:
    """Why the function `implementation`, marked as an implementation of hook `name`, cannot
    be one; None when it can."""
    if name not in HOOKS:
        close = difflib.get_close_matches(name, HOOKS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else f"; hooks are {', '.join(HOOKS)}"
        return f"unknown hook {name!r}{hint}"
    try:
        wanted = _parameters(implementation)
    except (TypeError, ValueError):
        return f"hook {name} is not a function"
    given = _parameters(HOOKS[name])
    extra = [parameter for parameter in wanted if parameter not in given]
    if extra:
        return (
            f"hook {name} asks for {', '.join(map(repr, extra))}, which the hook does not give"
            f" (it gives {', '.join(given)})"
        )
    return None


def channel_problem(channel: Any) -> str | None:
    """Why `channel` cannot be registered as a `Channel`; None when it can."""
    name = getattr(channel, "name", None)
    label = f"channel {name!r}" if isinstance(name, str) and name else f"{type(channel).__name__}"
    if not isinstance(name, str) or not CHANNEL_NAME.fullmatch(name):
        return f"{label}: name must be a non-empty lower-case word (letters, digits, _ . -), not {name!r}"
    reaches = getattr(channel, "reaches", None)
    if not isinstance(reaches, (set, frozenset)) or not reaches:
        return f"{label}: reaches must be a non-empty frozenset of ContactKind, not {reaches!r}"
    strays = sorted(repr(kind) for kind in reaches if not isinstance(kind, ContactKind))
    if strays:
        return (
            f"{label}: reaches holds {', '.join(strays)}, not ContactKind members"
            f" (write ContactKind.MOBILE, not 'mobile')"
        )
    for method in CHANNEL_METHODS:
        member = getattr(channel, method, None)
        if member is None or not callable(member):
            return f"{label}: has no {method}() method (derive it from ChannelBase)"
        if not inspect.iscoroutinefunction(member):
            return f"{label}: {method}() must be async (async def {method}(...))"
    return declarations_problem(label, channel)


def declarations_problem(label: str, channel: Any) -> str | None:
    """Why the `settings`, `channel_limit` or `address_limit` a channel (or its class)
    declares are not usable; None when they are."""
    settings = getattr(channel, "settings", ())
    if not isinstance(settings, tuple) or not all(isinstance(s, Setting) for s in settings):
        return f"{label}: settings must be a tuple of Setting"
    for attribute in ("channel_limit", "address_limit"):
        limit = getattr(channel, attribute, None)
        if limit is not None and not (isinstance(limit, Limit) and limit.count > 0):
            return f"{label}: {attribute} must be a Limit of one send or more, or None"
    return None
