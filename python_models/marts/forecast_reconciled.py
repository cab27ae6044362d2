"""The reconciled candidate: the series level of var reconciled_base_model's forecasts
reconciled with the store hierarchy's aggregates (MinT with shrinkage), at every backtest
origin and the as-of date, so model_selection can pick it where it backtests best.

Thin by design: the base forecasts come from int_reconciliation_bases (SQL), the
reconciliation is demandcast.hierarchy. Config keys ``hierarchy`` and
``reconciled_base_model`` in _forecast_reconciled.yml.
"""

from demandcast import hierarchy, warehouse


def model(dbt, session):
    dbt.config(materialized="table")
    # On lines of their own: dbt's parser finds the config keys a model reads from these calls.
    settings = dbt.config.get("hierarchy")
    base_model = dbt.config.get("reconciled_base_model")
    rows = warehouse.to_pandas(dbt.ref("int_reconciliation_bases"))
    config = hierarchy.ReconciliationConfig.from_mapping(settings)
    return hierarchy.candidate_forecasts(rows, config, base_model or None)
