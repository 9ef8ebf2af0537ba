# `make desk` and `make test` work on a fresh machine with Python 3.11+ and make:
# they create .venv when it is missing and install the project and its plugins there.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PLUGINS := $(patsubst %/pyproject.toml,%,$(wildcard plugins/*/pyproject.toml))
STAMP  := $(VENV)/.installed
DATA   ?= .dispatcher-data
# Who sits at `make desk`: a dispatcher of the sample roster (set DISPATCHER_AS to your own).
DISPATCHER_AS ?= csc-jiang-hong
# The compiled Chinese catalogue (setup.py compiles it in builds; this keeps a clone's current).
MO     := dispatcher/i18n/locale/zh/LC_MESSAGES/dispatcher.mo

.PHONY: install desk test test-stress lint format bench clean catalogue

install: $(STAMP) $(MO)

$(STAMP): pyproject.toml $(wildcard plugins/*/pyproject.toml)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dispatcher needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' $(foreach p,$(PLUGINS),-e ./$(p))
	touch $(STAMP)

$(MO): $(MO:.mo=.po) $(STAMP)
	$(BIN)/pybabel -q compile -d dispatcher/i18n/locale -D dispatcher

desk: $(STAMP) $(MO)
	DISPATCHER_AS="$(DISPATCHER_AS)" $(BIN)/dispatcher desk --roster contacts.yaml --data $(DATA)

test: $(STAMP) $(MO)
	$(BIN)/python -m pytest

# The suite three times in a row while a busy loop per core keeps the machine loaded: the
# tests wait on what they observe, never on a fixed time (tests/stress.py).
test-stress: $(STAMP) $(MO)
	$(BIN)/python tests/stress.py --runs 3

# ruff's linter and formatter, mypy (see [tool.mypy]), and the import-linter contracts of the layers.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing marked strings or a command's help: refresh the Chinese catalogue's entries (new ones come empty,
# and tests/i18n fails until each has its Chinese form).
catalogue: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel -q extract --sort-by-file -k NC_:1c,2 -k NN_:1,2 -k tr -k tr_n:1,2 -o build/dispatcher.pot dispatcher plugins
	$(BIN)/python -c 'from dispatcher.cli.help import add_to_template as add; add("build/dispatcher.pot")'
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i build/dispatcher.pot \
		-d dispatcher/i18n/locale -D dispatcher -l zh

bench: $(STAMP)
	@set -e; for script in bench/*.py; do echo "# $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .mypy_cache
