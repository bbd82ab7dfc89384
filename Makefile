# Two commands matter: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint typecheck check bench clean

# The virtual environment is rebuilt when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Serves the API, its docs (/api/docs) and the frontend on http://127.0.0.1:$(PORT).
# Without MONGODB_URI it starts an embedded MongoDB-wire server whose data stays in
# .data/ across restarts, and stops it on exit.
run: $(BIN)/.installed
	@if [ -n "$$MONGODB_URI" ]; then \
		exec $(BIN)/uvicorn api_core.app:app --reload --host 127.0.0.1 --port $(PORT); \
	fi; \
	mkdir -p .data; \
	db_port=$$($(BIN)/python -c 'from tests.support.wire_server import free_port; print(free_port())'); \
	$(BIN)/secantusd-py --host 127.0.0.1 --port $$db_port --storage-path .data --log-level WARNING & \
	db_pid=$$!; \
	trap 'kill $$db_pid 2>/dev/null; wait $$db_pid 2>/dev/null' EXIT; \
	echo "Embedded MongoDB-wire server on 127.0.0.1:$$db_port, data in .data/"; \
	MONGODB_URI=mongodb://127.0.0.1:$$db_port $(BIN)/uvicorn api_core.app:app \
		--reload --reload-dir api_core --host 127.0.0.1 --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .aws-sam .mypy_cache .pytest_cache .ruff_cache test-output
