# Two commands matter: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Where `make run` serves: HOST=0.0.0.0 opens it to the network (AUTH_MODE=off: to anyone).
HOST ?= 127.0.0.1
PORT ?= 8000
REPO_ROOT := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))

.PHONY: help run reset seed test check lint typecheck lock bench clean declare

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 20

# --- Installs ----------------------------------------------------------------------
# pyproject.toml declares the ranges we accept; uv.lock pins every package to one
# version with its hashes, for every Python from 3.11 and every platform. .venv, CI
# and the Lambda layer all install from the lock; `make lock` moves it to the newest
# releases the ranges allow. uv itself is pinned here and installed from PyPI into a
# virtual environment of its own.
UV_VERSION := 0.13.9
UV_VENV := $(REPO_ROOT).venv-uv
UV := $(UV_VENV)/bin/uv
# Use $(PYTHON) (and python3.12 for the layer), never an interpreter uv downloads.
export UV_PYTHON_DOWNLOADS := never

$(UV_VENV)/.uv-$(UV_VERSION):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	touch $@

# .venv holds what uv.lock pins, with the project installed editable, and is synced
# again when pyproject.toml or uv.lock changes. `make run` and `make seed` need only the
# runtime dependencies and the `run` extra (uvicorn, the embedded database); `make test`
# and the other tools need the `dev` extra, which holds `run` too. The run sync is
# --inexact: it adds what is missing and removes nothing, so `make run` after `make test`
# keeps the test tools and going back and forth installs nothing. The dev sync is exact
# (a superset of run's, so it removes nothing `make run` needs). --locked fails when
# pyproject.toml has changed and uv.lock has not: run `make lock`.
RUN_INSTALLED := $(BIN)/.installed-run
$(RUN_INSTALLED): pyproject.toml uv.lock | $(UV_VENV)/.uv-$(UV_VERSION)
	$(UV) sync --locked --inexact --extra run --python $(PYTHON)
	touch $@

$(BIN)/.installed: pyproject.toml uv.lock | $(UV_VENV)/.uv-$(UV_VERSION)
	$(UV) sync --locked --extra dev --python $(PYTHON)
	touch $@

lock: | $(UV_VENV)/.uv-$(UV_VERSION)  ## move uv.lock to the newest releases pyproject.toml allows
	$(UV) lock --upgrade

# Serves the API, its docs (/api/docs) and the frontend on http://$(HOST):$(PORT),
# open to anyone who can reach it (AUTH_MODE=off, with a warning) unless AUTH_MODE is
# set, after the deploy step (python -m api_core.migrate: indexes, data fixes). Without
# MONGODB_URI it starts an embedded MongoDB-wire server whose data stays in .data/
# across restarts, and stops it on exit. --sync-on-commit: a write is on disk before
# it is acknowledged, so a crash (even kill -9) loses nothing that was answered 201;
# `python -m bench.durability` measures what that costs. Anything that keeps it from
# serving (the port taken, .data/ held by another `make run`, a database that does
# not answer) stops it at once with one line saying what, and a non-zero exit.
# The database runs in a process group of its own (set -m), out of Ctrl-C's reach:
# Ctrl-C stops uvicorn, the shell waits for it to exit (trap : INT), and the EXIT trap
# then stops the database with one SIGTERM. A second signal while secantusd-py stops
# re-enters its stop and hangs it.
EMBEDDED_DB_OPTIONS := --sync-on-commit
DATA_DIR ?= .data
EMBEDDED_DB_LOG = $(DATA_DIR).log
UVICORN := $(BIN)/uvicorn api_core.app:app --reload --reload-dir api_core --host $(HOST) --port $(PORT)
run: $(RUN_INSTALLED)  ## serve the API, its docs and the page (an embedded database unless MONGODB_URI)
	@export AUTH_MODE=$${AUTH_MODE:-off}; \
	$(BIN)/python -c 'import socket, sys; socket.create_server((sys.argv[1], int(sys.argv[2])))' \
		$(HOST) $(PORT) 2>/dev/null || { \
		echo "make run: $(HOST):$(PORT) is in use: stop what serves it, or make run PORT=8001" >&2; exit 1; }; \
	if [ -n "$$MONGODB_URI" ]; then \
		$(BIN)/python -m api_core.migrate && exec $(UVICORN); \
		echo "make run: the database at MONGODB_URI did not answer (see above)" >&2; exit 1; \
	fi; \
	mkdir -p $(DATA_DIR); \
	db_port=$$($(BIN)/python -c 'from api_core.devtools.wire_server import free_port; print(free_port())'); \
	set -m; \
	$(BIN)/secantusd-py --host 127.0.0.1 --port $$db_port --storage-path $(DATA_DIR) \
		--log-level WARNING $(EMBEDDED_DB_OPTIONS) > $(EMBEDDED_DB_LOG) 2>&1 & \
	db_pid=$$!; \
	set +m; \
	trap 'status=$$?; trap "" INT TERM; kill $$db_pid 2>/dev/null; wait $$db_pid 2>/dev/null; exit $$status' EXIT; \
	trap 'exit 0' INT TERM; \
	export MONGODB_URI=mongodb://127.0.0.1:$$db_port; \
	until (exec 3<>/dev/tcp/127.0.0.1/$$db_port) 2>/dev/null; do \
		if ! kill -0 $$db_pid 2>/dev/null; then \
			if grep -q "already being managed by another process" $(EMBEDDED_DB_LOG); then \
				echo "make run: $(DATA_DIR)/ is in use by another embedded database: stop the other make run first" >&2; \
			else \
				echo "make run: the embedded database did not start: see $(EMBEDDED_DB_LOG)" >&2; \
			fi; \
			exit 1; \
		fi; \
		sleep 0.1; \
	done; \
	echo "Embedded MongoDB-wire server at $$MONGODB_URI (data in $(DATA_DIR)/);" \
		"demo data: MONGODB_URI=$$MONGODB_URI make seed"; \
	$(BIN)/python -m api_core.migrate || { echo "make run: the deploy step failed (see above)" >&2; exit 1; }; \
	trap : INT; \
	$(UVICORN) & \
	uvicorn_pid=$$!; \
	while wait $$uvicorn_pid; status=$$?; [ $$status -gt 128 ] && kill -0 $$uvicorn_pid 2>/dev/null; do :; done; \
	exit $$status

