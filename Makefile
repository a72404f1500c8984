# Quick start:  `make run` (install + run the pipeline on the bundled sample corpus)
#               `make test` (install + run the test suite)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RAW    ?= samples/corpus

.PHONY: install run test test-fast bench report clean browser

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

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
