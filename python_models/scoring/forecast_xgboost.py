"""Global XGBoost forecast from the registry's scoring version (pinned, else champion):
its stored backtests and the published forecast at the as-of date. No rows when the
history is too short to train (int_training_history).

Thin by design: rows in, one call into demandcast.xgboost_model, rows out.
"""

from demandcast import model_runs, warehouse
from demandcast.backtests import no_forecast
from demandcast.xgboost_model import XGBoostForecaster, read_options


def model(dbt, session):
    dbt.config(materialized="table")
    if model_runs.untrained_reason(dbt.ref("int_training_history")):
        return no_forecast()
    features = dbt.ref("int_forecast_features")
    columns = warehouse.column_names(features)
    scoring = warehouse.to_pandas_where(
        features, "is_scoring_row", columns, **read_options(columns)
    )
    row = model_runs.scoring_version(
        dbt.ref("registry_xgboost"),
        "xgboost",
        dbt.ref("stg_run_context"),
        dbt.config.get("registry"),
    )
    return XGBoostForecaster(scoring).score(row)
