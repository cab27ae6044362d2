"""Hostile inputs that used to pick a wrong as-of date or stop the build with an internal
error (issue 14): a stray row dated years after the data, as_of_date before the data or
not a date, a header-only sales input, a date_format that reads no date.

Each test writes its own files and counts them independently with the csv module; most
build the staging layer only, the few that need the registry build everything.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from conftest import FULL_BUILD, BuildFn, write_text

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars

pytestmark = pytest.mark.integration

STRAY_DATE = "2026-11-30"


def panel_csv(
    path: Path,
    *,
    start: dt.date,
    periods: int,
    step_days: int = 1,
    stores: int = 3,
    items: int = 4,
    store_only: bool = False,
    extra_rows: tuple[str, ...] = (),
) -> Path:
    """A complete panel (every series every period) plus extra raw lines."""
    header = (
        "sales_date,store_id,quantity" if store_only else "sales_date,store_id,item_id,quantity"
    )
    lines = [header]
    for period in range(periods):
        day = (start + dt.timedelta(days=period * step_days)).isoformat()
        for store in range(1, stores + 1):
            if store_only:
                lines.append(f"{day},S{store},{(period + store) % 7}")
                continue
            for item in range(1, items + 1):
                lines.append(f"{day},S{store},I{item},{(period + store + item) % 5}")
    return write_text(path, "\n".join([*lines, *extra_rows]) + "\n")


def csv_rows(path: Path) -> list[dict[str, str]]:
    """The data rows of a CSV file, read with the csv module (independent of the build)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def iso_date(text: str) -> dt.date | None:
    """The date of a YYYY-MM-DD text dated before the stray row, else None."""
    try:
        date = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return date if date < dt.date.fromisoformat(STRAY_DATE) else None


def stray_line(store_only: bool) -> str:
    return f"{STRAY_DATE},S1,9" if store_only else f"{STRAY_DATE},S1,I1,9"


@pytest.mark.parametrize(
    ("frequency", "step_days", "store_only"),
    [("day", 1, False), ("week", 7, False), ("day", 1, True)],
    ids=["daily", "weekly", "store-only"],
)
def test_a_stray_row_years_after_the_data_does_not_become_the_as_of_date(
    tmp_path: Path, build: BuildFn, frequency: str, step_days: int, store_only: bool
):
    sales = panel_csv(
        tmp_path / "sales.csv",
        start=dt.date(2024, 1, 5),
        periods=40,
        step_days=step_days,
        store_only=store_only,
        extra_rows=(stray_line(store_only),),
    )
    dbt_vars: dict[str, object] = {"sales_path": str(sales), "frequency": frequency}
    if store_only:
        dbt_vars["sales_columns"] = {"item_id": None}
    warehouse = build(dbt_vars)

    rows = csv_rows(sales)
    dates = sorted({row["sales_date"] for row in rows})
    real_latest = dates[-2]  # the panel's last date; dates[-1] is the stray row's
    assert dates[-1] == STRAY_DATE
    assert warehouse.scalar("select as_of_date::varchar from stg_run_context") == real_latest
    accounting = warehouse.accounting()
    assert accounting["raw_rows"] == len(rows)
    assert accounting["beyond_as_of_rows"] == sum(r["sales_date"] > real_latest for r in rows) == 1
    assert accounting["clean_rows"] == len(rows) - 1
    assert accounting["quarantined_rows"] == 0
    assert warehouse.rows(
        "select sparse_tail_rows, sparse_tail_dates, is_as_of_date_from_var from stg_run_context"
    ) == [(1, STRAY_DATE, False)]
    # The row itself says why it was left out: its file row (header = line 1), a reason.
    stray_row_number = next(n for n, row in enumerate(rows, 1) if row["sales_date"] == STRAY_DATE)
    flagged = warehouse.rows(
        "select source_row_number, reason_code, reason_detail from base_sales__classified"
        " where row_status = 'beyond_as_of'"
    )
    assert [(number, code) for number, code, _ in flagged] == [
        (stray_row_number, "after_default_as_of")
    ]
    assert f"default as-of date {real_latest}" in flagged[0][2]
    assert "as_of_min_reporting_share" in flagged[0][2] and "as_of_date" in flagged[0][2]
    output = warehouse.result.output
    # The warning names the rows, their date, the default as-of date and both vars.
    assert f"1 sales row(s) dated after the default as-of date {real_latest}" in output
    assert STRAY_DATE in output and "as_of_min_reporting_share" in output
    assert "set var as_of_date explicitly" in output
    assert "Warning in test assert_no_sales_rows_after_the_default_as_of_date" in output


