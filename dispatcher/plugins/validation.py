"""Checks a plugin and its channels must pass before they are used, each failure one line.

The plugin manager runs them at load, so a broken third-party plugin is disabled with the
reason instead of failing later in the middle of a call-out (or taking the desk down):

- `hook_problem`: every function marked `@hookimpl` is named after a hook of
  `dispatcher.plugins.hookspecs` and asks only for arguments that hook gives;
- `kind_problem`: what `register(kind)` of `dispatcher_contact_kinds` receives is a
  `ContactKindSpec` with a lower-case name that is not built in, and a validator that
  accepts its own example;
- `channel_problem`: what `register(channel)` receives has a non-empty `name`, `reaches` a set
  of installed contact kinds, async `send`, `poll`, `check` and `close`, and well-formed
  `settings` and limits.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable
from typing import Any

from dispatcher.domain.contact_kinds import KIND_NAME, ContactKindSpec
from dispatcher.domain.outbox import Limit
from dispatcher.domain.roster import BUILT_IN_KINDS
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


def kind_problem(kind: Any) -> str | None:
    """Why `kind` cannot be declared as a contact kind; None when it can."""
    if not isinstance(kind, ContactKindSpec):
        return f"dispatcher_contact_kinds registered a {type(kind).__name__}, not a ContactKindSpec"
    label = f"kind {kind.name!r}"
    if not isinstance(kind.name, str) or not KIND_NAME.fullmatch(kind.name):
        return f"{label}: a kind's name is a lower-case word (letters, digits, _ -) of 1 to 32"
    if kind.name in BUILT_IN_KINDS:
        return f"{label} is built in: reach it (reaches = {{{kind.name!r}}}) without declaring it"
    if not callable(kind.validate):
        return f"{label}: validate must be a function of an address, not {kind.validate!r}"
    try:
        kind.validate(kind.example)
    except Exception as error:  # a plugin's validator refusing its own example is its bug
        return f"{label}: validate refuses its own example {kind.example!r} ({error})"
    if kind.canonical is not None:
        if not callable(kind.canonical):
            return f"{label}: canonical must be a function of an address, not {kind.canonical!r}"
        try:
            form = kind.canonical(kind.validate(kind.example))
        except Exception as error:  # as above: its own example must have a canonical form
            return f"{label}: canonical refuses its own example {kind.example!r} ({error})"
        if not isinstance(form, str) or not form:
            return f"{label}: canonical must return the address's form as text, not {form!r}"
    return None


def channel_problem(channel: Any, kinds: frozenset[str] = BUILT_IN_KINDS) -> str | None:
    """Why `channel` cannot be registered as a `Channel` where the contact kinds `kinds` are
    installed; None when it can."""
    name = getattr(channel, "name", None)
    label = f"channel {name!r}" if isinstance(name, str) and name else f"{type(channel).__name__}"
    if not isinstance(name, str) or not CHANNEL_NAME.fullmatch(name):
        return f"{label}: name must be a non-empty lower-case word (letters, digits, _ . -), not {name!r}"
    reaches = getattr(channel, "reaches", None)
    if not isinstance(reaches, (set, frozenset)) or not reaches:
        return f"{label}: reaches must be a non-empty frozenset of contact kinds, not {reaches!r}"
    strays = sorted(repr(kind) for kind in reaches if not isinstance(kind, str))
    if strays:
        return f"{label}: reaches holds {', '.join(strays)}, not contact kind names"
    unknown = sorted(kind for kind in reaches if kind not in kinds)
    if unknown:
        return (
            f"{label}: reaches kind {', '.join(map(repr, unknown))}, which no installed plugin"
            " declares (declare it with dispatcher_contact_kinds)"
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
