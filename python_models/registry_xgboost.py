"""Model registry rows of the global XGBoost model: train only when needed.

Thin by design: the rules (retrain reasons, promotion, pinning) live in
demandcast.registry, training in demandcast.forecasting. Config keys ``xgboost`` and
``registry`` in _python_models.yml.
"""

from demandcast import warehouse
from demandcast.forecasting import feature_columns, xgboost_candidate
from demandcast.registry import RegistrySettings, champion_row, run_registry


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="model_version",
    )
    rows = warehouse.to_pandas(dbt.ref("int_forecast_features"))
    prior = warehouse.previous_rows(dbt, session)
    champion = champion_row(prior, "xgboost") if len(prior) else None
    triggers = warehouse.retraining_triggers(
        session, "xgboost", champion["model_version"] if champion else None
    )
    return run_registry(
        prior,
        algorithm="xgboost",
        config=dbt.config.get("xgboost"),
        features=feature_columns(rows),
        trainer=lambda config: xgboost_candidate(rows, config),
        context=warehouse.run_context(dbt.ref("stg_run_context")),
        settings=RegistrySettings.from_mapping(dbt.config.get("registry")),
        triggers=triggers,
    )