def test_an_explicit_as_of_date_still_wins_over_the_reported_period(tmp_path: Path, build: BuildFn):
    sales = panel_csv(
        tmp_path / "sales.csv",
        start=dt.date(2024, 1, 1),
        periods=20,
        extra_rows=(stray_line(False),),
    )
    warehouse = build({"sales_path": str(sales), "as_of_date": STRAY_DATE})
    rows = csv_rows(sales)
    assert warehouse.rows(
        "select as_of_date::varchar, is_as_of_date_from_var, default_as_of_date::varchar"
        " from stg_run_context"
    ) == [(STRAY_DATE, True, "2024-01-20")]
    accounting = warehouse.accounting()
    assert accounting["beyond_as_of_rows"] == 0
    assert accounting["clean_rows"] == len(rows)
    assert "left out of this run" not in warehouse.result.output


def test_a_partly_reported_last_period_is_left_for_the_next_run(tmp_path: Path, build: BuildFn):
    # The last day has 2 of 12 series (one store's batch in flight): below the 0.5 share.
    late = tuple(f"2024-01-21,S1,I{item},1" for item in (1, 2))
    sales = panel_csv(
        tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=20, extra_rows=late
    )
    warehouse = build({"sales_path": str(sales)})
    assert warehouse.scalar("select as_of_date::varchar from stg_run_context") == "2024-01-20"
    assert warehouse.accounting()["beyond_as_of_rows"] == 2
    # Lowering the share to what reported (2 of 12) takes the day in.
    lowered = build({"sales_path": str(sales), "as_of_min_reporting_share": 0.15})
    assert lowered.scalar("select as_of_date::varchar from stg_run_context") == "2024-01-21"
    assert lowered.accounting()["beyond_as_of_rows"] == 0


@pytest.mark.parametrize("value", ["2024-13-45", "2023-02-29", "2024-04-31", "20240101"])
def test_as_of_date_that_is_no_calendar_date_names_the_var(
    tmp_path: Path, build: BuildFn, value: str
):
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=5)
    warehouse = build({"sales_path": str(sales), "as_of_date": value}, expect_success=False)
    output = warehouse.result.output
    assert not warehouse.result.ok
    assert f"var as_of_date = '{value}' is not a calendar date written YYYY-MM-DD" in output
    assert "Conversion Error" not in output


def test_a_leap_day_as_of_date_is_a_date(tmp_path: Path, build: BuildFn):
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 2, 20), periods=20)
    warehouse = build({"sales_path": str(sales), "as_of_date": "2024-02-29"})
    assert warehouse.scalar("select as_of_date::varchar from stg_run_context") == "2024-02-29"


@pytest.mark.parametrize("value", [0, 1.5, "half"])
def test_a_reporting_share_outside_zero_to_one_names_the_var(
    tmp_path: Path, build: BuildFn, value: object
):
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=5)
    warehouse = build(
        {"sales_path": str(sales), "as_of_min_reporting_share": value}, expect_success=False
    )
    assert f"var as_of_min_reporting_share = '{value}' is not valid; expected a number > 0" in (
        warehouse.result.output
    )


