"""The dashboards (demandcast.dashboard): every page run by Streamlit's AppTest on published
sets, checked against the Parquet files themselves, which this module reads on its own
with DuckDB (never through the app's functions).

- On the shared demo warehouse's set: each page shows the published rows of what it was
  asked for (the chart's data rows for a chosen series, store, input or filter, the
  tables' rows); the store totals and the heatmap add up to the rows they summarize; the
  exposures list exactly the tables each page reads, all of them published.
- After a replay of two as-of dates with planted alerts (one small warehouse, built once):
  the alerts of this run and of both runs, live accuracy, and the earlier forecast over
  the actuals.
- Empty states: a missing folder, an empty one, a set of an earlier project version.
- While another process swaps new sets in (keeping 2, so resolved sets get deleted): no
  page errs and every page's rows come from one set. While a real ``dbt build`` rebuilds
  a copy of the replayed warehouse: every page runs, on the set before it, then on its set.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from conftest import DEMO_WAREHOUSE_GROUP, FULL_BUILD, Warehouse
from streamlit.testing.v1 import AppTest

from demandcast.dashboard import (
    data_quality,
    forecast_review,
    model_monitoring,
    published_view,
    replenishment,
)
from demandcast.dashboard.page import FOLDER_ENV
from demandcast.dashboard.server import APP, PAGES
from demandcast.publishing import current_folder, publish, read_manifest
from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import PROJECT_DIR, start_dbt
from demandcast.tools.replay import build_as_of

# AppTest's timeout per script run: generous for a loaded CI machine.
TIMEOUT_S = 120
DEMO = pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
REPLAY = pytest.mark.xdist_group("dashboard_replay")
MODULES = {
    "forecast_review": forecast_review,
    "model_monitoring": model_monitoring,
    "data_quality": data_quality,
    "replenishment": replenishment,
}


# ---------------------------------------------------------------- reading, independently


def published_folder(warehouse: Warehouse) -> Path:
    """The set a build published: published/ beside its DuckDB file (the default)."""
    return warehouse.path.parent / "published"


def parquet(folder: Path, table: str, where: str = "true", order: str = "all") -> pd.DataFrame:
    """Rows of a published table of the folder's current set, read with DuckDB."""
    path = current_folder(folder) / f"{table}.parquet"
    with duckdb.connect() as connection:
        return connection.execute(
            f"select * from read_parquet('{path}') where {where} order by {order}"
        ).df()


