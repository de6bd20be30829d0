# The documented entry points: README.md and .ci/run call these and nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
DATA ?= sample_data/unit
PORT ?= 8501

.PHONY: run test lint format bench bench-region bench-import load sample lock clean system docs

# What the browser, scale-out and store tests need beyond Python: Debian's Chromium, nginx and PostgreSQL (the
# tests start their own servers on loopback). `make test` installs them when run as root (CI, a fresh
# container); otherwise it stops with the command to run. SKIP_BROWSER=1 make test skips those tests instead
# (and says so in the summary).
SYSTEM_PACKAGES := chromium nginx-light postgresql
SYSTEM_PROGRAMS := /usr/bin/chromium /usr/sbin/nginx /usr/lib/postgresql/*/bin/pg_ctl

# pip's own output (its notes on the machine's index settings) goes to a log, shown only when it fails
$(STAMP): requirements.lock pyproject.toml
	@echo "making $(VENV) from requirements.lock (pip's output: $(VENV)/pip.log)"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/python -m pip install --quiet --upgrade pip \
	  && $(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock \
	  && $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable . ; } \
	  > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	@touch $(STAMP)

FORCE ?= /tmp/unitload-force

$(FORCE)/manifest.json: | $(STAMP)
	$(BIN)/unitload generate --scale force --seed 1 --out $(FORCE)

bench: $(STAMP) $(FORCE)/manifest.json  ## page, trend and pandas timings at force scale (generates it once)
	$(BIN)/unitload bench --data $(FORCE)

bench-import: $(STAMP) $(FORCE)/manifest.json  ## import time and peak memory at force scale, from files and from PostgreSQL
	$(BIN)/python -m perf.import_bench --data $(FORCE)

REGION ?= /tmp/unitload-region

$(REGION)/manifest.json: | $(STAMP)
	$(BIN)/unitload generate --scale region --seed 1 --out $(REGION)

bench-region: $(STAMP) $(REGION)/manifest.json  ## the same at region scale, four forces (generates it once, about 7 min)
	$(BIN)/unitload bench --data $(REGION) --targets region

load: $(STAMP) $(FORCE)/manifest.json  ## 20 browser sessions against one server at force scale (not in make test)
	$(BIN)/unitload load --data $(FORCE) --sessions 20 --minutes 3

run: $(STAMP)  ## serve the dashboard on the bundled sample extract
	UNITLOAD_DATA=$(DATA) $(BIN)/streamlit run serve.py --server.port $(PORT)

system:  ## install Debian's chromium, nginx-light and postgresql when missing (as root), unless SKIP_BROWSER is set
	@if [ -z "$$SKIP_BROWSER" ]; then \
	  missing=""; for p in $(SYSTEM_PROGRAMS); do ls $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      echo "installing Debian's $(SYSTEM_PACKAGES) (missing:$$missing; apt's output: /tmp/unitload-apt.log)"; \
	      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	        $(SYSTEM_PACKAGES); } > /tmp/unitload-apt.log 2>&1 || { cat /tmp/unitload-apt.log; exit 1; }; \
	    else \
	      echo "make test needs$$missing. Run:  sudo apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)"; \
	      echo "or skip the browser, scale-out and PostgreSQL tests:  SKIP_BROWSER=1 make test"; \
	      exit 1; \
	    fi; \
	  fi; \
	fi

test: $(STAMP) system  ## lint, the docs check, then the whole test suite (fails on any failing or missing test)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --numprocesses auto --dist loadfile

docs: $(STAMP)  ## rewrite docs/cli.md and docs/queries.md from the code (a test checks they are current)
	$(BIN)/python -m unitload.reference docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

sample: $(STAMP)  ## regenerate the committed sample extract from its recorded seed
	$(BIN)/unitload generate --scale unit --seed 42 --out $(DATA)

lock:  ## re-resolve requirements.lock from pyproject.toml (needs pip-tools)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra dev \
		--output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
