# The commands the README names. Everything installs into .venv from this file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test unit lit lint bench conformance clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,mlir]'
	touch $(STAMP)

demo: setup
	$(BIN)/pack-opt examples/matmul.mlir -p 'pack-greedily{strategy=avx512 target=avx512 report=true},specialize-mmt4d'
	$(BIN)/pack-opt examples/mlp.mlir -o /dev/null \
	  -p 'pack-stats,pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d,pack-stats'
	$(BIN)/pack-run examples/mlp.mlir --entry mlp --seed 0
	$(BIN)/pack-run examples/mlp.mlir --entry mlp --seed 0 --backend c --check --threads 1 --time 50

test: setup unit lit

unit: setup
	$(BIN)/pytest -q -W error

lit: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/lit -sv test/lit

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Only the upstream-MLIR conformance tests (iree-opt comes with `setup`).
conformance: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/lit -sv test/lit/with-mlir

bench: setup
	$(BIN)/python bench/matmul.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
