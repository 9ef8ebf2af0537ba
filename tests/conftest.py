"""For every test: commands that start the log file (desk, engine, live drills) reconfigure
the process's logging; put it back afterwards, closing the file they opened."""

import logging

import pytest


@pytest.fixture(autouse=True)
def logging_restored():
    root, ours = logging.getLogger(), logging.getLogger("dispatcher")
    handlers, levels = list(root.handlers), (root.level, ours.level)
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    ours.setLevel(levels[1])
