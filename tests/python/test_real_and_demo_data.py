"""The project built on real public data (../shared/data) and on the planted-fault demo data.

Expected figures are counted here, independently, from the files with the csv module; the
dbt build must account for every one of those rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import FULL_BUILD, STAGING_SELECTION, BuildFn, shared_data

from demandcast.tools.demo_data import ROW_FAULTS, DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars, m5_vars, walmart_vars

pytestmark = pytest.mark.integration


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


WALMART_STAGING = [*STAGING_SELECTION[:2], "dq_missing_periods", *STAGING_SELECTION[2:]]


def test_walmart_weekly_with_column_mapping(build: BuildFn):
    folder = shared_data("walmart")
    train = read_rows(folder / "train.csv")
    features = read_rows(folder / "features.csv")
    latest_sale = max(row["Date"] for row in train)

    # What it checks: staging and the missing-period report (the whole pipeline on the
    # Walmart layout runs in test_readme_commands, on stores 1-2, and in `make bench`).
    warehouse = build(walmart_vars(folder), selection=WALMART_STAGING)

    sales = warehouse.accounting("sales")
    assert sales["raw_rows"] == len(train)
    assert (sales["clean_rows"], sales["quarantined_rows"], sales["beyond_as_of_rows"]) == (
        len(train),
        0,
        0,
    )
    returns = sum(1 for row in train if float(row["Weekly_Sales"]) < 0)
    assert returns > 0
    assert warehouse.scalar("select count(*) from stg_sales where quantity < 0") == returns
    assert warehouse.scalar("select count(*) from stg_sales where is_holiday") == sum(
        1 for row in train if row["IsHoliday"] == "TRUE"
    )
    context = warehouse.rows("select as_of_date::varchar, week_end_isodow from stg_run_context")
    assert context == [(latest_sale, dt.date.fromisoformat(latest_sale).isoweekday())]

    # stores.csv ends its lines with a bare carriage return.
    assert warehouse.scalar("select count(*) from stg_stores") == len(
        {row["Store"] for row in train}
    )
    # features.csv: 9 series per row; rows after the last sale are beyond the as-of date.
    exogenous = warehouse.accounting("exogenous")
    later = sum(1 for row in features if row["Date"] > latest_sale)
    assert exogenous["raw_rows"] == len(features) * 9
    assert exogenous["beyond_as_of_rows"] == later * 9
    assert exogenous["clean_rows"] == (len(features) - later) * 9
    na_markdowns = sum(
        1 for row in features if row["Date"] <= latest_sale and row["MarkDown1"] == "NA"
    )
    assert (
        warehouse.scalar(
            "select count(*) from stg_store_exogenous "
            "where variable_name = 'markdown1' and observed_value is null"
        )
        == na_markdowns
    )
    # A store-department pair can skip weeks: found and reported, per series.
    assert warehouse.scalar("select count(*) from dq_missing_periods") > 0


def test_m5_wide_format(build: BuildFn):
    folder = shared_data("m5_sample")
    sales = read_rows(folder / "sales_train_validation.csv")
    calendar = read_rows(folder / "calendar.csv")
    prices = read_rows(folder / "sell_prices.csv")
    day_columns = [name for name in sales[0] if name.startswith("d_")]
    date_of_day = {row["d"]: row["date"] for row in calendar}
    last_date = date_of_day[day_columns[-1]]

    warehouse = build(m5_vars(folder), selection=FULL_BUILD)

    accounting = warehouse.accounting("sales")
    assert accounting["raw_rows"] == len(sales) * len(day_columns)
    assert accounting["clean_rows"] == len(sales) * len(day_columns)
    assert warehouse.scalar("select as_of_date::varchar from stg_run_context") == last_date
    total_units = sum(int(row[day]) for row in sales for day in day_columns)
    assert warehouse.scalar("select sum(quantity) from stg_sales") == total_units

    week_start: dict[str, str] = {}
    for row in calendar:
        week_start[row["wm_yr_wk"]] = min(week_start.get(row["wm_yr_wk"], "9999"), row["date"])
    later_prices = sum(1 for row in prices if week_start[row["wm_yr_wk"]] > last_date)
    price_accounting = warehouse.accounting("prices")
    assert price_accounting["raw_rows"] == len(prices)
    assert price_accounting["beyond_as_of_rows"] == later_prices
    assert price_accounting["clean_rows"] == len(prices) - later_prices

    events = sum(1 for row in calendar for slot in ("1", "2") if row[f"event_name_{slot}"])
    assert warehouse.scalar("select count(*) from stg_calendar_events") == events
    stores = {row["store_id"] for row in sales}
    assert warehouse.scalar("select count(*) from stg_stores") == len(stores)
    snap_days = sum(1 for row in calendar if row["date"] <= last_date)
    assert warehouse.scalar(
        "select count(*) from stg_store_exogenous where variable_name = 'snap'"
    ) == snap_days * len(stores)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("demo")
    manifest = generate_demo_data(folder, DemoConfig(n_stores=4, n_items=10, n_days=400, seed=3))
    return folder, manifest


def test_planted_demo_faults_show_up_in_quarantine_and_data_quality(
    small_demo: tuple[Path, dict[str, Any]], build: BuildFn
):
    folder, manifest = small_demo
    faults = {fault["fault"]: fault for fault in manifest["faults"]}
    warehouse = build(canonical_vars(folder), selection=FULL_BUILD)

    assert warehouse.reasons() == {name: faults[name]["count"] for name in ROW_FAULTS}

    raw_rows = 0
    for path in sorted((folder / "sales").glob("*.csv")):
        raw_rows += len(read_rows(path))
    accounting = warehouse.accounting("sales")
    assert accounting["raw_rows"] == raw_rows
    assert accounting["quarantined_rows"] == sum(faults[name]["count"] for name in ROW_FAULTS)

    late = faults["late_file"]
    assert warehouse.rows("select store_id from dq_store_freshness where is_stale") == [
        (late["store_id"],)
    ]
    weekend = faults["missing_weekend_batch"]
    no_data = warehouse.rows(
        "select distinct store_id, period_end_date::varchar from dq_missing_periods "
        "where missing_kind = 'no_data_arrived' order by 2"
    )
    assert no_data == [(weekend["store_id"], day) for day in sorted(weekend["dates"])]
    # The build reports both as warnings, and nothing as an error.
    statuses = Counter(
        (result["unique_id"].split(".")[2].split("_stg_")[0], result["status"])
        for result in warehouse.result.run_results()["results"]
        if result["unique_id"].startswith("test.")
    )
    assert statuses[("fresh_as_of", "warn")] == 1
    assert statuses[("complete_periods", "warn")] == 1
    assert not [key for key in statuses if key[1] in ("fail", "error")]


def test_series_outside_the_training_sample_keep_only_origin_and_scoring_rows(
    small_demo: tuple[Path, dict[str, Any]], build: BuildFn
):
    folder, _ = small_demo
    selection = ["--select", "+int_forecast_features"]
    warehouse = build({**canonical_vars(folder), "training_series_share": 0.5}, selection=selection)
    cutoffs = warehouse.rows(
        "select is_training_sample, list(distinct cutoff_date order by cutoff_date),"
        " count(distinct item_id || store_id) from int_forecast_features"
        " group by all order by all"
    )
    assert [row[0] for row in cutoffs] == [False, True], cutoffs
    (_, outside, n_outside), (_, sampled, n_sampled) = cutoffs
    assert n_outside > 0 and n_sampled > 0
    origins = warehouse.rows(
        "select distinct cutoff_date from int_forecast_features"
        " where is_backtest_origin or is_scoring_row order by 1"
    )
    # Outside the sample: the three origins and the as-of date, nothing else.
    assert len(origins) == 4
    assert outside == [row[0] for row in origins]
    assert set(outside) < set(sampled)
