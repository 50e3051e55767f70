# Yizhan 一站 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_MATTERS ?= 2000

.PHONY: run test install system-deps lint format migrate demo e2e bench clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Debian packages: a Chinese TrueType font for PDF exports, poppler to check PDFs, chromium for
# browser tests. Installed when missing and we are root; otherwise a warning says what to install.
system-deps:
	@missing=""; \
	for pkg in fonts-wqy-microhei poppler-utils; do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null 2>&1)) \
	     || echo "warning: could not install$$missing (PDF export needs a Chinese TrueType font)"; \
	  else echo "warning: please install$$missing (sudo apt-get install$$missing)"; fi; \
	fi

run: $(STAMP) system-deps
	$(BIN)/yizhan init --demo-matters $(DEMO_MATTERS)
	$(BIN)/yizhan serve

# ruff (style and bugs), mypy (types, with django-stubs) and import-linter (the layers of
# docs/architecture.md and the public names of each app; contracts in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy yizhan statute_engine tools training bench
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q

e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m e2e tests/e2e

bench: $(STAMP)
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) var/test-media var/test-index
