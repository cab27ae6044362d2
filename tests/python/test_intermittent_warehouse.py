"""The intermittent-demand candidates in a built warehouse (the shared demo build):
forecast_intermittent recomputed independently from int_sales_gap_filled up to each
cut-off with the one-series functions (no later period may reach a forecast), and every
feature row at the origins carries the three candidates in forecast_candidates. And a
build with model_selection_level demand_class: one segment per demand class."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DEMO_WAREHOUSE_GROUP, FULL_BUILD, Warehouse

from demandcast.intermittent import METHODS
from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import run_dbt

# vars intermittent_alpha and tsb_probability_alpha, not set by the demo build
ALPHA = 0.1
PROBABILITY_ALPHA = 0.1
SAMPLE_SERIES = 12


def _frame(warehouse: Warehouse, sql: str, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(warehouse.rows(sql), columns=columns)


@pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
def test_intermittent_forecasts_use_only_the_periods_up_to_their_cutoff(
    demo_warehouse: Warehouse,
):
    forecasts = _frame(
        demo_warehouse,
        "select store_id, item_id, cutoff_date, model_name, model_version, predicted_quantity"
        " from forecast_intermittent",
        ["store_id", "item_id", "cutoff_date", "model_name", "model_version", "predicted"],
    )
    # Every cut-off of the grid, not only today's origins: a reused XGBoost version's
    # stored origins need them (test_schedule.py).
    cutoffs = {
        row[0] for row in demo_warehouse.rows("select cutoff_date from int_forecast_cutoffs")
    }
    origins = {
        row[0]
        for row in demo_warehouse.rows(
            "select cutoff_date from int_forecast_cutoffs"
            " where is_backtest_origin or is_scoring_row"
        )
    }
    assert set(forecasts["cutoff_date"]) == cutoffs and len(origins) >= 2 and origins < cutoffs
    history = _frame(
        demo_warehouse,
        "select cast(store_id as varchar), cast(item_id as varchar), period_end_date, quantity"
        " from int_sales_gap_filled order by store_id, item_id, period_end_date",
        ["store_id", "item_id", "period_end_date", "quantity"],
    )
    keys = history[["store_id", "item_id"]].drop_duplicates()
    sample = keys.sample(n=min(SAMPLE_SERIES, len(keys)), random_state=19)
    checked = 0
    for store_id, item_id in sample.itertuples(index=False):
        series = history[(history["store_id"] == store_id) & (history["item_id"] == item_id)]
        for cutoff in cutoffs:
            known = series[series["period_end_date"] <= cutoff]
            rows = forecasts[
                (forecasts["store_id"] == store_id)
                & (forecasts["item_id"] == item_id)
                & (forecasts["cutoff_date"] == cutoff)
            ]
            if known.empty:  # launched after the cut-off: no forecast
                assert rows.empty
                continue
            values = known["quantity"].astype("float64").to_numpy()
            assert set(rows["model_name"]) == set(METHODS)
            for row in rows.itertuples():
                function = METHODS[row.model_name]
                expected = (
                    function(values, ALPHA, PROBABILITY_ALPHA)
                    if row.model_name == "tsb"
                    else function(values, ALPHA)
                )
                assert row.predicted == pytest.approx(expected, rel=1e-9, abs=1e-12)
                checked += 1
    assert checked >= SAMPLE_SERIES * len(METHODS)
    assert np.isfinite(forecasts["predicted"]).all() and (forecasts["predicted"] >= 0).all()
    assert set(forecasts["model_version"]) == {
        "croston_sba-alpha0.1",
        "tsb-alpha0.1-probability0.1",
        "adida-alpha0.1",
    }


@pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
def test_every_origin_feature_row_has_the_intermittent_candidates(demo_warehouse: Warehouse):
    missing = demo_warehouse.rows(
        """
        with origins as (
            select distinct cutoff_date from forecast_candidates where model_name = 'xgboost'
        ),
        expected as (
            select features.store_id, features.item_id, features.cutoff_date,
                features.horizon_step, methods.model_name
            from int_forecast_features as features
            inner join origins using (cutoff_date)
            cross join (values ('croston_sba'), ('tsb'), ('adida')) as methods (model_name)
            where features.is_scoring_row or features.target_quantity is not null
        )
        select * from expected
        except
        select store_id, item_id, cutoff_date, horizon_step, model_name
        from forecast_candidates
        """
    )
    assert missing == []
    # The level is the forecast of every step of the horizon.
    steps = demo_warehouse.scalar(
        """
        select count(*) from (
            select store_id, item_id, cutoff_date, model_name
            from forecast_candidates
            where model_name in ('croston_sba', 'tsb', 'adida')
            group by all
            having count(distinct predicted_quantity) > 1
        ) as uneven
        """
    )
    assert steps == 0


def test_selection_per_demand_class(tmp_path: Path):
    """A demo build with model_selection_level demand_class: every candidate row's segment
    is its series' class in int_demand_classes, model_selection ranks the candidates per
    class, and each published forecast comes from its class's selected model."""
    data = tmp_path / "data"
    # Slow movers are a fifth of the items: 12 items give intermittent series beside
    # smooth ones.
    generate_demo_data(
        data, DemoConfig(n_stores=2, n_items=12, n_days=420, seed=5, plant_faults=False)
    )
    database = tmp_path / "warehouse.duckdb"
    result = run_dbt(
        ["build", "--select", "+fct_forecasts", "+backtest_metrics", *FULL_BUILD],
        database_path=database,
        dbt_vars={**canonical_vars(data), "model_selection_level": "demand_class"},
    )
    assert result.ok, result.output[-4000:]
    warehouse = Warehouse(database, result)
    classes = dict(
        ((store, item), demand_class)
        for store, item, demand_class in warehouse.rows(
            "select cast(store_id as varchar), cast(item_id as varchar), demand_class"
            " from int_demand_classes"
        )
    )
    assert len(set(classes.values())) >= 2, classes
    wrong_segment = warehouse.scalar(
        """
        select count(*)
        from forecast_candidates as candidates
        left join int_demand_classes as classes using (store_id, item_id)
        where candidates.segment_id <> coalesce(classes.demand_class, 'unknown')
        """
    )
    assert wrong_segment == 0
    segments = {row[0] for row in warehouse.rows("select distinct segment_id from model_selection")}
    backtested = {
        classes.get((store, item), "unknown")
        for store, item in warehouse.rows(
            "select distinct cast(store_id as varchar), cast(item_id as varchar)"
            " from forecast_candidates where is_backtest"
        )
    }
    assert segments == backtested and len(segments) >= 2
    selected = warehouse.scalar("select count(*) from model_selection where is_selected")
    assert selected == len(segments)
    mismatched = warehouse.scalar(
        """
        select count(*)
        from fct_forecasts as forecasts
        inner join model_selection as selection
            on forecasts.segment_id = selection.segment_id and selection.is_selected
        left join int_demand_classes as classes using (store_id, item_id)
        where (forecasts.is_selected_model and forecasts.model_name <> selection.model_name)
            or forecasts.segment_id <> coalesce(classes.demand_class, 'unknown')
        """
    )
    assert mismatched == 0
    # Nearly every published row is its class's selected model (the rest: a selected
    # baseline without a value for the series, where fct_forecasts falls back).
    assert warehouse.scalar("select avg(is_selected_model::int) from fct_forecasts") > 0.9
    intermittent = warehouse.rows(
        "select distinct model_name from model_selection"
        " where model_name in ('croston_sba', 'tsb', 'adida') and is_eligible"
    )
    assert len(intermittent) == 3  # the new candidates compete in every class
