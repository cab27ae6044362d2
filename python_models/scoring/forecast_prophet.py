"""Aggregate Prophet forecasts split over the series, by the registry's scoring version
(pinned, else champion): its stored backtests and the published forecast. No rows when
the history is too short to train (int_training_history).

Thin by design: rows in, one call into demandcast.prophet_models, rows out.
"""

from demandcast import model_runs, warehouse
from demandcast.backtests import no_forecast
from demandcast.prophet_models import FORECAST_ROW_COLUMNS, ProphetForecaster


def model(dbt, session):
    dbt.config(materialized="table")
    if model_runs.untrained_reason(dbt.ref("int_training_history")):
        return no_forecast()
    prophet = ProphetForecaster(
        warehouse.to_pandas_where(
            dbt.ref("int_forecast_features"), "is_scoring_row", FORECAST_ROW_COLUMNS
        ),
        warehouse.to_pandas(dbt.ref("int_aggregate_shares")),
    )
    row = model_runs.scoring_version(
        dbt.ref("registry_prophet"),
        "prophet",
        dbt.ref("stg_run_context"),
        dbt.config.get("registry"),
    )
    return prophet.score(row)
