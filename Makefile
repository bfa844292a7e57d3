# Two entry points: `make site` and `make test`. Both work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: site test lint format clean bench bench-peers fuzz

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
	rm -rf $(VENV) site .pytest_cache .pmgen-cache bench/.cache bench/results bench/.peers-venv

# Benchmark (docs/benchmark.md). Quick check: make bench BENCH_ARGS="--sizes 100 --runs 1"
# bench-peers adds Hugo, MkDocs, the floor and the live preview (Playwright + /usr/bin/chromium),
# and prints the issue's targets; a subset: make bench-peers BENCH_ARGS="--sizes 1000 --only live"
BENCH_ARGS ?= --sizes 100,1000,5000 --runs 3
PEERS_VENV := bench/.peers-venv

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

$(PEERS_VENV)/.installed: bench/peers-requirements.txt
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install --quiet -r bench/peers-requirements.txt
	touch $@

bench-peers: $(TESTSTAMP) $(PEERS_VENV)/.installed
	$(BIN)/python bench/run.py --peers $(BENCH_ARGS)

# Property tests with thousands of examples each, and the pathological postmortems at 1 MB
# (CI runs the short profiles in make test).
fuzz: $(TESTSTAMP)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/test_fuzz.py tests/test_budget.py