def test_as_of_date_before_all_data_names_the_var_and_the_data_range(
    tmp_path: Path, build: BuildFn
):
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=10)
    warehouse = build({"sales_path": str(sales), "as_of_date": "2023-06-30"}, expect_success=False)
    dates = sorted({row["sales_date"] for row in csv_rows(sales)})
    output = warehouse.result.output
    assert "var as_of_date = '2023-06-30' is before every sales row" in output
    assert f"run from {dates[0]} to {dates[-1]}" in output
    assert "Failure in test not_null_stg_run_context_as_of_date" not in output


def test_a_header_only_sales_input_says_it_has_no_rows(tmp_path: Path, build: BuildFn):
    header = "sales_date,store_id,item_id,quantity\n"
    for name in ("a.csv", "b.csv"):
        write_text(tmp_path / "sales" / name, header)
    assert all(csv_rows(tmp_path / "sales" / name) == [] for name in ("a.csv", "b.csv"))
    pattern = tmp_path / "sales" / "*.csv"
    warehouse = build({"sales_path": str(pattern)}, expect_success=False)
    output = warehouse.result.output
    assert f"The sales input has no rows: var sales_path = '{pattern}' matches 2 file(s)" in output
    assert str(tmp_path / "sales" / "a.csv") in output
    assert str(tmp_path / "sales" / "b.csv") in output
    assert "Failure in test not_null_stg_run_context_as_of_date" not in output


def test_a_date_format_that_reads_no_date_names_the_var_and_a_raw_value(
    tmp_path: Path, build: BuildFn
):
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=5)
    warehouse = build({"sales_path": str(sales), "date_format": "%d/%m/%Y"}, expect_success=False)
    rows = csv_rows(sales)
    output = warehouse.result.output
    assert f"No sales date parsed: none of the {len(rows)} sales rows" in output
    assert "var date_format = '%d/%m/%Y'" in output
    assert f"e.g. raw value '{min(row['sales_date'] for row in rows)}'" in output
    assert "Failure in test not_null_stg_run_context_as_of_date" not in output


def test_the_full_build_publishes_forecasts_despite_a_stray_row(tmp_path: Path, build: BuildFn):
    folder = tmp_path / "demo"
    generate_demo_data(folder, DemoConfig(n_stores=2, n_items=4, n_days=420, seed=14))
    latest_file = sorted((folder / "sales").glob("sales_*.csv"))[-1]
    with latest_file.open("a", encoding="utf-8") as handle:
        handle.write(f"{STRAY_DATE},S01,I001,5\n")
    all_rows = [row for path in (folder / "sales").glob("*.csv") for row in csv_rows(path)]
    stray = [row for row in all_rows if row["sales_date"] == STRAY_DATE]
    # The demo plants bad dates ("not a date", 2099-...): the panel ends at the latest ISO
    # date before the run date other than the stray row's.
    panel_latest = max(
        date for date in (iso_date(row["sales_date"]) for row in all_rows) if date
    ).isoformat()

    warehouse = build(canonical_vars(folder), selection=FULL_BUILD)

    assert len(stray) == 1
    assert warehouse.scalar("select as_of_date::varchar from stg_run_context") == panel_latest
    assert warehouse.accounting()["beyond_as_of_rows"] == 1
    assert warehouse.scalar("select count(*) from fct_forecasts") > 0
    assert (
        warehouse.scalar("select max(forecast_origin_date)::varchar from fct_forecasts")
        == panel_latest
    )
    assert {
        row[0] for row in warehouse.rows("select distinct algorithm from model_training_log")
    } == {"xgboost", "prophet"}


# Up to the cut-offs and the history check.
CUTOFFS_BUILD = ["--select", "+int_training_history", "--indirect-selection", "cautious"]
HORIZON = 28  # the default daily forecast_horizon_periods


