# quizapp: `make run` serves the demo on SQLite; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app quizapp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-test browser bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(FLASK) db upgrade
	$(FLASK) banks import
	$(FLASK) demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ with the worker beside it (Ctrl+C stops both)"
	@$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Debian's Chromium (browser tests) and poppler-utils (PDF rasterising for QR checks); installed only when
# missing and we are root.
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null); } || \
	  echo "Chromium or poppler-utils is missing: those tests will be skipped (CI fails instead)."

test: install-test browser
	$(BIN)/python -m pytest

# Closed loop (the ceiling, and the ratio to the bare-Flask and secure floors), then 100 staff pacing their
# saves at about 300 a second, then whole attempts (sign in, start, 12 saves, submit) per minute at 100 users.
bench: install-test
	$(BIN)/python -m bench
	$(BIN)/python -m bench --levels 100 --repeats 1 --pause 0.33 --quiz-only
	$(BIN)/python bench/attempt_flow.py --users 100 --seconds 60

lint: install-test
	$(BIN)/ruff check quizapp tests bench
	$(BIN)/mypy
	$(BIN)/bandit -q -r quizapp -c pyproject.toml --severity-level medium

clean:
	rm -rf $(VENV) .pytest_cache
