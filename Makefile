# Needlepoint: two commands on a fresh machine (Python 3.11 and make):
#   make demo   serve the product on SQLite with demo data at http://127.0.0.1:8000
#   make test   run the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: install demo serve test lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) on PATH (or run: make PYTHON=/path/to/python3.11)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

demo: install
	$(BIN)/needlepoint demo --port $(PORT)

serve: install
	$(BIN)/needlepoint serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/lint-imports
	$(BIN)/mypy

test: install lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var build dist src/*.egg-info
