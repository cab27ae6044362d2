"""Model registry rows of the aggregate Prophet forecasts: train only when needed.

Thin by design: rules in demandcast.registry, fitting in demandcast.prophet_models.
Config keys ``prophet`` and ``registry`` in _python_models.yml.
"""

from demandcast import warehouse
from demandcast.prophet_models import FORECAST_ROW_COLUMNS, prophet_candidate


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="model_version",
    )
    history = warehouse.to_pandas(dbt.ref("int_aggregate_sales"))
    rows = warehouse.to_pandas_where(dbt.ref("int_forecast_features"), "true", FORECAST_ROW_COLUMNS)
    shares = warehouse.to_pandas(dbt.ref("int_aggregate_shares"))
    # One holidays frame serves every aggregate: the events that apply to every store.
    events = warehouse.to_pandas_where(
        dbt.ref("int_calendar_events"), "store_match_column is null", ["event_date", "event_name"]
    )
    frequency = dbt.config.get("frequency")
    period_days = warehouse.run_setting(dbt.ref("stg_run_context"), "period_days")
    # The feedback loop: earlier runs' alerts (a source, as a ref would be a cycle).
    alert_history = (
        dbt.source("feedback", "alert_history")
        if warehouse.feedback_source_exists(session)
        else None
    )
    return warehouse.registry_run(
        dbt,
        session,
        algorithm="prophet",
        features=[],
        run_context_relation=dbt.ref("stg_run_context"),
        history_relation=dbt.ref("int_training_history"),
        alert_history=alert_history,
        config=dbt.config.get("prophet"),
        registry_config=dbt.config.get("registry"),
        trainer=lambda config: prophet_candidate(
            history, rows, shares, events, config, frequency, period_days
        ),
    )
