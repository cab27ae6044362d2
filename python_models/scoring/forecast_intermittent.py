"""Croston (SBA), TSB and ADIDA forecasts of every series at every cut-off of the grid and
the as-of date (int_forecast_cutoffs), each from the periods up to its cut-off only. Every
grid cut-off, not only today's backtest origins: a reused XGBoost version keeps the origins
it was backtested at, and forecast_candidates scores every candidate at those (one smoothing
pass serves all cut-offs, so the extra ones cost output rows only). Nothing
is trained: the smoothing constants are the model (vars intermittent_alpha and
tsb_probability_alpha), so these forecast even when the history is too short to train.

Thin by design: rows in (a group of stores at a time, so memory stays bounded), one call
into demandcast.intermittent, rows out.
"""

from demandcast import intermittent, warehouse


def model(dbt, session):
    dbt.config(materialized="table")
    # On lines of their own: dbt's parser finds the config keys a model reads from these calls.
    alpha = float(dbt.config.get("intermittent_alpha"))
    probability_alpha = float(dbt.config.get("tsb_probability_alpha"))
    cutoffs = warehouse.to_pandas(dbt.ref("int_forecast_cutoffs"))
    forecast_at = cutoffs["cutoff_date"]
    gap_filled = dbt.ref("int_sales_gap_filled")
    condition = intermittent.history_condition(forecast_at)
    # The history is read a group of stores at a time (about ROWS_PER_READ rows each).
    chunks = intermittent.store_chunks(
        warehouse.distinct_values(gap_filled, condition, "store_id"),
        warehouse.row_count(gap_filled, condition),
    )

    def read_stores(stores):
        return warehouse.to_pandas_where(
            gap_filled,
            f"({condition}) and {warehouse.in_condition('store_id', stores)}",
            intermittent.HISTORY_COLUMNS,
            through_arrow=True,
            text_as_category=True,
        )

    return intermittent.forecasts_by_store(
        read_stores, chunks, forecast_at, alpha, probability_alpha
    )
