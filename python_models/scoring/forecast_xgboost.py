"""Global XGBoost forecast from the registry's scoring version (pinned, else champion):
its stored backtests and the published forecast at the as-of date. No rows when the
history is too short to train (int_training_history).

Thin by design: rows in, one call into demandcast.forecasting, rows out.
"""

from demandcast import warehouse
from demandcast.forecasting import no_forecast, score_registered
from demandcast.registry import RegistrySettings, scoring_row


def model(dbt, session):
    dbt.config(materialized="table")
    if warehouse.untrained_reason(dbt.ref("int_training_history")):
        return no_forecast()
    registry = warehouse.to_pandas(dbt.ref("registry_xgboost"))
    settings = RegistrySettings.from_mapping(dbt.config.get("registry"))
    as_of = warehouse.run_context(dbt.ref("stg_run_context")).as_of_date
    row = scoring_row(registry, "xgboost", settings.pinned_version, as_of)
    features = dbt.ref("int_forecast_features")
    scoring = warehouse.to_pandas_where(
        features, "is_scoring_row", warehouse.column_names(features)
    )
    return score_registered(scoring, row)
