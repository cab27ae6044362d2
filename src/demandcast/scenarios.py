"""What-if scenarios: the published XGBoost forecast re-scored with a scenario's price and
promotion.

The features are SQL's: int_forecast_scenario_prices holds, for each scenario and
scoring row, the price features the row has under the scenario (the scenario's price and
promotion, and the features derived from them, in the rows of its windows; the
feature table's own values elsewhere). Here they take the place of the scoring rows' own
(PRICE_FEATURES of int_forecast_features), and the registry's scoring version (the
booster forecast_xgboost published with; nothing is trained) predicts the rows, beside
the base forecast of forecast_xgboost: a row outside the scenario's windows is predicted
from the same features as its base, so its lift is exactly 0.

The dbt model ``fct_forecast_scenarios`` calls :func:`scenario_forecast`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from demandcast.backtests import KEY_COLUMNS, empty_output, typed_output
from demandcast.xgboost_model import load_booster, predict, typed_rows, version_columns

SCENARIO_COLUMNS = [
    "scenario_name",
    *KEY_COLUMNS,
    "model_version",
    "is_overridden",
    "scenario_price",
    "scenario_is_promotion",
    "base_predicted_quantity",
    "scenario_predicted_quantity",
    "lift_quantity",
    "lift_ratio",
    "invocation_id",
]
SCENARIO_TYPES = {
    "scenario_name": "string",
    "store_id": "string",
    "item_id": "string",
    "horizon_step": "int32",
    "model_version": "string",
    "is_overridden": "bool",
    "scenario_price": "float64",
    "scenario_is_promotion": "boolean",
    "invocation_id": "string",
    **dict.fromkeys(
        [
            "base_predicted_quantity",
            "scenario_predicted_quantity",
            "lift_quantity",
            "lift_ratio",
        ],
        "float64",
    ),
}
# The columns of int_forecast_scenario_prices that say which scenario a row is in and
# what it sets, and the price features it gives every row (int_price_features' columns).
SCENARIO_FIELDS = ["scenario_name", "is_overridden", "scenario_price", "scenario_is_promotion"]
PRICE_FEATURES = [
    "price",
    "regular_price",
    "price_relative_to_regular",
    "price_change",
    "discount_depth",
    "is_promotion",
    "is_price_cut",
]
JOIN_KEYS = ["store_id", "item_id", "cutoff_date", "horizon_step"]


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    keyed = frame.copy(deep=False)
    keyed["cutoff_date"] = pd.to_datetime(keyed["cutoff_date"])
    keyed["horizon_step"] = keyed["horizon_step"].astype("int64")
    for column in ("store_id", "item_id"):
        keyed[column] = keyed[column].astype("string")
    return keyed


def scenario_rows(scoring: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """The scoring rows once per scenario, each with its price features under the
    scenario: scoring's other columns, prices' PRICE_FEATURES and SCENARIO_FIELDS. Every
    scoring row must have one price row per scenario (int_forecast_scenario_prices has)."""
    scoring = scoring[scoring["is_scoring_row"].astype(bool)]
    others = _keyed(scoring.drop(columns=[c for c in PRICE_FEATURES if c in scoring.columns]))
    priced = _keyed(prices[[*JOIN_KEYS, *SCENARIO_FIELDS, *PRICE_FEATURES]])
    rows = others.merge(priced, on=JOIN_KEYS, how="inner", validate="one_to_many")
    expected = len(others) * priced["scenario_name"].nunique()
    if len(rows) != expected:
        raise ValueError(
            f"int_forecast_scenario_prices gives {len(rows)} scenario rows for "
            f"{len(others)} scoring rows x {priced['scenario_name'].nunique()} scenarios"
        )
    return rows


def scenario_forecast(
    scoring: pd.DataFrame,
    prices: pd.DataFrame,
    base: pd.DataFrame,
    row: Mapping[str, Any],
    *,
    invocation_id: str = "",
) -> pd.DataFrame:
    """Each scenario's forecast beside the base forecast, and the lift.

    Args:
        scoring: Rows of int_forecast_features (the scoring rows are re-scored).
        prices: int_forecast_scenario_prices' rows (the price features per scenario).
        base: The published rows of forecast_xgboost (keys, model_version,
            predicted_quantity), by the same version.
        row: The registry row of the scoring version (booster, vocabularies).
        invocation_id: The run's dbt invocation id.

    Returns:
        One row per scenario_name and scoring row, columns SCENARIO_COLUMNS: lift_quantity
        = scenario - base, lift_ratio = lift / base (null where base is 0).
    """
    version = str(row["model_version"])
    if prices.empty or scoring.empty:
        return no_scenarios()
    booster = load_booster(row["artifact"])
    categories = json.loads(row["calibration_json"])["categories"]
    parts = []
    for _, group in scenario_rows(scoring, prices).groupby("scenario_name", sort=True):
        # Sorted by the row key first: typed_rows keeps that order, so the scenario's
        # columns stay beside the rows they belong to.
        ordered = group.sort_values(KEY_COLUMNS, kind="stable", ignore_index=True)
        typed = typed_rows(version_columns(ordered, row), categories)
        scored = ordered[SCENARIO_FIELDS + KEY_COLUMNS].copy()
        scored["scenario_predicted_quantity"] = np.asarray(predict(booster, typed), dtype="float64")
        parts.append(scored)
    scored = pd.concat(parts, ignore_index=True)
    published = _keyed(base[[*JOIN_KEYS, "model_version", "predicted_quantity"]])
    versions = set(published["model_version"].astype(str))
    if versions - {version}:
        raise ValueError(
            f"forecast_xgboost was published by {sorted(versions)}, the scenarios by {version}"
        )
    joined = scored.merge(
        published.drop(columns="model_version").rename(
            columns={"predicted_quantity": "base_predicted_quantity"}
        ),
        on=JOIN_KEYS,
        how="left",
        validate="many_to_one",
    )
    missing = joined["base_predicted_quantity"].isna()
    if missing.any():
        first = joined[missing].iloc[0]
        raise ValueError(
            f"{int(missing.sum())} scenario rows have no published forecast, e.g. "
            f"{first['store_id']} / {first['item_id']} step {first['horizon_step']}"
        )
    base_quantity = joined["base_predicted_quantity"]
    joined["lift_quantity"] = joined["scenario_predicted_quantity"] - base_quantity
    joined["lift_ratio"] = joined["lift_quantity"] / base_quantity.where(base_quantity != 0)
    joined["model_version"] = version
    joined["invocation_id"] = invocation_id
    return _typed_output(joined)


def _typed_output(frame: pd.DataFrame) -> pd.DataFrame:
    return typed_output(frame, SCENARIO_COLUMNS, SCENARIO_TYPES)


def no_scenarios() -> pd.DataFrame:
    """The output when nothing is re-scored (no scenario, or no trained model): no rows,
    the columns SCENARIO_COLUMNS with their warehouse types."""
    return empty_output(SCENARIO_COLUMNS, SCENARIO_TYPES)
