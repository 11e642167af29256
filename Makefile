# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup assets demo lint test test-slow bench bench-import bench-dashboard bench-national lock clean clean-bench real-demo essex-msg system-deps axe

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)
	$(MAKE) assets

# The look: govuk-frontend and sass from the npm registry into build/ (not committed), and the
# site's stylesheet compiled from them (src/crimeplan/web/scss). Versions pinned here.
GOVUK_FRONTEND_VERSION := 6.3.0
SASS_VERSION := 1.97.3
WEB_BUILD := build/web
WEB_CSS := $(WEB_BUILD)/crimeplan.css

$(WEB_CSS): src/crimeplan/web/scss/crimeplan.scss Makefile
	npm install --prefix $(WEB_BUILD) --no-audit --no-fund --no-save --ignore-scripts --loglevel=error \
	  govuk-frontend@$(GOVUK_FRONTEND_VERSION) sass@$(SASS_VERSION)
	$(WEB_BUILD)/node_modules/.bin/sass --load-path=$(WEB_BUILD)/node_modules --no-source-map \
	  --style=compressed --quiet-deps src/crimeplan/web/scss/crimeplan.scss $(WEB_CSS).tmp
	mv $(WEB_CSS).tmp $(WEB_CSS)

assets: $(WEB_CSS)

# the environment alone: then run .venv/bin/crimeplan ...
setup: $(STAMP)

demo: $(STAMP) assets
	$(BIN)/crimeplan demo --out demo-output

# poppler's pdftoppm turns report pages into pictures for the PDF tests, the browser tests
# drive Debian's Chromium (never a browser downloaded by `playwright install`), and the backend
# tests start PostgreSQL and Spark: Debian packages
system-deps:
	@command -v pdftoppm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@# the backend tests: a throwaway PostgreSQL cluster (initdb, pg_ctl) and Java 17 for Spark
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# axe-core, the accessibility checker the browser tests inject into each page, from the npm
# registry into build/ (git-ignored); the version is in the path, so changing the pin fetches it
AXE_VERSION := 4.14.1
AXE := build/axe/$(AXE_VERSION)/node_modules/axe-core/axe.min.js

$(AXE):
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm install --silent --no-save --no-audit --no-fund --prefix build/axe/$(AXE_VERSION) axe-core@$(AXE_VERSION)
	@test -f $(AXE)

axe: $(AXE)

# the linter and the type checker (settings in pyproject.toml); any finding fails the build
lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

# the Spark tier of the backend tests (tests/backends) needs the `spark` extra: the base
# environment stays without pyspark (468 MB); its pins are requirements.lock's plus pyspark's
SPARK_STAMP := $(VENV)/.spark
$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/python -m pip install --quiet -r requirements-spark.lock
	touch $(SPARK_STAMP)

test: lint system-deps assets $(AXE) $(SPARK_STAMP)
	CRIMEPLAN_AXE=$(AXE) $(BIN)/python -m pytest -n 2 -q

test-slow: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -m slow

# the real data folder: DATA=DIR, else $$CRIMEPLAN_REAL_DATA, else ../shared/data/real
DATA ?=
DATA_OPT := $(if $(DATA),--data $(DATA),)

real-demo: $(STAMP) assets
	$(BIN)/python examples/real_demo.py --out real-demo-output $(DATA_OPT)

essex-msg: $(STAMP)
	$(BIN)/python examples/essex_msg.py --out essex-msg-output $(DATA_OPT)

# the dashboard's latency at 50 concurrent sessions on the demo store (run `make demo` first)
bench-dashboard: $(STAMP) assets
	$(BIN)/python benchmarks/dashboard_load.py --store demo-output/crimeplan.duckdb --plan police-and-crime-plan \
	  --sessions 50 --seconds 30

# every figure of docs/performance.md in one run: at the demo's scale and at 10, loading against
# DuckDB's raw read (ratio, peak memory), the engine against hand-written expert SQL, and the
# incremental compute (the last month appended) against a full one; then the national plan at
# 100M crime rows within CRIMEPLAN_MEMORY_LIMIT=2GB (time, peak memory). BENCH_DIR and
# NATIONAL_DIR keep the generated data between runs (the first run generates about 40 minutes' worth)
BENCH_SCALES ?= 1 10
BENCH_DIR ?= build/bench
NATIONAL_DIR ?= build/bench-national
bench: $(STAMP)
	$(BIN)/python benchmarks/engine_vs_expert.py --scale $(BENCH_SCALES) --workdir $(BENCH_DIR)
	$(BIN)/python benchmarks/national.py --workdir $(NATIONAL_DIR) --no-spark --files-load

# `crimeplan import police-uk` of 120 months of street files made from the real Essex ones (1.9M
# rows) against DuckDB's raw read of them (docs/performance.md, "Importing police.uk files")
bench-import: $(STAMP)
	$(BIN)/python benchmarks/police_uk_import.py --months 120 --workdir build/bench-police-uk $(DATA_OPT)

# the national plan at 100M crime rows on DuckDB within CRIMEPLAN_MEMORY_LIMIT=2GB, then a tenth of it on
# DuckDB and on Spark local, the two exports compared (docs/scaling.md); the data is kept in NATIONAL_DIR
bench-national: $(SPARK_STAMP)
	$(BIN)/python benchmarks/national.py --workdir $(NATIONAL_DIR)

# Re-pin after changing pyproject.toml dependencies (writes no download addresses).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra test -o requirements.lock --python-version 3.11
	$(PYTHON) -m uv pip compile pyproject.toml --extra test --extra spark -c requirements.lock \
	  -o requirements-spark.lock --python-version 3.11

clean:
	rm -rf $(VENV) demo-output $(WEB_BUILD) build/axe test-artifacts

# the benchmarks' generated data and stores (build/bench*: 8.8 GB after a whole make bench)
clean-bench:
	rm -rf $(BENCH_DIR) $(NATIONAL_DIR) build/bench-police-uk
