"""A daily schedule: the same backtests and selection whether the champion was trained
today or reused (issue: a reused champion emptied backtest_metrics and model_selection on
13 days in 14, because the cut-off grid moved with the as-of date)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from conftest import FULL_BUILD

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import run_dbt

pytestmark = pytest.mark.integration

PANEL = DemoConfig(n_stores=2, n_items=5, n_days=420, seed=5, plant_faults=False)
# What the backtests, the selection and their parents need; nothing else (the dbt unit
# tests run in complete builds: conftest.FULL_BUILD says where).
SELECTION = [
    "--select",
    "+backtest_metrics",
    "+model_selection",
    "+model_training_log",
    *FULL_BUILD,
]


def _read(database: Path) -> dict[str, object]:
    with duckdb.connect(str(database), read_only=True) as connection:
        decisions = dict(
            connection.execute(
                "select algorithm, decision from model_training_log"
                " where invocation_id = (select invocation_id from stg_run_context)"
            ).fetchall()
        )
        selection = connection.execute(
            "select segment_id, model_name, backtest_rows, round(backtest_wape, 12),"
            " is_eligible, is_selected from model_selection order by all"
        ).fetchall()
        metric_rows = connection.execute("select count(*) from backtest_metrics").fetchone()
        origins = connection.execute(
            "select model_name, count(distinct cutoff_date) from forecast_candidates"
            " where is_backtest group by all order by all"
        ).fetchall()
    return {
        "decisions": decisions,
        "selection": selection,
        "metric_rows": metric_rows[0] if metric_rows else 0,
        "origins": origins,
    }


def test_backtests_and_selection_on_every_day_of_a_schedule(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    generate_demo_data(folder, PANEL)
    last_day = PANEL.start_date + dt.timedelta(days=PANEL.n_days - 1)
    first_as_of = last_day - dt.timedelta(days=14)
    database = tmp_path / "warehouse.duckdb"
    runs = {}
    for offset in (0, 1, 3, 14):
        as_of = first_as_of + dt.timedelta(days=offset)
        result = run_dbt(
            ["build", *SELECTION],
            database_path=database,
            dbt_vars={**canonical_vars(folder), "as_of_date": as_of.isoformat()},
        )
        assert result.ok, f"as of {as_of}:\n{result.output[-4000:]}"
        runs[offset] = _read(database)

    trained = runs[0]
    assert all(str(decision).startswith("trained") for decision in trained["decisions"].values())
    assert set(trained["decisions"]) == {"xgboost", "prophet"}
    for offset, run in runs.items():
        assert run["metric_rows"] > 0, f"day +{offset}: backtest_metrics is empty"
        assert run["selection"], f"day +{offset}: model_selection is empty"
        # Every candidate is backtested at all the origins (3), on every day.
        assert {count for _, count in run["origins"]} == {3}, (offset, run["origins"])
    for offset in (1, 3, 14):
        assert runs[offset]["decisions"] == {"xgboost": "reused", "prophet": "reused"}, offset
        assert runs[offset]["selection"] == trained["selection"], f"day +{offset}"
