# The commands the README names. Everything installs into .venv from pyproject.toml:
#   setup        packdialect + its test and lint tools (pytest, filecheck, lit,
#                ruff, import-linter, ml_dtypes)
#   setup-mlir   setup + upstream MLIR's iree-opt (PyPI iree-base-compiler,
#                ~350 MB), the conformance oracle of test/lit/with-mlir
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MLIR_STAMP := $(VENV)/.installed-mlir

.PHONY: setup setup-mlir demo test unit lit lint bench conformance clean

setup: $(STAMP)

setup-mlir: $(MLIR_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

$(MLIR_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[test,mlir]'
	touch $(MLIR_STAMP)

demo: setup
	$(BIN)/pack-opt examples/matmul.mlir -p 'pack-greedily{target=host report=true},specialize-mmt4d'
	$(BIN)/pack-opt examples/mlp.mlir -o /dev/null \
	  -p 'pack-stats,pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d,pack-stats'
	$(BIN)/pack-run examples/mlp.mlir --entry mlp --seed 0
	$(BIN)/pack-run examples/mlp.mlir --entry mlp --seed 0 --backend c --check --threads 1 --time 50

# The whole suite: lint (ruff, import-linter contracts), pytest, lit. Installs
# iree-opt so the conformance tests run (they report UNSUPPORTED without it).
test: setup-mlir lint unit lit

unit: setup
	$(BIN)/pytest -q -W error

lit: setup
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/lit -sv test/lit

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Only the upstream-MLIR conformance tests.
conformance: setup-mlir
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/lit -sv test/lit/with-mlir

bench: setup
	$(BIN)/python bench/matmul.py
	$(BIN)/python bench/torch_models.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
