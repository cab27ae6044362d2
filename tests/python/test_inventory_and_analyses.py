"""The inventory mart against an independent recomputation, and every analysis in analyses/
compiled by dbt and run against the same built warehouse.

One build serves both checks: a full build with forecasts takes minutes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
import yaml
from conftest import FULL_BUILD, BuildFn, Warehouse

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import PROJECT_DIR, run_dbt

pytestmark = pytest.mark.integration

ANALYSES_DIR = PROJECT_DIR / "analyses"
STORE = "S02"


def as_dicts(warehouse: Warehouse, sql: str) -> list[dict[str, Any]]:
    """Rows of a query as dicts keyed by column name."""
    import duckdb

    with duckdb.connect(str(warehouse.path), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def project_var(name: str) -> Any:
    with (PROJECT_DIR / "dbt_project.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["vars"][name]


def expected_recommendations(warehouse: Warehouse) -> dict[tuple[str, str], dict[str, Any]]:
    """The mart's formulas, redone in Python from the forecast periods and the seeds."""
    periods: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in as_dicts(warehouse, "select * from int_inventory_forecast_periods"):
        periods[(row["store_id"], row["item_id"])].append(row)
    policy = {
        (row["store_id"], row["item_id"]): row
        for row in as_dicts(warehouse, "select * from inventory_policy")
    }
    stock = {
        (row["store_id"], row["item_id"]): row
        for row in as_dicts(warehouse, "select * from inventory_stock")
    }
    level = int(project_var("inventory_sigma_interval"))
    interval_z = NormalDist().inv_cdf((1 + level / 100) / 2)
    days_per_period = 1  # the demo data is daily

    expected = {}
    for (store_id, item_id), rows in periods.items():

        def setting(column: str, store_id: str = store_id, item_id: str = item_id) -> Any:
            for key in ((store_id, item_id), (None, item_id)):
                if key in policy and policy[key][column] is not None:
                    return policy[key][column]
            return project_var(f"inventory_{column}")

        rows.sort(key=lambda row: row["horizon_step"])
        demand = [max(row["predicted_quantity"], 0.0) for row in rows]
        variance = [
            (max(row[f"upper_{level}"] - row["predicted_quantity"], 0.0) / interval_z) ** 2
            for row in rows
        ]
        lead_time = setting("lead_time_days") / days_per_period
        horizon = len(rows)
        shares = [min(max(lead_time - step, 0.0), 1.0) for step in range(horizon)]
        beyond = max(lead_time - horizon, 0.0)
        lead_time_demand = sum(s * d for s, d in zip(shares, demand, strict=True))
        lead_time_demand += beyond * sum(demand) / horizon
        lead_time_variance = sum(s * v for s, v in zip(shares, variance, strict=True))
        lead_time_variance += beyond * sum(variance) / horizon
        safety_stock = NormalDist().inv_cdf(setting("service_level")) * math.sqrt(
            lead_time_variance
        )
        reorder_point = lead_time_demand + safety_stock
        annual_demand = sum(demand) / horizon * 365 / days_per_period
        order_cost, unit_cost = setting("order_cost"), setting("unit_cost")
        eoq = None
        if annual_demand <= 0:
            eoq = 0.0  # no demand, no order: stated whatever the costs (eoq_status zero_demand)
        elif None not in (order_cost, unit_cost):
            eoq = math.sqrt(
                2 * annual_demand * order_cost / (setting("holding_cost_rate") * unit_cost)
            )
        below = None
        stock_row = stock.get((store_id, item_id))
        if stock_row is not None:
            position = stock_row["on_hand_quantity"] + (stock_row["on_order_quantity"] or 0)
            below = position < reorder_point
        expected[(store_id, item_id)] = {
            "lead_time_demand": lead_time_demand,
            "safety_stock": safety_stock,
            "reorder_point": reorder_point,
            "economic_order_quantity": eoq,
            "is_below_reorder_point": below,
            "is_lead_time_beyond_horizon": beyond > 0,
        }
    return expected


def check_inventory_mart(warehouse: Warehouse) -> None:
    expected = expected_recommendations(warehouse)
    actual = {
        (row["store_id"], row["item_id"]): row
        for row in as_dicts(warehouse, "select * from inventory_recommendations")
    }
    assert set(actual) == set(expected), "one row per series with a published forecast"
    # The seed's examples must reach the flags: some series beyond the horizon, some
    # below their reorder point, some with stock above it.
    assert any(row["is_lead_time_beyond_horizon"] for row in expected.values())
    assert {row["is_below_reorder_point"] for row in expected.values()} >= {True, False}
    for key, want in expected.items():
        got = actual[key]
        for column in ("lead_time_demand", "safety_stock", "reorder_point"):
            assert got[column] == pytest.approx(want[column], abs=1e-3), (key, column)
        if want["economic_order_quantity"] is None:
            assert got["economic_order_quantity"] is None, key
            assert got["eoq_status"].startswith("missing_"), key
        elif want["economic_order_quantity"] == 0:
            assert got["economic_order_quantity"] == 0, key
            assert got["eoq_status"] in {"zero_demand", "incomplete_forecast"}, key
        else:
            assert got["economic_order_quantity"] == pytest.approx(
                want["economic_order_quantity"], abs=1e-3
            ), key
        assert got["is_below_reorder_point"] == want["is_below_reorder_point"], key
        assert got["is_lead_time_beyond_horizon"] == want["is_lead_time_beyond_horizon"], key


