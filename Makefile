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

.PHONY: demo replay test install demo-data lint pytest dbt-test dashboard browser-check bench bench-build bench-scale bench-features clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

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
	DEMANDCAST_DUCKDB_PATH=warehouse/lint.duckdb $(BIN)/sqlfluff lint models macros analyses

pytest: $(BIN)/.installed
	$(BIN)/pytest

$(FIXTURE_DATA)/faults.json: $(BIN)/.installed src/demandcast/tools/demo_data.py
	$(BIN)/python -m demandcast.tools.demo_data --out $(FIXTURE_DATA) --stores 4 --items 12 --days 400

dbt-test: $(FIXTURE_DATA)/faults.json
	rm -f $(TEST_DB)
	mkdir -p $(dir $(TEST_DB))
	DEMANDCAST_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build --vars "$$($(BIN)/demandcast vars canonical $(FIXTURE_DATA))"
	DEMANDCAST_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt docs generate --vars "$$($(BIN)/demandcast vars canonical $(FIXTURE_DATA))"

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
	rm -rf target logs warehouse/*.duckdb warehouse/*.wal data/demo data/fixtures
