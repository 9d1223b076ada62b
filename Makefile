# Every target creates the virtual environment itself when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo reorganise test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sdsim compare scenarios/patchwork.toml scenarios/centralised.toml \
	    scenarios/decentralised.toml scenarios/aligned.toml scenarios/cooperating.toml \
	    --replications 3 --workers 2 --out results/demo

reorganise: $(STAMP)
	$(BIN)/sdsim compare scenarios/patchwork.toml scenarios/reorganise_aligned.toml \
	    scenarios/reorganise_centralised.toml scenarios/cooperate_from_year2.toml \
	    --years 5 --replications 3 --workers 2 --out results/reorganise_or_cooperate

test: $(STAMP)
	$(BIN)/ruff check model tests experiments
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check model tests experiments
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check model tests experiments

bench: $(STAMP)
	$(BIN)/python experiments/bench.py --write docs/performance.md

clean:
	rm -rf $(VENV) build *.egg-info
