"""The published forecast and its backtests at every level of the store hierarchy, made
coherent by MinT with shrinkage: children sum to parents for every node and date.

Thin by design: the base forecasts and residuals come from int_hierarchy_forecasts (SQL),
the reconciliation is demandcast.hierarchy. Config key ``hierarchy`` in _marts.yml.
"""

from demandcast import hierarchy, warehouse


def model(dbt, session):
    dbt.config(materialized="table")
    rows = warehouse.to_pandas(dbt.ref("int_hierarchy_forecasts"))
    config = hierarchy.ReconciliationConfig.from_mapping(dbt.config.get("hierarchy"))
    return hierarchy.reconcile_forecasts(rows, config)
