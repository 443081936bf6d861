# aksext: `make demo` runs the emulator and a real az session; `make test` sets everything up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements-dev.txt | cut -d' ' -f1)
WHEEL := dist/aksext-$(shell sed -n "s/^VERSION = '\(.*\)'/\1/p" setup.py)-py3-none-any.whl
PIP_QUIET := PIP_DISABLE_PIP_VERSION_CHECK=1 $(BIN)/python -m pip install -q
# The pip that venv bundles varies with the Python; `az extension add` runs this one.
PIP_VERSION := 26.3
LINT_VENV := .venv-lint
LINT_STAMP := $(LINT_VENV)/.installed-$(shell cksum < requirements-lint.txt | cut -d' ' -f1)
# Test-only Node.js services (Azurite), pinned in package.json and package-lock.json.
NODE_STAMP := node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1)

.PHONY: demo test unit lint emulator bench record wheel node clean
# `make bench SOAK=<seconds>`: the fleet rollout soaks each cluster that long (5 s unless given; 0: no soak).
SOAK ?= 5

$(STAMP): requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_QUIET) pip==$(PIP_VERSION)
	$(PIP_QUIET) -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

$(WHEEL): $(STAMP) setup.py $(shell find azext_aksext -name '*.py' -o -name '*.json')
	rm -rf dist build *.egg-info
	$(BIN)/pip wheel -q --no-deps --no-build-isolation -w dist . >/dev/null

wheel: $(WHEEL)

$(LINT_STAMP): requirements-lint.txt
	test -x $(LINT_VENV)/bin/python || $(PYTHON) -m venv $(LINT_VENV)
	PIP_DISABLE_PIP_VERSION_CHECK=1 $(LINT_VENV)/bin/python -m pip install -q -r requirements-lint.txt
	rm -f $(LINT_VENV)/.installed-* && touch $@

# Without Node.js the tests that need Azurite skip, saying why; the stamp is left out so a later run installs it.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the tests that need Azurite (Node.js) will be skipped"; fi

node: $(NODE_STAMP)

lint: $(LINT_STAMP)
	$(LINT_VENV)/bin/python scripts/lint.py

demo: $(WHEEL)
	$(BIN)/python scripts/demo.py --wheel $(WHEEL)
	$(BIN)/python scripts/demo_many_clusters.py --wheel $(WHEEL)

# `make test K=<expr>` runs only the tests whose names match (pytest -k), without the lint.
test: $(if $(K),,lint) $(WHEEL) $(NODE_STAMP)
	AKSEXT_WHEEL=$(WHEEL) $(BIN)/python -m pytest -n 2 -q tests $(if $(K),-k '$(K)')

# The in-process tests: no az, no emulator, a few seconds.
unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit $(if $(K),-k '$(K)')

emulator: $(WHEEL)
	$(BIN)/python scripts/emulator.py --wheel $(WHEEL)

bench: $(WHEEL) $(NODE_STAMP)
	$(BIN)/python bench/run.py --wheel $(WHEEL)
	$(BIN)/python bench/many_clusters.py --wheel $(WHEEL) --soak $(SOAK)
	$(BIN)/python bench/troubleshoot.py --wheel $(WHEEL)

record: $(WHEEL)
	$(BIN)/python tests/recording/record.py --wheel $(WHEEL)

clean:
	rm -rf dist build *.egg-info .demo .emulator .bench .demo-many .bench-many .bench-troubleshoot
