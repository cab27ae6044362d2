"""The accuracy benchmark: reading the project's forecasts, scoring, and the command end to end."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from demandcast import accuracy, bench
from demandcast.demo_data import DemoConfig, generate_demo_data
from demandcast.panels import read_panel

FORECAST_COLUMNS = "store_id varchar, item_id varchar, target_date date, predicted_quantity double"


def write_warehouse(path: Path, statements: list[str]) -> Path:
    with duckdb.connect(str(path)) as connection:
        for statement in statements:
            connection.execute(statement)
    return path


def test_reads_the_current_forecast_tables(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "current.duckdb",
        [
            f"create table forecast_xgboost ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_xgboost values"
            " ('1', '7', '2024-01-08', 5.0, 'xgboost', false),"
            " ('1', '7', '2024-01-01', 9.0, 'xgboost', true)",
            f"create table baseline_forecasts ({FORECAST_COLUMNS}, model_name varchar,"
            " is_scoring_row boolean)",
            "insert into baseline_forecasts values"
            " ('1', '7', '2024-01-08', 4.0, 'seasonal_naive', true),"
            " ('1', '7', '2024-01-08', 3.0, 'moving_average', true),"
            " ('1', '7', '2024-01-01', 1.0, 'moving_average', false)",
        ],
    )
    forecast = accuracy.read_project_forecasts(database)
    assert sorted(forecast.itertuples(index=False, name=None)) == [
        ("demandcast/moving_average", "1", "7", pd.Timestamp("2024-01-08"), 3.0),
        ("demandcast/seasonal_naive", "1", "7", pd.Timestamp("2024-01-08"), 4.0),
        ("demandcast/xgboost", "1", "7", pd.Timestamp("2024-01-08"), 5.0),
    ]


def test_prefers_forecast_candidates_and_the_final_forecast(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "candidates.duckdb",
        [
            f"create table forecast_candidates ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_candidates values"
            " ('S1', 'I1', '2024-01-02', 5.0, 'prophet', false),"
            " ('S1', 'I1', '2024-01-02', 6.0, 'xgboost', false),"
            " ('S1', 'I1', '2024-01-01', 7.0, 'xgboost', true)",
            f"create table fct_forecasts ({FORECAST_COLUMNS}, model_name varchar)",
            "insert into fct_forecasts values ('S1', 'I1', '2024-01-02', 6.0, 'xgboost')",
            # Still there from before, and ignored.
            f"create table forecast_xgboost ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_xgboost values ('S1', 'I1', '2024-01-02', 99.0, 'old', false)",
        ],
    )
    forecast = accuracy.read_project_forecasts(database)
    assert sorted(zip(forecast["model"], forecast["predicted_quantity"], strict=True)) == [
        ("demandcast/final", 6.0),
        ("demandcast/prophet", 5.0),
        ("demandcast/xgboost", 6.0),
    ]


def test_refuses_two_forecasts_for_one_series_and_date(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "duplicates.duckdb",
        [
            f"create table forecast_candidates ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_candidates values"
            " ('S1', 'I1', '2024-01-02', 5.0, 'prophet', false),"
            " ('S1', 'I1', '2024-01-02', 6.0, 'prophet', false)",
        ],
    )
    with pytest.raises(ValueError, match="duplicate"):
        accuracy.read_project_forecasts(database)


def test_evaluate_scores_missing_forecasts_as_zero():
    protocol = accuracy.Protocol(
        dataset="x",
        layout="walmart",
        frequency="week",
        origin=dt.date(2024, 1, 5),
        horizon=2,
        holiday_weight=5.0,
        has_holiday_flag=True,
        primary_metric="wmae",
    )
    actuals = pd.DataFrame(
        {
            "store_id": ["1", "1", "2"],
            "item_id": ["1", "1", "1"],
            "period_date": pd.to_datetime(["2024-01-12", "2024-01-19", "2024-01-12"]),
            "quantity": [10.0, 20.0, 4.0],
            "is_holiday": [False, True, False],
        }
    )
    forecast = pd.DataFrame(
        {
            "store_id": ["1", "1"],
            "item_id": ["1", "1"],
            "target_date": pd.to_datetime(["2024-01-12", "2024-01-19"]),
            "predicted_quantity": [12.0, 17.0],
        }
    )
    scale = pd.Series(
        [2.0], index=pd.MultiIndex.from_tuples([("1", "1")], names=["store_id", "item_id"])
    )
    figures = accuracy.evaluate(actuals, forecast, scale, protocol)
    # Errors 2, 3 (holiday), 4 (no forecast: 0).
    assert figures["mae"] == pytest.approx(3.0)
    assert figures["wmae"] == pytest.approx((2 + 5 * 3 + 4) / 7)
    assert figures["wape"] == pytest.approx(9 / 34)
    assert figures["missing_predictions"] == 1
    # Series 2 has no history: left out of MASE; series 1: mean(2, 3) / 2.
    assert figures["mase"] == pytest.approx(1.25)
    assert figures["mase_rows_left_out"] == 1


@pytest.mark.integration
def test_accuracy_command_end_to_end(tmp_path: Path):
    data = tmp_path / "demo"
    generate_demo_data(data, DemoConfig(n_stores=2, n_items=4, n_days=200, plant_faults=False))
    library_peers = all(
        importlib.util.find_spec(module) for module in ("mlforecast", "lightgbm", "statsforecast")
    )
    chosen = ["seasonal_naive", "mlforecast_lightgbm", "statsforecast_autoets"]
    if not library_peers:
        chosen = ["seasonal_naive"]
    out = tmp_path / "results.json"
    code = bench.main(
        [
            "accuracy",
            "--data",
            str(data),
            "--peers",
            ",".join(chosen),
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    rows = report["results"]
    assert rows
    for row in rows:
        assert set(row) == {"dataset", "model", "metric", "value", "wall_seconds", "peak_mb"}
        assert row["dataset"] == "demo"
    models = {row["model"] for row in rows}
    assert models == {
        # every candidate of forecast_candidates, and the selected one as final
        "demandcast/xgboost",
        "demandcast/prophet",
        "demandcast/combination",
        "demandcast/seasonal_naive",
        "demandcast/moving_average",
        "demandcast/final",
        *(f"peer/{name}" for name in chosen),
    }
    figures = {(row["model"], row["metric"]): row["value"] for row in rows}
    for model in models:
        for metric in ("wmae", "wape", "mase", "mae", "wape_ratio_to_seasonal_naive"):
            assert (model, metric) in figures, (model, metric)
    assert figures[("peer/seasonal_naive", "wape_ratio_to_seasonal_naive")] == 1.0

    # Default protocol: daily, origin one horizon (28 days) before the last date.
    panel = read_panel(data, "canonical")
    protocol = report["protocol"]
    assert protocol["horizon"] == 28
    assert protocol["origin"] == (pd.Timestamp(panel.last_date) - pd.Timedelta(days=28)).strftime(
        "%Y-%m-%d"
    )
    expected_rows = panel.frame["period_date"] > pd.Timestamp(protocol["origin"])
    assert figures[("peer/seasonal_naive", "rows")] == expected_rows.sum()

    # Without planted faults the project's seasonal naive (same weekday last week) and the
    # peer's see the same history: their scores must agree.
    for metric in ("wmae", "wape", "mase", "mae"):
        assert figures[("demandcast/seasonal_naive", metric)] == pytest.approx(
            figures[("peer/seasonal_naive", metric)], rel=1e-9
        ), metric