# The embedded database holds a lock on DATA_DIR/WiredTiger.lock while it runs.
reset:  ## delete the embedded database's data (DATA_DIR); refuses while make run uses it
	@if [ -f $(DATA_DIR)/WiredTiger.lock ] && ! $(PYTHON) -c 'import fcntl, sys; \
		fcntl.lockf(open(sys.argv[1], "a"), fcntl.LOCK_EX | fcntl.LOCK_NB)' \
		$(DATA_DIR)/WiredTiger.lock 2>/dev/null; then \
		echo "make reset: $(DATA_DIR)/ is in use by a make run: stop it first" >&2; exit 1; \
	fi
	@rm -rf $(DATA_DIR) $(EMBEDDED_DB_LOG)
	@echo "make reset: $(DATA_DIR)/ removed; the next make run starts with no data"

# A demo school through the importer: about 500 students (names in many languages), 40
# courses and 2,000 enrollments over three terms, generated the same every time by
# api_core/devtools/demo_school.py, then imported by `python -m api_core.imports` in the order
# students, courses, enrollments. Into MONGODB_URI (and MONGODB_DB): while `make run`
# runs, the URI it printed. It starts nothing; running it again changes nothing.
SEED_OPTIONS ?=
seed: $(RUN_INSTALLED)  ## load a demo school into MONGODB_URI through the importer
	@if [ -z "$$MONGODB_URI" ]; then \
		echo "make seed: set MONGODB_URI to the database to fill; \`make run\` prints the" \
			"embedded database's: MONGODB_URI=mongodb://127.0.0.1:PORT make seed" >&2; \
		exit 2; \
	fi
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	$(BIN)/python -m api_core.devtools.demo_school "$$dir" $(SEED_OPTIONS) && \
	$(BIN)/python -m api_core.migrate && \
	for kind in students courses enrollments; do \
		$(BIN)/python -m api_core.imports $$kind "$$dir/$$kind.csv" || exit 1; \
	done

# After a change to api_core/resources.py: each resource's functions/<name>.py, its
# function in template.yaml and the page's public/js/declared.js follow from it.
declare: $(BIN)/.installed  ## write what follows from the resource declarations (README)
	$(BIN)/python -m api_core.declare

# The whole suite: lint, types, and every test (the browser tests need Chromium).
test: lint typecheck  ## lint, types and the whole suite (browser tests need Chromium)
	$(BIN)/pytest

# The inner loop: lint, types, and the unit tests on mongomock.
check: lint typecheck  ## the inner loop: lint, types and the unit tests
	$(BIN)/pytest tests/unit -q

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

clean:  ## remove the virtual environment, caches and build output
	rm -rf $(VENV) .aws-sam .mypy_cache .pytest_cache .ruff_cache .hypothesis test-output

# --- AWS SAM and Netlify (template.yaml, netlify.toml, tests/deploy/) ----------------
# The deploy tests run the real tools offline. aws-sam-cli pins its own dependencies,
# so it gets a virtual environment of its own; @netlify/config is pinned by .ci/node's
# lockfile. Both install once and are reused.
SAM_VENV := .venv-sam
SAM_TOOLS := aws-sam-cli==1.170.0 cfn-lint==1.58.0
NODE_TOOLS := .ci/node/node_modules/.installed

.PHONY: deploy-tools
deploy-tools: $(SAM_VENV)/.installed $(NODE_TOOLS)  ## install the SAM CLI and @netlify/config the deploy tests run
test: deploy-tools

$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet $(SAM_TOOLS)
	touch $@

