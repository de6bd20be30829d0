# The documented entry points: README.md and .ci/run call these and nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
DATA ?= sample_data/unit
PORT ?= 8501

.PHONY: run test lint format bench load sample lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

FORCE ?= /tmp/unitload-force

$(FORCE)/manifest.json: | $(STAMP)
	$(BIN)/unitload generate --scale force --seed 1 --out $(FORCE)

bench: $(STAMP) $(FORCE)/manifest.json  ## page, trend and pandas timings at force scale (generates it once)
	$(BIN)/unitload bench --data $(FORCE)

load: $(STAMP) $(FORCE)/manifest.json  ## 20 browser sessions against one server at force scale (not in make test)
	$(BIN)/unitload load --data $(FORCE) --sessions 20 --minutes 3

run: $(STAMP)  ## serve the dashboard on the bundled sample extract
	UNITLOAD_DATA=$(DATA) $(BIN)/streamlit run dashboard.py --server.port $(PORT)

test: $(STAMP)  ## lint, then the whole test suite (fails on any failing test)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

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
