"""Compiles the message catalogues (.po → .mo) whenever the package is built, editable or not.

Everything else about the distribution is in pyproject.toml.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        spec = importlib.util.spec_from_file_location(
            "dispatcher_i18n_compile", HERE / "dispatcher" / "i18n" / "compile.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.compile_all()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
