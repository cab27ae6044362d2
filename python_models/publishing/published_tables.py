"""Publish the BI-facing tables as one set of Parquet files, swapped in whole, so
dashboards can read them while ``dbt build`` writes the warehouse (see
demandcast.publishing).

The folder is var bi_publish_path, by default ``published/`` beside the DuckDB file; BI
tools read ``<folder>/current/<table>.parquet``. var bi_publish_keep_versions sets how
many versions stay. Returns the manifest: one row per published table. The dashboards
(``demandcast.dashboard``, models/exposures.yml) read only this set.
"""

from demandcast import model_runs, warehouse
from demandcast.publishing import publish, published_folder


def model(dbt, session):
    dbt.config(materialized="table")
    tables = {
        "fct_forecasts": dbt.ref("fct_forecasts"),
        "fct_forecast_history": dbt.ref("fct_forecast_history"),
        "backtest_metrics": dbt.ref("backtest_metrics"),
        "model_selection": dbt.ref("model_selection"),
        "model_registry": dbt.ref("model_registry"),
        "model_training_log": dbt.ref("model_training_log"),
        "model_feature_importance": dbt.ref("model_feature_importance"),
        "forecast_accuracy": dbt.ref("forecast_accuracy"),
        "monitoring_drift": dbt.ref("monitoring_drift"),
        "dq_run_metrics": dbt.ref("dq_run_metrics"),
        "monitoring_alerts": dbt.ref("monitoring_alerts"),
        # Downstream of the no_alerts gates (on alert_history): an error-level alert
        # stops publishing.
        "alert_history": dbt.ref("alert_history"),
        "inventory_recommendations": dbt.ref("inventory_recommendations"),
        # The forecast review's actuals and store totals, bounded by
        # var review_actuals_periods.
        "fct_recent_actuals": dbt.ref("fct_recent_actuals"),
        "fct_store_recent_actuals": dbt.ref("fct_store_recent_actuals"),
        "fct_store_forecast_history": dbt.ref("fct_store_forecast_history"),
        # The data-quality page: bounded by inputs, stores x periods, series, and
        # var dq_quarantine_sample_rows (never every quarantined row nor missing period).
        "stg_row_accounting": dbt.ref("stg_row_accounting"),
        "dq_quarantine_samples": dbt.ref("dq_quarantine_samples"),
        "dq_store_freshness": dbt.ref("dq_store_freshness"),
        "dq_store_missing_periods": dbt.ref("dq_store_missing_periods"),
        "dq_series_completeness": dbt.ref("dq_series_completeness"),
    }
    folder = published_folder(
        warehouse.database_folder(session), dbt.config.get("bi_publish_path") or ""
    )
    context = model_runs.run_context(dbt.ref("stg_run_context"))
    frames = {name: warehouse.to_pandas(relation) for name, relation in tables.items()}
    return publish(
        frames,
        folder,
        context.run_started_at,
        run_id=context.invocation_id,
        keep_versions=dbt.config.get("bi_publish_keep_versions"),
    )
