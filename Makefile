# Everything a fresh Linux machine with Python 3.11 needs: `make demo` and `make test` set up
# the virtual environment themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system-deps demo test lint typecheck unit xlam bench bench-marks bench-push bench-excel bench-report clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

setup: $(STAMP)

# the demo's last step builds dist/client-import.xlam and lists its buttons (demo/addin_step.py)
demo: $(STAMP)
	$(BIN)/python -m demo

# the Excel add-in, built from vba/ and xlwings' template, without Excel (never committed)
xlam: $(STAMP)
	$(BIN)/client-import addin build -o dist/client-import.xlam

lint: $(STAMP)
	$(BIN)/ruff check addin tests bench demo
	$(BIN)/ruff format --check addin tests bench demo

typecheck: $(STAMP)
	$(BIN)/mypy

system-deps:
	scripts/system-deps.sh

unit: $(STAMP) system-deps
	$(BIN)/pytest

test: lint typecheck unit xlam

bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-marks: $(STAMP)
	$(BIN)/python -m bench.marks

bench-push: $(STAMP)
	$(BIN)/python -m bench.push

bench-excel: $(STAMP)
	$(BIN)/python -m bench.excel

bench-report: $(STAMP)
	$(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) demo-output dist bench/out .mypy_cache .ruff_cache .pytest_cache
