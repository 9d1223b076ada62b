# Every target creates the virtual environment itself when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Exact versions of every dependency (Python 3.11, Linux x86_64), made by `make lock` from the
# ranges in pyproject.toml. Installing with it as constraints keeps both: the ranges still
# apply, and each package comes in the version the tests ran on.
LOCK   := requirements.lock
UV     := uv==0.13.9
# The hot path, compiled by Cython from its plain-Python source (setup.py, model/compiled.py):
# the modules with a .pxd beside them. The dependencies are installed first without it, then
# $(COMPILED) compiles it once; an edit to one of those modules is compiled again by the next
# `make` target that runs the model (`make compile` does only that).
HOT      := setup.py $(wildcard model/*/*.pxd) $(patsubst %.pxd,%.py,$(wildcard model/*/*.pxd))
COMPILED := $(VENV)/.compiled

.PHONY: demo reorganise test lint lock bench clean app mutation compile profile

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	SDSIM_PURE_BUILD=1 $(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[test,pm,report,app]'
	touch $(STAMP)

$(COMPILED): $(STAMP) $(HOT)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(COMPILED)

compile: $(COMPILED)

demo: $(COMPILED)
	$(BIN)/sdsim compare scenarios/patchwork.toml scenarios/centralised.toml \
	    scenarios/decentralised.toml scenarios/aligned.toml scenarios/cooperating.toml \
	    scenarios/integrated_columns.toml \
	    --replications 3 --workers 2 --out results/demo
	$(BIN)/sdsim report results/demo --lang nl --out results/demo/report.html
	$(BIN)/sdsim report results/demo --lang en --out results/demo/report.en.html
	@echo "open results/demo/report.html (Dutch) or results/demo/report.en.html (English)"

reorganise: $(COMPILED)
	$(BIN)/sdsim compare scenarios/patchwork.toml scenarios/reorganise_aligned.toml \
	    scenarios/reorganise_centralised.toml scenarios/cooperate_from_year2.toml \
	    scenarios/reorganise_integrated_columns.toml \
	    --years 5 --replications 3 --workers 2 --out results/reorganise_or_cooperate

# The tests run the compiled build; those that hand the handlers stand-in objects (marked
# pure_python) run on the Python source after them, and tests/engine/test_compiled.py holds
# both builds to the same results, byte for byte.
test: $(COMPILED)
	$(BIN)/ruff check model tests experiments
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -m "not pure_python"
	SDSIM_PURE_PYTHON=1 $(BIN)/python -m pytest -m pure_python

lint: $(COMPILED)
	$(BIN)/ruff check model tests experiments
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check model tests experiments

# Re-resolves the lock after a change to pyproject.toml, keeping the versions it can keep;
# `make lock LOCK_ARGS=--upgrade` moves every package to its newest allowed version. uv comes
# from PyPI into a throw-away environment, so neither .venv nor the lock depends on it.
lock:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp" && "$$tmp/bin/python" -m pip install --quiet '$(UV)' && \
	"$$tmp/bin/uv" pip compile pyproject.toml --extra test --extra pm --extra report --extra app $(LOCK_ARGS) \
	    --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	    --custom-compile-command 'make lock' --quiet -o $(LOCK)

# The students' app in the browser (docs/students.md): http://localhost:$(PORT)/
PORT     ?= 8765
SCENARIO ?=
app: $(COMPILED)
	$(BIN)/sdsim app $(SCENARIO) --port $(PORT)

# Would the tests notice a wrong model? mutmut over the mechanism and cost modules, each in a
# copy under /tmp/sdsim-mutation (resumable), the table into docs/testing.md. Slow: hours.
# mutmut is pinned exactly (==2.5.1) in the `mutation` extra instead of the lock: neither the
# extras `make test` installs nor `make lock` include it.
mutation: $(COMPILED)
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	$(BIN)/python experiments/mutation.py --write docs/testing.md

# Where the compiled run's time goes (docs/performance.md): py-spy, with native frames, over
# a tenth of the country (two years of warm-up, one measured); pinned in the `profile` extra.
profile: $(COMPILED)
	SDSIM_PURE_BUILD=1 $(BIN)/python -m pip install --quiet -e '.[profile]'
	$(BIN)/python experiments/profile_native.py

bench: $(COMPILED)
	$(BIN)/python experiments/bench.py --write docs/performance.md

clean:
	rm -rf $(VENV) build *.egg-info
	find model \( -name '*.so' -o -name '*.c' \) -delete
