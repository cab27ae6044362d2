"""What-if scenarios (stg_forecast_scenarios and its quarantine, int_forecast_scenario_prices,
fct_forecast_scenarios, demandcast.scenarios): the published XGBoost forecast re-scored
with a scenario's price and promotion."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import DEMO_SCENARIOS, DEMO_WAREHOUSE_GROUP, Warehouse
from test_explanations import promotion_rows, registry_row

from demandcast.scenarios import PRICE_FEATURES, SCENARIO_COLUMNS, scenario_forecast
from demandcast.xgboost_model import load_booster, predict, typed_rows, version_columns


def published(rows: pd.DataFrame, row: dict) -> pd.DataFrame:
    """forecast_xgboost's published rows of a version, computed as it computes them."""
    scoring = typed_rows(
        version_columns(rows[rows["is_scoring_row"]], row),
        json.loads(row["calibration_json"])["categories"],
    )
    base = scoring[["store_id", "item_id", "cutoff_date", "horizon_step"]].copy()
    base["model_version"] = row["model_version"]
    base["predicted_quantity"] = predict(load_booster(row["artifact"]), scoring)
    return base


def scenario_prices(rows: pd.DataFrame, planted: dict[str, tuple[bool, float]]) -> pd.DataFrame:
    """int_forecast_scenario_prices' rows of one scenario that sets the promotion flag and
    price of the named items on every step, the other items unchanged."""
    scoring = rows[rows["is_scoring_row"]]
    prices = scoring[["store_id", "item_id", "cutoff_date", "horizon_step", "target_date"]].copy()
    prices["scenario_name"] = "what_if"
    overridden = scoring["item_id"].isin(list(planted)).to_numpy()
    flag = scoring["item_id"].map({item: flag for item, (flag, _) in planted.items()})
    price = scoring["item_id"].map({item: price for item, (_, price) in planted.items()})
    prices["is_overridden"] = overridden
    prices["scenario_is_promotion"] = flag.where(overridden, None)
    prices["scenario_price"] = price.where(overridden)
    for column in PRICE_FEATURES:
        prices[column] = scoring.get(column, np.nan)
    if overridden.any():
        prices.loc[overridden, "price"] = price[overridden]
        prices.loc[overridden, "is_promotion"] = flag[overridden].astype(bool)
    return prices


def test_a_planted_promotion_raises_that_item_and_leaves_the_others_at_their_base():
    rows = promotion_rows()  # a promotion quadruples demand; I1 is not promoted at the as-of date
    row = registry_row(rows)
    base = published(rows, row)
    result = scenario_forecast(rows, scenario_prices(rows, {"I1": (True, 1.4)}), base, row)
    assert list(result.columns) == SCENARIO_COLUMNS
    assert len(result) == len(base)  # every scoring row, once for the one scenario
    promoted = result[result["item_id"] == "I1"]
    assert promoted["is_overridden"].all()
    assert (promoted["scenario_predicted_quantity"] > 2 * promoted["base_predicted_quantity"]).all()
    assert (promoted["lift_ratio"] > 1).all()
    others = result[result["item_id"] != "I1"]
    assert not others["is_overridden"].any()
    np.testing.assert_array_equal(
        others["scenario_predicted_quantity"], others["base_predicted_quantity"]
    )
    assert (others["lift_quantity"] == 0).all()


def test_ending_a_promotion_lowers_the_forecast():
    rows = promotion_rows()  # I0 is promoted (price 1.4, regular 2.0) at the as-of date
    row = registry_row(rows)
    result = scenario_forecast(
        rows, scenario_prices(rows, {"I0": (False, 2.0)}), published(rows, row), row
    )
    ended = result[result["item_id"] == "I0"]
    assert (ended["lift_quantity"] < 0).all()


def test_no_scenario_gives_no_rows():
    rows = promotion_rows()
    row = registry_row(rows)
    empty = scenario_prices(rows, {}).iloc[0:0]
    result = scenario_forecast(rows, empty, published(rows, row), row)
    assert result.empty and list(result.columns) == SCENARIO_COLUMNS


def test_a_base_from_another_version_is_an_error():
    rows = promotion_rows()
    row = registry_row(rows)
    base = published(rows, row).assign(model_version="xgb-other")
    with pytest.raises(ValueError, match="published by"):
        scenario_forecast(rows, scenario_prices(rows, {"I1": (True, 1.4)}), base, row)


@pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
def test_demo_scenario_lifts_its_series_only_and_quarantines_bad_rows(demo_warehouse: Warehouse):
    planted = DEMO_SCENARIOS[1]
    columns = [
        name
        for (name,) in demo_warehouse.rows(
            "select column_name from information_schema.columns"
            " where table_name = 'fct_forecast_scenarios' order by ordinal_position"
        )
    ]
    assert columns == SCENARIO_COLUMNS
    # Every published row once, for the one usable scenario.
    assert demo_warehouse.scalar("select count(*) from fct_forecast_scenarios") == (
        demo_warehouse.scalar("select count(*) from forecast_xgboost where not is_backtest")
    )
    # The base is the published forecast, row for row.
    assert (
        demo_warehouse.scalar(
            """
            select max(abs(scenarios.base_predicted_quantity - published.predicted_quantity))
            from fct_forecast_scenarios as scenarios
            inner join forecast_xgboost as published
                using (store_id, item_id, cutoff_date, horizon_step)
            where not published.is_backtest
            """
        )
        == 0
    )
    series = f"store_id = '{planted['store_id']}' and item_id = '{planted['item_id']}'"
    base, scenario, overridden = demo_warehouse.rows(
        "select sum(base_predicted_quantity), sum(scenario_predicted_quantity),"
        f" bool_and(is_overridden) from fct_forecast_scenarios where {series}"
    )[0]
    assert overridden
    assert scenario > base, (scenario, base)
    others = demo_warehouse.rows(
        "select count(*), max(abs(scenario_predicted_quantity - base_predicted_quantity)),"
        f" bool_or(is_overridden) from fct_forecast_scenarios where not ({series})"
    )[0]
    assert others[0] > 0 and others[1] == 0 and not others[2]
    # The scenario's price features: the price, its promotion, the discount recomputed.
    prices = demo_warehouse.rows(
        "select min(price), max(price), bool_and(is_promotion), min(discount_depth)"
        f" from int_forecast_scenario_prices where {series}"
    )[0]
    assert prices[0] == prices[1] == float(planted["price"]) and prices[2] and prices[3] > 0.2
    # The bad rows, each with its reason; the seed's example rows lie outside this horizon.
    quarantined = dict(
        demo_warehouse.rows(
            "select source_file || ' ' || source_row_number, reason_code"
            " from stg_forecast_scenarios_quarantined"
        )
    )
    assert {key: code for key, code in quarantined.items() if key.startswith("var")} == {
        "var forecast_scenarios 1": "overlapping_scenario_rows",
        "var forecast_scenarios 3": "unknown_store",
        "var forecast_scenarios 4": "unknown_item",
        "var forecast_scenarios 5": "end_before_start",
        "var forecast_scenarios 6": "non_positive_price",
    }
    detail = demo_warehouse.scalar(
        "select reason_detail from stg_forecast_scenarios_quarantined"
        " where reason_code = 'overlapping_scenario_rows'"
    )
    assert detail.endswith("var forecast_scenarios row 2"), detail
    seed_rows = {code for key, code in quarantined.items() if key.startswith("seeds/")}
    assert seed_rows == {"outside_forecast_horizon"}
    assert demo_warehouse.scalar("select count(*) from stg_forecast_scenarios") == 1
