# The Makefile is the main script: `make help` lists the targets.
# `make memos` and `make test` create .venv when it is missing, install, register the
# Jupyter kernel `kip-workbook` inside it (papermill and JupyterLab find it there), and run.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# nbval compares stored outputs where a cell is marked NBVAL_CHECK_OUTPUT: only 01 has one. The other notebooks
# are validate-run-display over kip_analysis.analyses.*.run, tested in-process (tests/test_*_run.py) and run
# headless by the memo batch and tests/test_notebooks.py; nbval would only re-run them.
NBVAL_NOTEBOOKS := notebooks/01_programme_facts.ipynb
# two pytest workers (pytest-xdist): the tests reading the session's memo batch share one (tests/conftest.py)
XDIST ?= -n 2

.DEFAULT_GOAL := help
.PHONY: help setup memos pdf test test-fast test-browser reference data lab lint format notebooks execute-notebooks clean-data clean-cache

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name kip-workbook --display-name "KIP workbook (.venv)"
	touch $(STAMP)

setup: $(STAMP) ## create .venv, install the workbook, register the kernel

memos: $(STAMP) ## set up, then write the annual memos into reports/ (papermill batch)
	$(PY) -m kip_analysis.batch $(MEMO_ARGS)

pdf: $(STAMP) ## set up, then print each memo.html in reports/ to memo.pdf (headless Chromium)
	$(PY) -m kip_analysis.batch.pdf

test: $(STAMP) ## set up, then run lint, unit/reference/notebook tests and nbval
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(XDIST)
	$(PY) -m pytest -o addopts="--strict-markers -ra" --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg $(NBVAL_NOTEBOOKS)

test-browser: $(STAMP) ## the reviewer's-eye browser tests only (needs Debian chromium + chromium-driver)
	KIP_REQUIRE_BROWSER=1 $(PY) -m pytest -m browser tests/test_browser.py

test-fast: $(STAMP) ## unit tests only (skips notebook execution)
	$(PY) -m pytest $(XDIST) -m "not notebook and not browser and not slow"

reference: $(STAMP) ## re-make the published-numbers reference (tests/test_estimates_unchanged.py): only when a number is meant to change
	$(PY) tests/test_estimates_unchanged.py

data: $(STAMP) ## rebuild data/processed/ from data/raw/
	$(PY) -m kip_analysis.data.processed

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP) ## ruff over the package, tests and notebooks
	$(VENV)/bin/ruff check .

format: $(STAMP) ## ruff format
	$(VENV)/bin/ruff format kip_analysis tests benchmarks

notebooks: $(STAMP) ## re-pair notebooks from their jupytext .py twins
	$(VENV)/bin/jupytext --sync notebooks/*.py

clean-cache: ## delete the disk cache of shared work (.cache/joblib: the SIMULATED panel, robust intervals)
	rm -rf .cache

clean-data: ## delete data/processed (it is rebuilt from raw)
	rm -rf data/processed/*.csv data/processed/*.json

execute-notebooks: $(STAMP) ## run every notebook in place with its default parameters (stores outputs for nbval)
	for nb in notebooks/[0-9][0-9]_*.ipynb; do \
	  $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=kip-workbook "$$nb" || exit 1; \
	done
