"""Model registry rows of the aggregate Prophet forecasts: train only when needed.

Thin by design: rules in demandcast.registry, fitting in demandcast.prophet_models.
Config keys ``prophet`` and ``registry`` in _python_models.yml.
"""

from demandcast import compute, model_runs, warehouse
from demandcast.prophet_models import FORECAST_ROW_COLUMNS, ProphetForecaster, ProphetTraining


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="model_version",
    )
    run_context = dbt.ref("stg_run_context")
    prophet = ProphetForecaster(
        warehouse.to_pandas_where(dbt.ref("int_forecast_features"), "true", FORECAST_ROW_COLUMNS),
        warehouse.to_pandas(dbt.ref("int_aggregate_shares")),
        ProphetTraining(
            history=warehouse.to_pandas(dbt.ref("int_aggregate_sales")),
            # One holidays frame serves every aggregate: the events that apply to every store.
            events=warehouse.to_pandas_where(
                dbt.ref("int_calendar_events"),
                "store_match_column is null",
                ["event_date", "event_name"],
            ),
            frequency=dbt.config.get("frequency"),
            period_days=model_runs.run_setting(run_context, "period_days"),
        ),
        workers=compute.configured_threads(dbt.config.get("compute")),
    )
    # The feedback loop: earlier runs' alerts and decisions (sources, as a ref would be a
    # cycle; the model itself must call dbt.source for dbt to see it, and only once the
    # table exists).
    has_alerts = warehouse.table_exists(session, "alert_history")
    has_log = warehouse.table_exists(session, "model_training_log")
    # Each dbt.source call on a line of its own: dbt's parser does not see the calls
    # nested in another call's arguments (the model then gets no sources).
    alert_history = dbt.source("feedback", "alert_history") if has_alerts else None
    training_log = dbt.source("feedback", "model_training_log") if has_log else None
    return model_runs.registry_run(
        dbt,
        session,
        algorithm="prophet",
        features=[],
        run_context_relation=run_context,
        history_relation=dbt.ref("int_training_history"),
        alert_history=alert_history,
        training_log=training_log,
        config=dbt.config.get("prophet"),
        registry_config=dbt.config.get("registry"),
        trainer=prophet.train,
    )
