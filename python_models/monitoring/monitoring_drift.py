"""Drift of the features and the predictions: the scoring XGBoost version's training
reference (stored with the version) against the as-of date's scoring rows.

Thin by design: statistics in demandcast.drift. Incremental: one set of rows per as-of
date, so a replay leaves the drift history. No rows when no model trained
(int_training_history).
"""

import json

import pandas as pd

from demandcast import model_runs, warehouse
from demandcast.artifacts import from_parquet_bytes
from demandcast.drift import drift_rows, monitored_features, no_drift


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key=["as_of_date", "subject", "name"],
    )
    context = model_runs.run_context(dbt.ref("stg_run_context"))
    if model_runs.untrained_reason(dbt.ref("int_training_history")):
        return no_drift()
    row = model_runs.scoring_version(
        dbt.ref("registry_xgboost"),
        "xgboost",
        dbt.ref("stg_run_context"),
        dbt.config.get("registry"),
    )
    reference = from_parquet_bytes(row["reference_sample"])
    current = warehouse.to_pandas_where(
        dbt.ref("int_forecast_features"),
        "is_scoring_row and horizon_step = 1",
        list(reference.columns),
    )
    forecasts = warehouse.to_pandas(dbt.ref("forecast_xgboost"))
    backtest = from_parquet_bytes(row["backtest_predictions"])
    features = monitored_features(
        [c for c in json.loads(row["features_json"]) if c in reference.columns]
    )
    result = pd.concat(
        [
            drift_rows(reference, current, features, "feature"),
            drift_rows(
                backtest,
                forecasts[~forecasts["is_backtest"]],
                ["predicted_quantity"],
                "prediction",
            ),
        ],
        ignore_index=True,
    )
    result.insert(0, "as_of_date", context.as_of_date)
    result.insert(1, "model_version", row["model_version"])
    result["invocation_id"] = context.invocation_id
    return result
