# Mamori — the two set-up commands: `make run` and `make test`. Both bootstrap .venv from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= mamori-out

.PHONY: run test lint typecheck unit system-deps native bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(wildcard native/src/*) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@# The compiled log parsers are optional here: without a C compiler Mamori uses the Python ones.
	$(BIN)/pip install --quiet ./native || echo "note: native/ not built (no C compiler?): pure-Python log parsers, same results, slower"
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## run: install Mamori, load the demo advisories, scan the demo estate, write reports to ./mamori-out/
run: $(VENV)/.installed
	$(BIN)/mamori db import examples/advisories/pypa
	$(BIN)/mamori scan examples/estate --scope examples/scope.yaml --out $(OUT) --fail-on never
	$(BIN)/mamori audit verify

## test: install what the tests need (PyPI + Debian packages), run the quality gates and the suite
test: $(VENV)/.installed-test system-deps native lint typecheck unit

system-deps:
	scripts/install-system-deps.sh

## native: build and install the compiled log parsers (required by the tests; needs gcc)
native: $(VENV)/.installed-test system-deps
	$(BIN)/pip install --quiet ./native
	$(BIN)/python -c "import _mamori_speedups"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

unit: $(VENV)/.installed-test
	$(BIN)/pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python bench/code_scan.py

clean:
	rm -rf $(VENV) .mamori $(OUT) .pytest_cache .mypy_cache .ruff_cache native/build native/*.egg-info
