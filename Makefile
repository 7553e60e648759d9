# museaud: `make run` sets up and starts the app, `make test` sets up and runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CHECKED := src tests benchmarks scripts

.PHONY: run setup system-deps test-deps test lint lock clean

run: setup
	$(BIN)/museaud

setup: system-deps $(VENV)/.installed

system-deps:
	scripts/install-system-deps

test-deps:
	scripts/install-system-deps --test

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/mypy

test: test-deps $(VENV)/.installed lint
	$(BIN)/pytest

# Re-pin the versions CI tests with (after changing dependencies in pyproject.toml).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade pip
	.lockenv/bin/python -m pip install --quiet ".[test]"
	.lockenv/bin/python -m pip freeze --exclude museaud > constraints.txt
	rm -rf .lockenv

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache
