# Developer entry points. Needs python3 (with venv and pip) and GNU make; `make test`
# also needs npm (axe-core for the accessibility tests) and Debian's chromium (installed
# when run as root, otherwise named in a one-line message).
#
#   make run            install, migrate, load demo data, serve on http://127.0.0.1:5000
#   make test           install (pip, npm), compile translations, run the tests (PYTEST_ARGS=...)
#   make lint           ruff check
#   make translations   extract strings and update the .po catalogues
#   make bench          load benchmarks (bench/README.md); never part of CI
#
# The virtualenv lives in .venv; dependencies are (re)installed only when pyproject.toml is
# newer than the stamp file .venv/.installed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TRANSLATIONS := app/translations
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

export FLASK_APP := wsgi

.PHONY: help install run test lint translations compile-translations bench chromium

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

# Compiled catalogues (.mo) are not committed; compile whatever .po files exist.
compile-translations: $(STAMP)
	@if [ -d $(TRANSLATIONS) ] && find $(TRANSLATIONS) -name '*.po' | grep -q .; then \
		$(BIN)/pybabel -q compile -d $(TRANSLATIONS); \
	else \
		echo "no translation catalogues in $(TRANSLATIONS) yet; skipping compile"; \
	fi

run: compile-translations
	APP_ENV=development $(BIN)/flask db upgrade
	APP_ENV=development $(BIN)/flask demo load
	APP_ENV=development $(BIN)/flask demo users
	APP_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

# axe-core for the accessibility tests (package.json, exact versions from package-lock.json);
# installed when missing or when the lock file changed.
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The page tests drive Debian's Chromium. As root (CI, a fresh container) it is installed from
# apt; otherwise stop at once with the one line that says what to install.
chromium:
	@if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's chromium for the page tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null \
			|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null; }; \
		else \
			echo "make test needs Chromium for the page tests: run 'sudo apt-get install chromium' (Debian/Ubuntu) and try again" >&2; \
			exit 1; \
		fi; \
	fi

test: chromium compile-translations node_modules
	$(BIN)/pytest tests $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

translations: $(STAMP)
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	@for lang in sv en; do \
		if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --ignore-obsolete --ignore-pot-creation-date -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		else \
			$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		fi; \
	done

bench: compile-translations
	$(BIN)/python bench/run.py
	$(BIN)/python bench/kb.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/sweep.py
