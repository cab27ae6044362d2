"""Publishing forecasts: reruns are idempotent and deterministic, new origins append."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import FULL_BUILD, Warehouse

from demandcast.demo_data import DemoConfig, generate_demo_data
from demandcast.presets import canonical_vars
from demandcast.project import run_dbt

pytestmark = pytest.mark.integration

FORECASTS = (
    "select store_id, item_id, target_date, model_version, predicted_quantity, lower_80, "
    "upper_80, lower_95, upper_95 from fct_forecasts order by store_id, item_id, target_date"
)


def test_reruns_replace_history_and_new_origins_append(tmp_path: Path):
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=3, n_items=6, n_days=420, seed=5))
    database = tmp_path / "warehouse.duckdb"

    def build(**extra: object) -> Warehouse:
        result = run_dbt(
            ["build", *FULL_BUILD],
            database_path=database,
            dbt_vars={**canonical_vars(data), **extra},
        )
        assert result.ok, result.output[-4000:]
        return Warehouse(database, result)

    first = build()
    published = first.rows(FORECASTS)
    assert published, "no forecast published"
    as_of = first.scalar("select as_of_date from stg_run_context")

    second = build()
    # Same inputs, same forecasts, to the last bit; the history holds them once.
    assert second.rows(FORECASTS) == published
    assert second.scalar("select count(*) from fct_forecast_history") == len(published)

    earlier = (as_of - dt.timedelta(days=14)).isoformat()
    third = build(as_of_date=earlier)
    origins = dict(
        third.rows(
            "select forecast_origin_date::varchar, count(*) from fct_forecast_history group by 1"
        )
    )
    assert set(origins) == {as_of.isoformat(), earlier}
    assert origins[as_of.isoformat()] == len(published)
    assert third.scalar("select max(forecast_origin_date)::varchar from fct_forecasts") == earlier
