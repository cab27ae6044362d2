"""The top drivers of every published XGBoost forecast row: TreeSHAP contributions of
the stored booster forecast_xgboost scored with (the registry's scoring version; nothing
is trained here), in the booster's margin space (demandcast.explanations). No rows when
the history is too short to train (int_training_history).

Thin by design: rows in, one call into demandcast.explanations, rows out.
"""

from demandcast import explanations, model_runs, warehouse
from demandcast.xgboost_model import read_options


def model(dbt, session):
    dbt.config(materialized="table")
    if model_runs.untrained_reason(dbt.ref("int_training_history")):
        return explanations.no_explanations()
    features = dbt.ref("int_forecast_features")
    columns = warehouse.column_names(features)
    scoring = warehouse.to_pandas_where(
        features, "is_scoring_row", columns, **read_options(columns)
    )
    # On a line of its own: dbt's parser finds the config keys a model reads from these calls.
    top_features = int(dbt.config.get("explanation_top_features"))
    exact_max_rows = int(dbt.config.get("explanation_exact_max_rows"))
    run_context = dbt.ref("stg_run_context")
    row = model_runs.scoring_version(
        dbt.ref("registry_xgboost"), "xgboost", run_context, dbt.config.get("registry")
    )
    return explanations.explain_version(
        scoring,
        row,
        top_features=top_features,
        exact_max_rows=exact_max_rows,
        invocation_id=model_runs.run_context(run_context).invocation_id,
    )
