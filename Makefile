# Sendward: `make run` serves, `make test` runs every test (each installs what it needs:
# `make run` only the service's Python packages; `make test` also the test extras, npm packages
# and the Debian packages the browser and load tests use).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYPROJECT_HASH := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(PYPROJECT_HASH)
SERVE_STAMP := $(VENV)/.serving-$(PYPROJECT_HASH)
NPM_STAMP := addin/node_modules/.installed-$(shell cat addin/package.json addin/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install install-serve run test soak bench eval eval-misdirected lint clean system-deps

install: $(STAMP) system-deps
ifneq ($(wildcard addin/package.json),)
install: $(NPM_STAMP)
endif

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,redis]'
	rm -f $(VENV)/.installed-* $(VENV)/.serving-* && touch $@ $(SERVE_STAMP)

# What serving needs and nothing more: the package and its dependencies (no test extras,
# no npm packages: the demo and the dev identity do not load MSAL.js; no Chromium).
install-serve: $(SERVE_STAMP)

$(SERVE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.serving-* && touch $@

$(NPM_STAMP): addin/package.json
	cd addin && npm ci --no-audit --no-fund --loglevel=error
	rm -f addin/node_modules/.installed-* && touch $@

system-deps:
	@scripts/install-system-deps.sh

run: install-serve
	$(BIN)/sendward serve --host 127.0.0.1 --port $${PORT:-8000}

# Parallel workers (pytest-xdist): one per core, at most 4; tests/conftest.py groups the tests that
# must not run beside each other (the machine's PostgreSQL, the browser) onto one worker.
test: install lint
	$(BIN)/python -m pytest -q -m "not slow" -n auto --maxprocesses 4 --dist loadgroup
	@if [ -f addin/package.json ]; then cd addin && npm test --silent; fi

soak: install
	HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -q -m "slow" tests
	HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -q tests/fuzz

bench: install
	$(BIN)/python bench/run.py

# Precision and recall on ../shared/eval/ (or $$SENDWARD_EVAL_DIR); skips the real data when absent.
eval: install
	$(BIN)/python bench/eval.py

eval-misdirected: install
	$(BIN)/python bench/misdirected_eval.py

lint: install
	$(BIN)/python -m ruff check server tests bench
	$(BIN)/lint-imports  # the layers and no cycles: [tool.importlinter] in pyproject.toml

clean:
	rm -rf $(VENV) addin/node_modules .pytest_cache
