"""Aggregate Prophet forecasts split over the series, by the registry's scoring version
(pinned, else champion): its stored backtests and the published forecast. No rows when
the history is too short to train (int_training_history)."""

from demandcast import warehouse
from demandcast.forecasting import no_forecast
from demandcast.prophet_models import FORECAST_ROW_COLUMNS, score_registered
from demandcast.registry import RegistrySettings, scoring_row


def model(dbt, session):
    dbt.config(materialized="table")
    if warehouse.untrained_reason(dbt.ref("int_training_history")):
        return no_forecast()
    registry = warehouse.to_pandas(dbt.ref("registry_prophet"))
    settings = RegistrySettings.from_mapping(dbt.config.get("registry"))
    as_of = warehouse.run_context(dbt.ref("stg_run_context")).as_of_date
    row = scoring_row(registry, "prophet", settings.pinned_version, as_of)
    rows = warehouse.to_pandas_where(
        dbt.ref("int_forecast_features"), "is_scoring_row", FORECAST_ROW_COLUMNS
    )
    shares = warehouse.to_pandas(dbt.ref("int_aggregate_shares"))
    return score_registered(row, rows, shares)
