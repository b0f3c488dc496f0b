# incidentkit — every target creates the environment it needs.
# Fresh machine: `make reports` (render the default reports) and `make test` (run every test).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL_NAME := incidentkit
JOBS ?=
PYTEST_ARGS ?=

.PHONY: help venv reports test lab lint refresh-checked bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

$(STAMP): pyproject.toml constraints.txt share/jupyter/kernels/$(KERNEL_NAME)/kernel.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "incidentkit needs Python >= 3.11; set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	$(VENV)/bin/jupyter kernelspec install --log-level=WARN --sys-prefix --name $(KERNEL_NAME) share/jupyter/kernels/$(KERNEL_NAME)
	touch $(STAMP)

venv: $(STAMP)  ## create .venv and install the pinned environment

reports: $(STAMP)  ## render the default report plan (reports/plan.yaml) into reports/latest
	$(PY) -m incidentkit.reports run $(if $(JOBS),--jobs $(JOBS),)

test: $(STAMP)  ## run the library tests, the notebook tests (nbval) and the papermill runs
	$(PY) -m pytest $(PYTEST_ARGS) tests
	$(PY) -m pytest --nbval-lax --nbval-kernel-name $(KERNEL_NAME) --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider $(PYTEST_ARGS) notebooks

lab: $(STAMP)  ## JupyterLab on the project folder, every notebook on the project's kernel, nothing fetched from the web
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" --MappingKernelManager.default_kernel_name=$(KERNEL_NAME) \
		--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
		$(if $(filter 0,$(shell id -u)),--allow-root,) notebooks/00-explore.ipynb

lint: $(STAMP)  ## ruff on the library, tests and notebooks; notebooks must be stored without outputs
	$(VENV)/bin/ruff check lib tests bench notebooks
	$(PY) -m incidentkit.devtools.notebooks notebooks

refresh-checked: $(STAMP)  ## after a data change: re-run notebooks and store their # NBVAL_CHECK_OUTPUT outputs
	$(PY) -m incidentkit.devtools.notebooks --refresh-checked notebooks

bench: $(STAMP)  ## run the benchmarks in bench/ (slow; prints ratios)
	$(PY) bench/bench_readers.py
	$(PY) bench/bench_cache_formats.py
	$(PY) bench/bench_excel.py
	$(PY) bench/bench_reports.py
	$(PY) bench/bench_plan_check.py

clean:  ## remove the environment and caches (keeps rendered reports)
	rm -rf $(VENV) .pytest_cache .ruff_cache
