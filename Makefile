# Two entry points for a fresh machine; each sets itself up (virtualenv in .venv/, dependencies).
#   make demo   replay the bundled archive through crawl → extract → dataset (offline), plus the seed report
#   make test   lint, type-check, layer-check and run the test suite (the long blind acceptance runs: make check)
#   make bench  speed and memory next to their anchors (bench/results/latest.json)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test check lint unit bench venv sysdeps clean

sysdeps:
	./scripts/sysdeps.sh

$(STAMP): pyproject.toml
	./scripts/sysdeps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP) sysdeps
	$(BIN)/xxgk run --demo --data data --jobs 2
	$(BIN)/xxgk extract data/samples/jilin_tonghua_dongchang_science_bureau_2023.txt --dataset data/dataset

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP) sysdeps
	$(BIN)/python -m pytest -n 2 -q -m "not (blind and slow)"

test: lint unit

# everything, including the long blind acceptance runs (hostile corpus, kill -9, phone photos, PDFs,
# report assembly, the workbench in Chromium); a file's tests stay on one worker, so a corpus a module
# builds once is built once
check: lint $(STAMP) sysdeps
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: $(STAMP) sysdeps
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) data/dataset .mypy_cache .ruff_cache .pytest_cache
