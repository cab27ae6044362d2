"""Global XGBoost forecast: backtests at rolling origins and the published forecast.

Thin by design: rows in, one call into demandcast.forecasting, rows out. Settings come
from this model's YAML config (key ``xgboost``).
"""

from demandcast.forecasting import ForecastConfig, forecast


def model(dbt, session):
    dbt.config(materialized="table")
    config = ForecastConfig.from_mapping(dbt.config.get("xgboost"))
    rows = dbt.ref("int_forecast_features").df()
    return forecast(rows, config)
