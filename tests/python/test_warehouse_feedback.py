"""The registry's side of the alert feedback loop (demandcast.warehouse.retraining_alerts):
what it reads from the alert_history table, and the first run, before that table exists."""

from __future__ import annotations

import duckdb

from demandcast.registry import ALERT_COLUMNS
from demandcast.warehouse import feedback_source_exists, retraining_alerts


def test_every_runs_retraining_alerts_of_the_algorithm_once_each_and_none_before_a_history():
    connection = duckdb.connect()
    assert not feedback_source_exists(connection)
    assert retraining_alerts(None, "xgboost").columns.tolist() == ALERT_COLUMNS
    assert retraining_alerts(None, "xgboost").empty

    connection.execute(
        "create table alert_history as select * from (values"
        " ('run-1', date '2024-03-31', 'feature_drift', 'lag_1', 'xgb-a', 'xgboost', true),"
        " ('run-2', date '2024-04-28', 'feature_drift', 'lag_1', 'xgb-a', 'xgboost', true),"
        " ('run-2', date '2024-04-28', 'stale_data', 'S02', null, null, false),"
        " ('run-2', date '2024-04-28', 'accuracy_degradation', 'p-1', 'p-1', 'prophet', true)"
        ") as alerts (invocation_id, as_of_date, alert_type, scope, model_version, algorithm,"
        " triggers_retraining)"
    )
    assert feedback_source_exists(connection)
    alerts = retraining_alerts(connection.table("alert_history"), "xgboost")
    assert alerts.columns.tolist() == ALERT_COLUMNS
    # Both runs' drift alerts (one per as-of date: pending_triggers decides which count);
    # not the stale-data alert (no retraining), not Prophet's.
    assert [tuple(row) for row in alerts.astype(str).itertuples(index=False)] == [
        ("2024-03-31", "feature_drift", "lag_1", "xgb-a"),
        ("2024-04-28", "feature_drift", "lag_1", "xgb-a"),
    ]
