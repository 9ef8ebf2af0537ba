"""The engine's settings from the environment: the SMS rate and each channel's send bound."""

from __future__ import annotations

import pytest


def test_send_bounds_come_from_the_environment_per_channel():
    from dispatcher.engine.settings import EngineSettings
    from dispatcher.errors import DispatcherError

    settings = EngineSettings.from_environ(
        {"DISPATCHER_SEND_TIMEOUT": "30", "DISPATCHER_SEND_TIMEOUT_EMAIL": "5"}
    )
    assert (settings.send_timeout, dict(settings.send_timeouts)) == (30.0, {"email": 5.0})
    assert EngineSettings.from_environ({}).send_timeout == 20.0
    with pytest.raises(DispatcherError, match="DISPATCHER_SEND_TIMEOUT_SMS must be a number"):
        EngineSettings.from_environ({"DISPATCHER_SEND_TIMEOUT_SMS": "soon"})
