"""What-if scenarios of the published XGBoost forecast: the scoring rows re-scored with
each scenario's price features (int_forecast_scenario_prices) by the stored booster
forecast_xgboost scored with (nothing is trained), beside the base forecast and the lift.
No rows without a scenario, or when the history is too short to train.

Thin by design: rows in, one call into demandcast.scenarios, rows out.
"""

from demandcast import model_runs, scenarios, warehouse
from demandcast.xgboost_model import read_options


def model(dbt, session):
    dbt.config(materialized="table")
    if model_runs.untrained_reason(dbt.ref("int_training_history")):
        return scenarios.no_scenarios()
    features = dbt.ref("int_forecast_features")
    columns = warehouse.column_names(features)
    # Read as forecast_xgboost reads them: features as float32, the price features too.
    scoring = warehouse.to_pandas_where(
        features, "is_scoring_row", columns, **read_options(columns)
    )
    prices = dbt.ref("int_forecast_scenario_prices")
    price_columns = warehouse.column_names(prices)
    options = read_options([c for c in price_columns if c not in scenarios.SCENARIO_FIELDS])
    scenario_prices = warehouse.to_pandas_where(prices, "true", price_columns, **options)
    base = warehouse.to_pandas_where(
        dbt.ref("forecast_xgboost"),
        "not is_backtest",
        [
            "store_id",
            "item_id",
            "cutoff_date",
            "horizon_step",
            "model_version",
            "predicted_quantity",
        ],
    )
    run_context = dbt.ref("stg_run_context")
    row = model_runs.scoring_version(
        dbt.ref("registry_xgboost"), "xgboost", run_context, dbt.config.get("registry")
    )
    return scenarios.scenario_forecast(
        scoring,
        scenario_prices,
        base,
        row,
        invocation_id=model_runs.run_context(run_context).invocation_id,
    )
