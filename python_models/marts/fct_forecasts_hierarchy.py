"""The published forecast and its backtests at every level of the store hierarchy, made
coherent by MinT with shrinkage: children sum to parents for every node and date.

Thin by design: the base forecasts and residuals come from int_hierarchy_forecasts (SQL),
the reconciliation is demandcast.hierarchy. Config key ``hierarchy`` in _marts.yml.
"""

from demandcast import hierarchy, warehouse


def model(dbt, session):
    dbt.config(materialized="table")
    forecasts = dbt.ref("int_hierarchy_forecasts")
    # Through Arrow, the text keys as categoricals: no Python string per row and column
    # (at M5 scale, 3.4 M rows x 7 text columns).
    rows = warehouse.to_pandas_where(
        forecasts,
        "true",
        warehouse.column_names(forecasts),
        through_arrow=True,
        text_as_category=True,
    )
    config = hierarchy.ReconciliationConfig.from_mapping(dbt.config.get("hierarchy"))
    return hierarchy.reconcile_forecasts(rows, config)