def same_rows(shown: pd.DataFrame, published: pd.DataFrame, columns: list[str]) -> None:
    """The rows shown are the published rows (those columns; dates as timestamps; in any
    order)."""

    def normal(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[columns].copy()
        for column in columns:
            values = frame[column]
            if pd.api.types.is_datetime64_any_dtype(values) or isinstance(
                values.dropna().iloc[0] if values.notna().any() else None, dt.date
            ):
                frame[column] = pd.to_datetime(values).astype("datetime64[ms]")
            elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                frame[column] = values.astype("float64")
            else:
                frame[column] = values.astype("object").where(values.notna(), None)
        return frame.sort_values(columns, na_position="last").reset_index(drop=True)

    assert len(shown) == len(published), (len(shown), len(published))
    pd.testing.assert_frame_equal(normal(shown), normal(published), check_dtype=False)


# ---------------------------------------------------------------- running pages


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run a page of the app (through its entry script and navigation) on a folder."""

    def run(folder: Path, page: str) -> AppTest:
        monkeypatch.setenv(FOLDER_ENV, str(folder))
        test = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
        test.switch_page(f"page_scripts/{page}.py").run()
        assert_no_exception(test)
        return test

    yield run


def assert_no_exception(test: AppTest) -> None:
    assert not test.exception, [element.value for element in test.exception]
    assert not test.error, [element.value for element in test.error]


def named(test: AppTest, key: str, kind: str) -> list[Any]:
    """The elements of a kind (``vega_lite_chart``, ``dataframe``) in the page's container
    ``key`` (the pages put each chart and table in one: see page.chart, page.table)."""
    return list(test.main.get_by_key(key).get(kind))  # type: ignore[attr-defined]


def chart(test: AppTest, key: str) -> list[pd.DataFrame]:
    """The data rows of the chart ``key``: each dataset Streamlit sent with it."""
    (element,) = named(test, key, "vega_lite_chart")
    return [
        pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
        for dataset in element.proto.datasets
    ]


def dataset(test: AppTest, key: str, *columns: str) -> pd.DataFrame:
    """The chart's one dataset that has these columns."""
    matching = [frame for frame in chart(test, key) if set(columns) <= set(frame.columns)]
    assert len(matching) == 1, [list(frame.columns) for frame in chart(test, key)]
    return matching[0]


def shown_table(test: AppTest, key: str) -> pd.DataFrame:
    (element,) = named(test, key, "dataframe")
    frame: pd.DataFrame = element.value
    return frame


def texts(test: AppTest) -> str:
    """Every text the page shows, in one string."""
    parts = [
        str(element.value)
        for kind in ("markdown", "caption", "info", "warning", "success", "error", "code")
        for element in getattr(test, kind)
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------- the demo warehouse


@DEMO
def test_forecast_review_shows_the_published_rows_of_the_chosen_series(
    demo_warehouse: Warehouse, app: Any
):
    folder = published_folder(demo_warehouse)
    # The last store's last series: not the page's default choice.
    store, item = parquet(folder, "fct_forecasts", order="store_id desc, item_id desc").iloc[0][
        ["store_id", "item_id"]
    ]
    test = app(folder, "forecast_review")
    test.selectbox(key="review_store").set_value(store).run()
    test.selectbox(key="review_item").set_value(item).run()
    history = test.slider(key="review_history_periods")
    history.set_value(history.max).run()
    assert_no_exception(test)

    series = f"store_id = '{store}' and item_id = '{item}'"
    forecast = parquet(folder, "fct_forecasts", series)
    assert len(forecast) > 0
    bounds = ["lower_80", "upper_80", "lower_95", "upper_95"]
    baselines = ["seasonal_naive_quantity", "moving_average_quantity"]
    same_rows(
        dataset(test, "review_chart", "lower_95"),
        forecast,
        ["target_date", "predicted_quantity", *bounds, *baselines, "model_version"],
    )
    same_rows(
        dataset(test, "review_chart", "period_end_date", "quantity"),
        parquet(folder, "fct_recent_actuals", series),
        ["period_end_date", "quantity"],
    )
    # Why this model: the segment's candidates, and the model and its rule named.
    segment = forecast["segment_id"].iloc[0]
    selection = parquet(folder, "model_selection", f"segment_id = '{segment}'")
    same_rows(
        shown_table(test, "review_selection"),
        selection,
        ["model_name", "model_version", "backtest_wape", "is_selected", "selection_rule"],
    )
    assert [metric.value for metric in test.metric][1] == forecast["model_name"].iloc[0]
    chosen = selection[selection["is_selected"]].iloc[0]
    assert f"`{chosen['selection_rule']}`" in texts(test)
    assert f"`{forecast['model_version'].iloc[0]}`" in texts(test)
    # One build: no earlier origin yet, and the page says how to get some.
    assert "make replay" in texts(test)


@DEMO
def test_a_store_total_shows_the_published_sums_of_its_series(demo_warehouse: Warehouse, app: Any):
    folder = published_folder(demo_warehouse)
    store = parquet(folder, "fct_forecasts")["store_id"].max()
    test = app(folder, "forecast_review")
    test.selectbox(key="review_store").set_value(store).run()
    test.selectbox(key="review_item").set_value(forecast_review.STORE_TOTAL).run()
    history = test.slider(key="review_history_periods")
    history.set_value(history.max).run()
    assert_no_exception(test)

    latest = parquet(folder, "fct_forecasts", f"store_id = '{store}'")
    origin = latest["forecast_origin_date"].max()
    totals = parquet(
        folder,
        "fct_store_forecast_history",
        f"store_id = '{store}' and forecast_origin_date = '{origin.date()}'",
    )
    columns = ["target_date", "predicted_quantity", "seasonal_naive_quantity"]
    same_rows(dataset(test, "review_chart", "predicted_quantity"), totals, columns)
    same_rows(
        dataset(test, "review_chart", "period_end_date"),
        parquet(folder, "fct_store_recent_actuals", f"store_id = '{store}'"),
        ["period_end_date", "quantity"],
    )
    assert "no bands" in texts(test)
    # The totals are the sums of the series' published forecasts.
    sums = latest.groupby("target_date", as_index=False)["predicted_quantity"].sum()
    merged = totals.merge(sums, on="target_date", suffixes=("", "_of_series"))
    assert len(merged) == len(totals) == len(sums)
    assert (
        merged["predicted_quantity"] - merged["predicted_quantity_of_series"]
    ).abs().max() < 1e-6


@DEMO
def test_model_monitoring_shows_the_published_alerts_backtests_drift_and_training_log(
    demo_warehouse: Warehouse, app: Any
):
    folder = published_folder(demo_warehouse)
    test = app(folder, "model_monitoring")
    alerts = parquet(folder, "monitoring_alerts")
    assert len(alerts) > 0, "the demo plants a stale store and drift: alerts expected"
    same_rows(
        shown_table(test, "alerts_this_run"),
        alerts,
        ["severity", "alert_type", "scope", "observed_value", "threshold"],
    )
    backtest = parquet(
        folder,
        "backtest_metrics",
        "cutoff_date is null and horizon_bucket = 'all' and segment_id = 'all'",
    )
    same_rows(dataset(test, "backtest_chart", "wape"), backtest, ["model_name", "wape", "bias"])
    drift = parquet(folder, "monitoring_drift")
    latest = drift[drift["as_of_date"] == drift["as_of_date"].max()]
    same_rows(dataset(test, "drift_chart", "psi"), latest, ["subject", "name", "psi"])
    same_rows(
        shown_table(test, "training_log"),
        parquet(folder, "model_training_log"),
        ["invocation_id", "algorithm", "decision", "reasons"],
    )
    # One build: forecast_accuracy has nothing matured yet, and the page says so.
    assert parquet(folder, "forecast_accuracy").empty
    assert "make replay" in texts(test)


@DEMO
def test_data_quality_shows_the_published_accounting_quarantine_gaps_and_freshness(
    demo_warehouse: Warehouse, app: Any
):
    folder = published_folder(demo_warehouse)
    test = app(folder, "data_quality")
    same_rows(
        shown_table(test, "row_accounting"),
        parquet(folder, "stg_row_accounting"),
        ["input_name", "raw_rows", "clean_rows", "quarantined_rows", "beyond_as_of_rows"],
    )
    run_id = read_manifest(folder)["run_id"]
    reasons = parquet(
        folder,
        "dq_run_metrics",
        f"invocation_id = '{run_id}' and metric_name = 'quarantined_rows_by_reason'",
    )
    # The demo plants duplicates, bad dates and text quantities: quarantined by reason.
    assert {"exact_duplicate", "unparseable_date"} <= set(reasons["scope"])
    shown = dataset(test, "quarantine_chart", "quarantined_rows")
    same_rows(
        shown.rename(columns={"reason_code": "scope", "quarantined_rows": "metric_value"}),
        reasons,
        ["input_name", "scope", "metric_value"],
    )
    # Example rows of the chosen reason, with their raw values.
    test.selectbox(key="quality_input").set_value("sales").run()
    test.selectbox(key="quality_reason").set_value("unparseable_date").run()
    assert_no_exception(test)
    same_rows(
        shown_table(test, "quarantine_samples"),
        parquet(
            folder,
            "dq_quarantine_samples",
            "input_name = 'sales' and reason_code = 'unparseable_date'",
        ),
        ["sample_rank", "source_file", "source_row_number", "raw_values"],
    )
    # The heatmap: every published store x period with the slider at its widest.
    periods = test.slider(key="quality_heatmap_periods")
    periods.set_value(periods.max).run()
    assert_no_exception(test)
    missing = parquet(folder, "dq_store_missing_periods")
    same_rows(
        dataset(test, "missing_periods_chart", "share_of_series_missing"),
        missing,
        ["store_id", "period_end_date", "share_of_series_missing", "series_absent"],
    )
    same_rows(
        shown_table(test, "freshness"),
        parquet(folder, "dq_store_freshness"),
        ["store_id", "latest_sales_date", "lag_days", "is_stale"],
    )


@DEMO
def test_replenishment_shows_the_orders_of_the_chosen_store_and_department(
    demo_warehouse: Warehouse, app: Any
):
    folder = published_folder(demo_warehouse)
    below = parquet(folder, "inventory_recommendations", "is_below_reorder_point")
    assert len(below) > 0, "the demo's stock seed puts some series below their reorder point"
    store, department = below.iloc[0][["store_id", "department_id"]]
    test = app(folder, "replenishment")
    test.multiselect(key="orders_stores").set_value([store]).run()
    test.multiselect(key="orders_departments").set_value([department]).run()
    assert_no_exception(test)
    orders = parquet(
        folder,
        "inventory_recommendations",
        f"is_below_reorder_point and store_id = '{store}' and department_id = '{department}'",
        order="recommended_order_quantity desc, store_id, item_id",
    )
    shown = shown_table(test, "orders_to_order")
    columns = ["store_id", "item_id", "recommended_order_quantity", "reorder_point"]
    same_rows(shown, orders, [*columns, "safety_stock", "inventory_position"])
    assert (
        shown["recommended_order_quantity"].tolist()
        == orders["recommended_order_quantity"].tolist()
    ), "largest order first"
    # The forecast behind the first (largest) order.
    first = orders.iloc[0]
    same_rows(
        dataset(test, "orders_forecast_chart", "lower_80"),
        parquet(
            folder,
            "fct_forecasts",
            f"store_id = '{first['store_id']}' and item_id = '{first['item_id']}'",
        ),
        ["target_date", "predicted_quantity", "lower_80", "upper_95", "model_version"],
    )


@DEMO
def test_every_exposure_depends_on_the_published_tables_its_page_reads(
    demo_warehouse: Warehouse,
):
    exposures = yaml.safe_load((PROJECT_DIR / "models" / "exposures.yml").read_text())
    depends = {
        exposure["name"]: sorted(ref[len("ref('") : -len("')")] for ref in exposure["depends_on"])
        for exposure in exposures["exposures"]
    }
    pages = {name: sorted(MODULES[name].TABLES) for name, _ in PAGES}
    assert depends == pages
    published = set(read_manifest(published_folder(demo_warehouse))["tables"])
    assert {table for tables in pages.values() for table in tables} <= published


@DEMO
def test_the_summaries_published_for_the_pages_add_up_to_the_warehouse_rows(
    demo_warehouse: Warehouse,
):
    """The new SQL models against the tables they summarize, in the warehouse."""
    # Missing periods per store x period = dq_missing_periods counted.
    assert (
        demo_warehouse.rows(
            """
        select store_id, period_end_date, count(*) from dq_missing_periods group by all
        except
        select store_id, period_end_date, series_no_data_arrived + series_absent
        from dq_store_missing_periods where series_no_data_arrived + series_absent > 0
        """
        )
        == []
    )
    # Series in their active range = dq_series_completeness ranges covering the period.
    assert (
        demo_warehouse.rows(
            """
        select heat.store_id, heat.period_end_date, heat.series_in_active_range, count(*)
        from dq_store_missing_periods as heat
        inner join dq_series_completeness as series
            on heat.store_id = series.store_id
            and heat.period_end_date between series.first_period_end_date
                and series.last_period_end_date
        group by all
        having count(*) != heat.series_in_active_range
        """
        )
        == []
    )
    # Recent actuals = int_sales_gap_filled over the last review_actuals_periods periods.
    periods = demo_warehouse.scalar(
        "select count(distinct period_end_date) from fct_recent_actuals"
    )
    assert periods == 182  # the daily default
    assert (
        demo_warehouse.rows(
            """
        select store_id, item_id, period_end_date, quantity from fct_recent_actuals
        except
        select store_id, item_id, period_end_date, quantity from int_sales_gap_filled
        """
        )
        == []
    )
    # Samples: at most dq_quarantine_sample_rows (5) per input and reason, every reason.
    assert (
        demo_warehouse.rows(
            """
        select input_name, reason_code, least(count(*), 5) from stg_quarantined_rows group by all
        except
        select input_name, reason_code, count(*) from dq_quarantine_samples group by all
        """
        )
        == []
    )


# ---------------------------------------------------------------- after a replay

REPLAY_PANEL = DemoConfig(n_stores=3, n_items=4, n_days=420, seed=5, plant_faults=False)
REPLAY_HORIZON = 14
# Every feature and prediction drifts and every bias is too large: alerts planted in
# each run (warn-level: publishing goes on).
PLANTED_ALERTS = {"alert_psi": -1, "alert_bias": -1, "alert_min_rows": 1}
# What the pages read, with the data tests on it (the no_alerts gates among them: the
# planted alerts are warn-level, so publishing goes on, as it would in a scheduled run).
DASHBOARD_BUILD = ["build", "--select", "+published_tables", *FULL_BUILD]


def replay_vars(data: Path) -> dict[str, Any]:
    """The replay panel's vars: its files, the horizon and the planted alerts."""
    return {
        **canonical_vars(data),
        "forecast_horizon_periods": REPLAY_HORIZON,
        **PLANTED_ALERTS,
    }


@pytest.fixture(scope="session")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, list[dt.date]]:
    """A small warehouse built as of two dates a horizon apart, with planted alerts: the
    second run has the first run's forecast history, matured accuracy and alerts."""
    root = tmp_path_factory.mktemp("dashboard_replay")
    generate_demo_data(root / "data", REPLAY_PANEL)
    last = REPLAY_PANEL.start_date + dt.timedelta(days=REPLAY_PANEL.n_days - 1)
    dates = [last - dt.timedelta(days=REPLAY_HORIZON), last]
    dbt_vars = replay_vars(root / "data")
    database = root / "warehouse.duckdb"
    for as_of in dates:
        result = build_as_of(database, as_of, dbt_vars, DASHBOARD_BUILD)
        assert result.ok, result.output[-4000:]
    return Warehouse(database, result), dates


@REPLAY
def test_after_a_replay_the_monitoring_page_shows_the_alerts_of_this_run_and_of_both(
    replayed: tuple[Warehouse, list[dt.date]], app: Any
):
    warehouse, dates = replayed
    folder = published_folder(warehouse)
    test = app(folder, "model_monitoring")
    alerts = parquet(folder, "monitoring_alerts")
    assert {"feature_drift", "prediction_drift", "forecast_bias"} <= set(alerts["alert_type"])
    same_rows(
        shown_table(test, "alerts_this_run"),
        alerts,
        ["alert_type", "scope", "observed_value", "threshold", "severity"],
    )
    history = parquet(folder, "alert_history")
    assert history["invocation_id"].nunique() == len(dates)
    assert set(history["as_of_date"].dt.date) == set(dates)
    same_rows(
        shown_table(test, "alert_history"),
        history,
        ["run_started_at", "alert_type", "scope", "observed_value", "as_of_date"],
    )
    same_rows(
        dataset(test, "alert_history_chart", "alert_type"),
        history,
        ["run_started_at", "alert_type", "scope", "severity"],
    )
    # The first origin's forecasts met their actuals in the second run.
    accuracy = parquet(folder, "forecast_accuracy", "horizon_bucket = 'all' and segment_id = 'all'")
    assert set(accuracy["forecast_origin_date"].dt.date) == {dates[0]}
    same_rows(
        dataset(test, "accuracy_chart", "wape"),
        accuracy,
        ["model_name", "model_version", "forecast_origin_date", "wape", "bias"],
    )
    # The training log of both runs: trained at the first date, reused at the second.
    log = parquet(folder, "model_training_log")
    assert set(log["decision"]) == {"trained_and_promoted", "reused"}, log
    same_rows(shown_table(test, "training_log"), log, ["invocation_id", "algorithm", "decision"])
    assert "alert_history holds the alerts of this run only" not in texts(test)


@REPLAY
def test_after_a_replay_the_forecast_review_sets_the_earlier_forecast_against_the_actuals(
    replayed: tuple[Warehouse, list[dt.date]], app: Any
):
    warehouse, dates = replayed
    folder = published_folder(warehouse)
    store, item = parquet(folder, "fct_forecasts").iloc[0][["store_id", "item_id"]]
    test = app(folder, "forecast_review")
    test.selectbox(key="review_store").set_value(store).run()
    test.selectbox(key="review_item").set_value(item).run()
    assert_no_exception(test)
    earlier = parquet(
        folder,
        "fct_forecast_history",
        f"store_id = '{store}' and item_id = '{item}' and forecast_origin_date = '{dates[0]}'",
    )
    assert len(earlier) == REPLAY_HORIZON
    same_rows(
        dataset(test, "review_chart", "forecast_origin_date"),
        earlier,
        ["forecast_origin_date", "target_date", "predicted_quantity"],
    )
    # ...over the actuals of its targets, which have arrived.
    actuals = dataset(test, "review_chart", "period_end_date", "quantity")
    assert set(earlier["target_date"]) <= set(actuals["period_end_date"])
    assert "No earlier published forecast" not in texts(test)


# ---------------------------------------------------------------- empty states


@pytest.mark.parametrize("page", [name for name, _ in PAGES])
@pytest.mark.parametrize("state", ["missing", "empty"])
def test_every_page_says_which_folder_has_nothing_and_how_to_fill_it(
    tmp_path: Path, app: Any, page: str, state: str
):
    folder = tmp_path / "published"
    if state == "empty":
        folder.mkdir()
    test = app(folder, page)
    warning = " ".join(str(element.value) for element in test.warning)
    assert str(folder.absolute()) in warning
    assert "make demo" in [element.value for element in test.code]
    assert not test.get("vega_lite_chart")


def test_every_page_names_the_tables_a_set_of_an_earlier_version_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "published"
    publish({"fct_forecasts": pd.DataFrame({"store_id": ["S01"]})}, folder, "2024-01-01")
    monkeypatch.setenv(FOLDER_ENV, str(folder))
    test = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    for page, _ in PAGES:
        test.switch_page(f"page_scripts/{page}.py").run()
        assert not test.exception
        (error,) = [element.value for element in test.error]
        for table in MODULES[page].TABLES:
            assert (f"`{table}`" in error) == (table != "fct_forecasts"), (page, error)


def test_a_set_deleted_while_a_page_reads_it_raises_set_replaced_and_the_next_read_is_whole(
    tmp_path: Path,
):
    folder = tmp_path / "published"
    publish({"t": pd.DataFrame({"run": ["A"]})}, folder, "2024-01-01", run_id="A")
    view = published_view.open_view(folder)
    for run in ("B", "C"):  # keep 1: the set the view resolved is deleted
        publish(
            {"t": pd.DataFrame({"run": [run]})}, folder, "2024-01-02", run_id=run, keep_versions=1
        )
    assert not view.version.exists()
    with pytest.raises(published_view.SetReplaced):
        view.read("t")
    again = published_view.open_view(folder)
    assert (again.run_id, again.read("t")["run"].tolist()) == ("C", ["C"])


@DEMO
def test_a_page_whose_set_is_deleted_mid_read_reads_the_current_one_again(
    demo_warehouse: Warehouse, app: Any, monkeypatch: pytest.MonkeyPatch
):
    read = published_view.PublishedView.read
    calls: list[str] = []

    def deleted_once(self: published_view.PublishedView, table: str, *args: Any, **kw: Any) -> Any:
        calls.append(table)
        if len(calls) == 1:
            raise published_view.SetReplaced(f"{self.version} was deleted while it was read")
        return read(self, table, *args, **kw)

    monkeypatch.setattr(published_view.PublishedView, "read", deleted_once)
    test = app(published_folder(demo_warehouse), "replenishment")
    assert len(calls) > 1 and calls[1] == calls[0], calls[:3]
    assert named(test, "orders_forecast_chart", "vega_lite_chart")


def test_the_folder_is_the_environment_variable_else_the_argument_else_the_demo_one(
    monkeypatch: pytest.MonkeyPatch,
):
    from demandcast.dashboard.page import published_folder as folder_of

    monkeypatch.delenv(FOLDER_ENV, raising=False)
    assert folder_of([]) == Path("warehouse") / "published"
    assert folder_of(["--published", "/data/bi"]) == Path("/data/bi")
    monkeypatch.setenv(FOLDER_ENV, "/srv/published")
    assert folder_of(["--published", "/data/bi"]) == Path("/srv/published")


# ---------------------------------------------------------------- while sets swap in

# Publishes sets "A" and "B" in turn into a folder, keeping 2 versions (so a set a reader
# resolved is soon deleted), until the parent writes a line (or 10,000 publishes).
PUBLISHER = textwrap.dedent(
    """
    import select, sys
    import pandas as pd
    from demandcast.publishing import publish

    folder, frames_path = sys.argv[1], sys.argv[2]
    frames = pd.read_pickle(frames_path)
    for count in range(10_000):
        run = "AB"[count % 2]
        tagged = {name: frame.assign(invocation_id=run) for name, frame in frames.items()}
        publish(tagged, folder, f"2024-01-01T00:00:{count % 60:02d}", run_id=run, keep_versions=2)
        print(count, flush=True)
        if select.select([sys.stdin], [], [], 0.2)[0]:
            break
    """
)


# Whole reads of the four pages' data during the swaps (every 4th also runs a page).
READS = 16


def page_frames(view: published_view.PublishedView) -> dict[str, pd.DataFrame]:
    """Every frame the four pages show, loaded as the pages load them."""
    store, item = forecast_review.series_index(view).iloc[-1]
    frames: dict[str, pd.DataFrame] = {}
    for prefix, data in (
        ("series", forecast_review.load_series(view, store, item)),
        ("total", forecast_review.load_store_total(view, store)),
        ("monitoring", model_monitoring.load(view)),
        ("quality", data_quality.load(view)),
    ):
        frames |= {
            f"{prefix}.{name}": value
            for name, value in vars(data).items()
            if isinstance(value, pd.DataFrame)
        }
    stores, departments = replenishment.choices(view)
    orders = replenishment.load_orders(view, stores, departments)
    frames |= {f"orders.{name}": frame for name, frame in vars(orders).items()}
    frames["orders.forecast"] = replenishment.load_forecast(view, store, item)
    return frames


@DEMO
def test_pages_read_one_whole_set_while_publishes_swap_new_sets_in(
    demo_warehouse: Warehouse, tmp_path: Path, app: Any
):
    source = current_folder(published_folder(demo_warehouse))
    frames = {path.stem: pd.read_parquet(path) for path in sorted(source.glob("*.parquet"))}
    # Every row of a set carries its run ("A" or "B"): a page mixing two sets shows both.
    frames_path = tmp_path / "frames.pkl"
    pd.to_pickle(frames, frames_path)
    folder = tmp_path / "published"
    publish(
        {n: f.assign(invocation_id="A") for n, f in frames.items()},
        folder,
        "2024-01-01",
        run_id="A",
    )
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(folder), str(frames_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads, restarts, runs, mixed, page_runs = 0, 0, set(), [], 0
    try:
        assert publisher.stdout is not None
        publisher.stdout.readline()  # the first swap is under way
        # Enough reads to see both sets and every page once; the deadline only stops a
        # hung test (a loaded machine reads slowly, and the publisher keeps going).
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and (reads < READS or page_runs < len(PAGES)):
            if publisher.poll() is not None:
                break
            try:
                view = published_view.open_view(folder)
                loaded = page_frames(view)
            except published_view.SetReplaced:
                restarts += 1  # the page reads the new set again (page.run_page)
                continue
            seen = {
                name: set(frame["invocation_id"])
                for name, frame in loaded.items()
                if "invocation_id" in frame and len(frame)
            }
            if any(values != {view.run_id} for values in seen.values()):
                mixed.append((view.version_id, view.run_id, seen))
            reads += 1
            runs.add(view.run_id)
            if reads % 4 == 0:
                # And the pages themselves, through Streamlit: no error mid-swap.
                test = app(folder, PAGES[page_runs % len(PAGES)][0])
                assert "Published set `" in texts(test)
                page_runs += 1
    finally:
        if publisher.poll() is None:
            assert publisher.stdin is not None
            publisher.stdin.write("stop\n")
            publisher.stdin.flush()
        publisher.communicate(timeout=120)
    assert publisher.returncode == 0
    assert not mixed, mixed[:2]
    assert reads >= READS and page_runs >= len(PAGES), (reads, page_runs, restarts)
    assert runs == {"A", "B"}, runs
    published = json.loads((current_folder(folder) / "manifest.json").read_text())
    assert published["run_id"] in {"A", "B"}


@REPLAY
def test_every_page_runs_while_dbt_build_publishes_a_new_set(
    replayed: tuple[Warehouse, list[dt.date]], tmp_path: Path, app: Any
):
    """A copy of the replayed warehouse rebuilt as of its last date by a real ``dbt
    build`` (another process, holding the DuckDB file), while the pages run in a loop."""
    warehouse, dates = replayed
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse.path, database)
    shutil.copytree(published_folder(warehouse), tmp_path / "published", symlinks=True)
    folder = tmp_path / "published"
    before = published_view.open_view(folder).run_id
    dbt_vars = {**replay_vars(warehouse.path.parent / "data"), "as_of_date": dates[-1].isoformat()}
    build = start_dbt(DASHBOARD_BUILD, database_path=database, dbt_vars=dbt_vars)
    shown, page_runs = set(), 0
    try:
        while build.poll() is None:
            name = PAGES[page_runs % len(PAGES)][0]
            test = app(folder, name)  # asserts that the page raised and showed no error
            shown |= set(re.findall(r"\(run `([^`]+)`", texts(test)))
            page_runs += 1
    finally:
        output = build.wait(timeout=900)
    assert build.returncode == 0, output[-4000:]
    # The pages ran during the build, on the set published before it (or, after the
    # swap, on the build's own)...
    after = published_view.open_view(folder).run_id
    assert after != before
    assert page_runs >= len(PAGES) and before in shown <= {before, after}, (page_runs, shown)
    # ...and the build's own set is whole: every page shows it.
    for name, _ in PAGES:
        assert f"(run `{after}`" in texts(app(folder, name)), name