$(NODE_TOOLS): .ci/node/package-lock.json
	npm ci --prefix .ci/node --no-audit --no-fund --loglevel=error
	touch $@

# `sam build` runs the build-<LogicalId> targets below (BuildMethod: makefile) with
# ARTIFACTS_DIR set, from a scratch copy of functions/; they read the repository root.
# A function's package is api_core/ (see below) plus its own module, named by its
# logical id in snake_case: build-LabSessionsFunction copies functions/lab_sessions.py.
# So one rule builds every function, and a new resource needs no line here. The layer
# is the runtime dependencies at uv.lock's versions (no dev extras), checked against its
# hashes, as Linux x86_64 wheels for the runtime's Python, so any build machine gives
# the same layer. Its .pyc files use unchecked hashes because SAM zips every file with
# a 1980 timestamp, which would make timestamp-checked .pyc files stale and recompiled
# at every cold start.
LAMBDA_PYTHON ?= python3.12
LAMBDA_PLATFORM := --python-platform x86_64-manylinux2014 --python-version 3.12

# The import functions (functions/import*.py) get api_core/; the others leave
# api_core/imports/ out, as they never import it. No function gets api_core/declare.py,
# which only `make declare` runs, nor api_core/devtools/, the development harness (the
# app never imports it). boto3 is in no package: Lambda's runtime has it. Compiled as
# the layer is: /var/task is read-only, so a package without .pyc files compiles every
# module it imports at every cold start (bench/coldstart.py).
snake_case = $(shell echo '$(1)' | sed -E 's/([a-z0-9])([A-Z])/\1_\2/g' | tr '[:upper:]' '[:lower:]')
WITHOUT_IMPORTS := -not -path 'api_core/imports/*'
NOT_SHIPPED := -not -path api_core/declare.py -not -path 'api_core/devtools/*'

build-%Function:
	$(eval module := $(call snake_case,$*))
	mkdir -p "$(ARTIFACTS_DIR)/functions"
	cd $(REPO_ROOT) && find api_core -name '*.py' $(NOT_SHIPPED) $(if $(filter import%,$(module)),,$(WITHOUT_IMPORTS)) \
		-exec cp --parents {} "$(ARTIFACTS_DIR)" \;
	cp $(REPO_ROOT)functions/__init__.py $(REPO_ROOT)functions/$(module).py "$(ARTIFACTS_DIR)/functions/"
	$(LAMBDA_PYTHON) -m compileall -q --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)"

build-DependenciesLayer: | $(UV_VENV)/.uv-$(UV_VERSION)
	set -o pipefail; \
	$(UV) export --project $(REPO_ROOT) --locked --no-emit-project --format requirements-txt --quiet \
	| $(UV) pip install --quiet --require-hashes --only-binary :all: --link-mode copy \
		--python $(LAMBDA_PYTHON) $(LAMBDA_PLATFORM) --target "$(ARTIFACTS_DIR)/python" -r -
	rm -rf "$(ARTIFACTS_DIR)"/python/bin "$(ARTIFACTS_DIR)"/python/.lock
	$(LAMBDA_PYTHON) -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)/python"

# --- Bulk import on AWS: after fixing what made import batches fail (README, Bulk
# import), move the messages of the batch dead-letter queue back to the batch queue.
# Needs the AWS CLI v2 and credentials; STACK is the stack's name.
STACK ?= student-records
.PHONY: redrive
redrive:  ## move failed import batches from the dead-letter queue back (AWS)
	aws sqs start-message-move-task --source-arn "$$(aws cloudformation describe-stacks \
		--stack-name $(STACK) --output text \
		--query "Stacks[0].Outputs[?OutputKey=='ImportBatchDeadLettersArn'].OutputValue")"

# --- Benchmarks (bench/): not tests; writes bench/results/report.md and its charts ----
$(BIN)/.bench-installed: $(BIN)/.installed
	$(UV) sync --locked --extra dev --extra bench --python $(PYTHON)
	touch $@

bench: $(BIN)/.bench-installed $(SAM_VENV)/.installed  ## run the benchmarks; writes bench/results/report.md
	$(BIN)/python -m bench.report

# --- Fuzzing (tests/fuzz/): schemathesis against the app's own OpenAPI on a real database.
# `make test` runs the same tests with a small budget; this one sends thousands of requests.
FUZZ_EXAMPLES ?= 100
.PHONY: fuzz
fuzz: $(BIN)/.installed  ## schemathesis with a large budget
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_MIN_REQUESTS=2000 $(BIN)/pytest tests/fuzz

# --- Load and soak (bench/soak.py): 60 s at concurrency 32 on uvicorn, then 10,000
# handler invocations; exits non-zero on any error or memory growth over 5 MB.
.PHONY: load
load: $(BIN)/.installed  ## 60 s of load on uvicorn and 10,000 handler invocations
	$(BIN)/python -m bench.soak --seconds 60 --concurrency 32 --invocations 10000
