"""Every test reads and writes the desk's remembered settings in a folder of its own."""

import pytest


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