def check_analyses(warehouse: Warehouse, compiled: dict[str, str]) -> None:
    results = {name: as_dicts(warehouse, sql) for name, sql in compiled.items()}
    as_of = warehouse.scalar("select as_of_date from stg_run_context")

    # Next four weeks: only the requested store, only the 28 days after the origin,
    # every published item of that store.
    next_weeks = results["next_four_weeks_for_a_store"]
    assert next_weeks
    assert {row["store_id"] for row in next_weeks} == {STORE}
    assert {row["forecast_origin_date"] for row in next_weeks} == {as_of}
    assert {row["target_date"] for row in next_weeks} == {
        as_of + dt.timedelta(days=day) for day in range(1, 29)
    }
    assert {row["item_id"] for row in next_weeks} == {
        row[0]
        for row in warehouse.rows(
            f"select distinct item_id::varchar from fct_forecasts where store_id = '{STORE}'"
        )
    }

    # Items to order: exactly the flagged rows of the mart, for the requested store.
    to_order = results["items_to_order"]
    flagged = warehouse.rows(
        "select item_id from inventory_recommendations "
        f"where is_below_reorder_point and store_id = '{STORE}'"
    )
    assert flagged, "the example stock seed flags items of this store"
    assert sorted(row["item_id"] for row in to_order) == sorted(row[0] for row in flagged)
    assert all(row["store_id"] == STORE for row in to_order)
    assert all(row["shortfall_quantity"] > 0 for row in to_order)
    assert all(row["recommended_order_quantity"] >= 1 for row in to_order)

    # Worst recent accuracy: recent targets only, worst WAPE first, at most top_n rows.
    worst = results["worst_recent_accuracy"]
    assert 0 < len(worst) <= 20
    assert all(
        as_of - dt.timedelta(days=28) < row["first_target_date"] <= row["last_target_date"] <= as_of
        for row in worst
    )
    wapes = [row["wape"] for row in worst if row["wape"] is not None]
    assert wapes == sorted(wapes, reverse=True)

    # One series: actuals up to the as-of date, the published forecast after it.
    # No item given: the store's first published item.
    series = results["forecast_vs_actual_for_a_series"]
    first_item = warehouse.scalar(
        f"select min(item_id::varchar) from fct_forecasts where store_id = '{STORE}'"
    )
    assert {(row["store_id"], row["item_id"]) for row in series} == {(STORE, first_item)}
    past = [row for row in series if not row["is_future"]]
    future = [row for row in series if row["is_future"]]
    assert past and all(row["target_date"] <= as_of for row in past)
    assert any(row["actual_quantity"] is not None for row in past)
    assert any(row["backtest_quantity"] is not None for row in past)
    assert len(future) == 28
    assert all(
        row["actual_quantity"] is None and row["predicted_quantity"] is not None for row in future
    )

    assert results["where_did_my_rows_go"], "row accounting is never empty"

    # Alerts this week: every alert of the run, errors first.
    alerts = results["alerts_this_week"]
    assert len(alerts) == warehouse.scalar("select count(*) from monitoring_alerts")
    severities = [row["severity"] for row in alerts]
    assert severities == sorted(severities, key=lambda severity: severity != "error")


def test_inventory_mart_and_every_analysis_on_a_built_warehouse(build: BuildFn, tmp_path: Path):
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=2, n_items=6, n_days=420, seed=7))
    dbt_vars = canonical_vars(data)
    warehouse = build(dbt_vars, selection=FULL_BUILD)

    check_inventory_mart(warehouse)

    target = tmp_path / "compile_target"
    result = run_dbt(
        ["compile", "--select", "path:analyses"],
        database_path=warehouse.path,
        dbt_vars={**dbt_vars, "analysis_store_id": STORE},
        target_path=target,
    )
    assert result.ok, result.output[-4000:]
    compiled_dir = target / "compiled" / "demandcast" / "analyses"
    compiled = {path.stem: path.read_text() for path in sorted(compiled_dir.glob("*.sql"))}
    # Every file in analyses/ is compiled and run, including ones added later.
    assert set(compiled) == {path.stem for path in ANALYSES_DIR.glob("*.sql")}
    check_analyses(warehouse, compiled)
