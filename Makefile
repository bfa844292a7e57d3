# Two entry points: `make site` and `make test`. Both work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: site test lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TESTSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

site: $(STAMP)
	$(BIN)/pmgen build

test: $(TESTSTAMP)
	$(BIN)/python -m pytest -q

lint: $(TESTSTAMP)
	$(BIN)/ruff check pmgen tests
	$(BIN)/ruff format --check pmgen tests

format: $(TESTSTAMP)
	$(BIN)/ruff format pmgen tests
	$(BIN)/ruff check --fix pmgen tests

clean:
	rm -rf $(VENV) site .pytest_cache
