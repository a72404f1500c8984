# Quick start:  `make run` (install + run the pipeline on the bundled sample corpus)
#               `make test` (install + run the test suite)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RAW    ?= samples/corpus
LOCK   := requirements.lock

.PHONY: install run test test-fast bench report clean browser lock deps-check

install: $(VENV)/.installed

# Exact versions and hashes from the lock (made by `make lock`), with the Python's own pip (no upgrade from the
# network); then the project itself, built with the lock's setuptools (no unpinned build environment).
$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	@touch $@

# Re-resolve requirements.lock from pyproject.toml (the project's dependencies plus the dev extra). Versions
# already in the lock are kept when they still fit; `make lock UPGRADE=1` moves everything to the newest allowed.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools==7.6.2
	CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --quiet --extra dev --generate-hashes \
	  --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	  $(if $(UPGRADE),--upgrade) -o $(LOCK) pyproject.toml

# Every import is a declared dependency and every dependency is used (configuration: [tool.deptry]).
deps-check: install
	$(BIN)/deptry src schemas flows scripts benchmarks tests eval

run: install
	$(BIN)/spaceetl run $(RAW)

report: install
	$(BIN)/spaceetl report

# The browser test of the HTML report needs Chromium (Debian's package; no browser download at run time).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium not installed and not root: the browser test will be skipped"; fi; }

test: install browser
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not e2e"

bench: install
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/*.lock warehouse/reports
