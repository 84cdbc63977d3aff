# Sendward: `make run` serves, `make test` runs every test (both install what they need).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
NPM_STAMP := addin/node_modules/.installed-$(shell cat addin/package.json addin/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test soak bench eval lint clean system-deps

install: $(STAMP) system-deps
ifneq ($(wildcard addin/package.json),)
install: $(NPM_STAMP)
endif

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,redis]'
	rm -f $(VENV)/.installed-* && touch $@

$(NPM_STAMP): addin/package.json
	cd addin && npm ci --no-audit --no-fund --loglevel=error
	rm -f addin/node_modules/.installed-* && touch $@

system-deps:
	@scripts/install-system-deps.sh

run: install
	$(BIN)/sendward serve --host 127.0.0.1 --port $${PORT:-8000}

test: install
	$(BIN)/python -m pytest -q -m "not slow"
	@if [ -f addin/package.json ]; then cd addin && npm test --silent; fi

soak: install
	HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -q -m "slow" tests
	HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -q tests/fuzz

bench: install
	$(BIN)/python bench/run.py

# Precision and recall on ../shared/eval/ (or $$SENDWARD_EVAL_DIR); skips the real data when absent.
eval: install
	$(BIN)/python bench/eval.py

lint: install
	$(BIN)/python -m ruff check server tests bench

clean:
	rm -rf $(VENV) addin/node_modules .pytest_cache