@pytest.mark.parametrize(
    ("periods", "as_of_date"),
    [(60, None), (400, "2024-01-31")],
    ids=["60-days-of-data", "as-of-near-the-start"],
)
def test_too_little_history_names_as_of_date_and_the_periods_needed(
    tmp_path: Path, build: BuildFn, periods: int, as_of_date: str | None
):
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=periods, items=2)
    dbt_vars: dict[str, object] = {"sales_path": str(sales)}
    if as_of_date:
        dbt_vars["as_of_date"] = as_of_date
    warehouse = build(dbt_vars, selection=CUTOFFS_BUILD)
    dates = sorted({row["sales_date"] for row in csv_rows(sales)})
    as_of = as_of_date or dates[-1]
    days_up_to_as_of = sum(date <= as_of for date in dates)
    output = warehouse.result.output
    # A warning, not a failure: the baselines are still published (next test).
    assert "Too little history to train the models at as_of_date" in output
    message = warehouse.scalar("select history_message from int_training_history")
    assert message.startswith(f"Too little history to train the models at as_of_date {as_of}")
    assert f"the sales data has {days_up_to_as_of} days up to it, from {dates[0]}" in message
    # Default daily vars: a 28-day horizon on a 14-day grid.
    assert "forecast_horizon_periods = 28" in message and "at least 56 days" in message
    assert "Traceback" not in output


def test_too_little_history_publishes_the_baselines_and_the_registry_says_why(
    tmp_path: Path, build: BuildFn
):
    """A daily schedule that starts with 20 days of data: the first build publishes a
    baseline forecast for every series and logs why no model trained; a later build with
    enough data trains both models into the same registry and keeps the first decision."""
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=120, items=2)
    rows = csv_rows(sales)
    series = {(row["store_id"], row["item_id"]) for row in rows}

    early = build({"sales_path": str(sales), "as_of_date": "2024-01-20"}, selection=FULL_BUILD)
    assert "Traceback" not in early.result.output
    published = early.rows(
        "select store_id, item_id, count(distinct horizon_step), min(model_name),"
        " max(model_name), count(predicted_quantity) from fct_forecasts group by all"
    )
    assert {(store, item) for store, item, *_ in published} == series
    for _store, _item, steps, first_model, last_model, predicted in published:
        assert steps == HORIZON and predicted == HORIZON
        assert first_model == last_model and first_model in {"seasonal_naive", "moving_average"}
    assert early.scalar("select count(*) from forecast_xgboost") == 0
    assert early.scalar("select count(*) from model_registry") == 0
    log = early.rows(
        "select algorithm, decision, reasons, scoring_model_version from model_training_log"
    )
    assert sorted(algorithm for algorithm, *_ in log) == ["prophet", "xgboost"]
    for _algorithm, decision, reasons, version in log:
        assert decision == "untrained" and version is None
        assert "Too little history to train the models at as_of_date 2024-01-20" in reasons
    # No bound without a backtest to calibrate it.
    assert (
        early.scalar(
            "select count(*) from fct_forecasts where (lower_80 is null) <> (upper_80 is null)"
        )
        == 0
    )

    later = build({"sales_path": str(sales)}, selection=FULL_BUILD)
    decisions = later.rows(
        "select algorithm, as_of_date::varchar, decision from model_training_log order by all"
    )
    latest = max(row["sales_date"] for row in rows)
    assert decisions == [
        ("prophet", "2024-01-20", "untrained"),
        ("prophet", latest, "trained_and_promoted"),
        ("xgboost", "2024-01-20", "untrained"),
        ("xgboost", latest, "trained_and_promoted"),
    ]
    assert later.scalar("select count(distinct model_name) from fct_forecasts") >= 1
    assert later.scalar("select count(*) from forecast_xgboost where not is_backtest") == (
        len(series) * HORIZON
    )


def test_enough_history_passes_the_history_check(tmp_path: Path, build: BuildFn):
    sales = panel_csv(tmp_path / "sales.csv", start=dt.date(2024, 1, 1), periods=120, items=2)
    warehouse = build({"sales_path": str(sales)}, selection=CUTOFFS_BUILD)
    assert (
        warehouse.scalar("select count(*) from int_forecast_cutoffs where is_backtest_origin") > 0
    )
