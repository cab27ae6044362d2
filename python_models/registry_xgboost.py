"""Model registry rows of the global XGBoost model: train only when needed.

Thin by design: the rules (retrain reasons, promotion, pinning) live in
demandcast.registry, training in demandcast.forecasting. Config keys ``xgboost`` and
``registry`` in _python_models.yml.
"""

from demandcast import warehouse
from demandcast.forecasting import feature_columns, xgboost_candidate


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="model_version",
    )
    rows = warehouse.to_pandas(dbt.ref("int_forecast_features"))
    return warehouse.registry_run(
        dbt,
        session,
        algorithm="xgboost",
        features=feature_columns(rows),
        run_context_relation=dbt.ref("stg_run_context"),
        config=dbt.config.get("xgboost"),
        registry_config=dbt.config.get("registry"),
        trainer=lambda config: xgboost_candidate(rows, config),
    )
