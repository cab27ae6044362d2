"""The registry's side of the alert feedback loop (demandcast.model_runs.retraining_alerts):
what it reads from the alert_history table, and the first run, before that table exists."""

from __future__ import annotations

import duckdb

from demandcast.model_runs import answered_reasons, retraining_alerts
from demandcast.registry import ALERT_COLUMNS
from demandcast.warehouse import table_exists


def test_every_runs_retraining_alerts_of_the_algorithm_once_each_and_none_before_a_history():
    connection = duckdb.connect()
    assert not table_exists(connection, "alert_history")
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
    assert table_exists(connection, "alert_history")
    alerts = retraining_alerts(connection.table("alert_history"), "xgboost")
    assert alerts.columns.tolist() == ALERT_COLUMNS
    # Both runs' drift alerts (one per as-of date: pending_triggers decides which count);
    # not the stale-data alert (no retraining), not Prophet's.
    assert [tuple(row) for row in alerts.astype(str).itertuples(index=False)] == [
        ("2024-03-31", "feature_drift", "lag_1", "xgb-a"),
        ("2024-04-28", "feature_drift", "lag_1", "xgb-a"),
    ]


def test_answered_reasons_are_the_algorithms_logged_reasons_and_none_before_a_log():
    connection = duckdb.connect()
    assert answered_reasons(None, "xgboost") == []
    connection.execute(
        "create table model_training_log as select * from (values"
        " ('run-1', 'xgboost', 'trigger feature_drift:lag_1:2024-03-31'),"
        " ('run-1', 'prophet', 'trigger accuracy_degradation:p-1:2024-03-31'),"
        " ('run-2', 'xgboost', null),"
        " ('run-3', 'xgboost', 'no trigger')"
        ") as log (invocation_id, algorithm, reasons)"
    )
    assert table_exists(connection, "model_training_log")
    assert sorted(answered_reasons(connection.table("model_training_log"), "xgboost")) == [
        "no trigger",
        "trigger feature_drift:lag_1:2024-03-31",
    ]
