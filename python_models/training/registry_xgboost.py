"""Model registry rows of the global XGBoost model: train only when needed.

Thin by design: the rules (retrain reasons, promotion, pinning) live in
demandcast.registry, training in demandcast.xgboost_model. Config keys ``xgboost`` and
``registry`` in _python_models.yml. Feature rows are read only when a challenger is
trained, and only those training needs (xgboost_model.TRAINING_ROWS), part by part
(xgboost_model.RelationRows).
"""

from demandcast import compute, model_runs, warehouse
from demandcast.xgboost_model import (
    TRAINING_ROWS,
    RelationRows,
    XGBoostForecaster,
    feature_columns,
)


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="model_version",
    )
    features = dbt.ref("int_forecast_features")
    columns = warehouse.column_names(features)
    run_context = dbt.ref("stg_run_context")
    # The window in days is derived in SQL (var training_window_periods x period_days).
    window_days = model_runs.run_setting(run_context, "training_window_days")
    # The feedback loop: earlier runs' alerts and decisions (sources, as a ref would be a
    # cycle; the model itself must call dbt.source for dbt to see it, and only once the
    # table exists).
    has_alerts = warehouse.table_exists(session, "alert_history")
    has_log = warehouse.table_exists(session, "model_training_log")
    # Each dbt.source call on a line of its own: dbt's parser does not see the calls
    # nested in another call's arguments (the model then gets no sources).
    alert_history = dbt.source("feedback", "alert_history") if has_alerts else None
    training_log = dbt.source("feedback", "model_training_log") if has_log else None
    # Every core by default: the fits run one thread each (xgboost_model.fit_plan).
    threads = compute.configured_threads(dbt.config.get("compute"), shared=False)
    return model_runs.registry_run(
        dbt,
        session,
        algorithm="xgboost",
        features=feature_columns(columns),
        run_context_relation=run_context,
        history_relation=dbt.ref("int_training_history"),
        alert_history=alert_history,
        training_log=training_log,
        config={**dbt.config.get("xgboost"), "training_window_days": window_days},
        registry_config=dbt.config.get("registry"),
        # Read part by part (the learning rows, then one backtest origin at a time).
        trainer=lambda config: XGBoostForecaster(
            RelationRows(features, TRAINING_ROWS, columns), threads
        ).train(config),
    )
