"""What the dbt Python models do each run, over the adapter calls of
:mod:`demandcast.warehouse`: read the run's context, decide whether anything trains, run
the registry rules, and find the version that scores.

The models stay thin: each passes its own ``dbt.ref``/``dbt.source``/``dbt.config``
results here (dbt finds a model's dependencies by reading its file, so the calls must be
written there), and the rules themselves are in :mod:`demandcast.registry`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from demandcast import warehouse
from demandcast.registry import (
    ALERT_COLUMNS,
    RegistrySettings,
    RunContext,
    Trainer,
    registry_frame,
    run_registry,
    scoring_row,
)


def run_context(relation: Any) -> RunContext:
    """The run's as-of date, invocation id and start time from stg_run_context."""
    row = warehouse.to_pandas(relation).iloc[0]
    return RunContext(
        as_of_date=pd.Timestamp(row["as_of_date"]).date(),
        invocation_id=str(row["invocation_id"]),
        run_started_at=pd.Timestamp(row["run_started_at"]).to_pydatetime(),
    )


def untrained_reason(relation: Any) -> str | None:
    """Why the models train and score nothing this run (int_training_history's
    history_message: too little history), or None when they can."""
    row = warehouse.to_pandas(relation).iloc[0]
    return None if bool(row["has_enough_history"]) else str(row["history_message"])


def run_setting(relation: Any, column: str) -> int:
    """A whole-number setting of the run from stg_run_context (period_days,
    training_window_days): derived once, in SQL, from the vars and the frequency."""
    return int(warehouse.to_pandas(relation)[column].iloc[0])


def scoring_version(
    registry_relation: Any, algorithm: str, run_context_relation: Any, registry_config: Any
) -> dict[str, Any]:
    """The registry row whose model scores this run (pinned, else the champion for the
    as-of date: :func:`demandcast.registry.scoring_row`), for a scoring or monitoring
    model. The arguments are the model's own ``dbt.ref("registry_<algorithm>")``,
    ``dbt.ref("stg_run_context")`` and ``dbt.config.get("registry")``."""
    settings = RegistrySettings.from_mapping(registry_config)
    return scoring_row(
        warehouse.to_pandas(registry_relation),
        algorithm,
        settings.pinned_version,
        run_context(run_context_relation).as_of_date,
    )


def retraining_alerts(alert_history: Any | None, algorithm: str) -> pd.DataFrame:
    """Alerts of earlier runs that ask to retrain this algorithm: the feedback loop from
    monitoring to the registry. ``alert_history`` is the model's
    ``dbt.source("feedback", "alert_history")`` (the alert_history table), or None on the
    first run, before that table exists. Which alerts still count (not answered yet, on
    the champion, raised after its data) is :func:`demandcast.registry.pending_triggers`'
    rule."""
    if alert_history is None:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    rows = warehouse.to_pandas_where(
        alert_history, f"triggers_retraining and algorithm = '{algorithm}'", ALERT_COLUMNS
    )
    return rows.drop_duplicates().sort_values(ALERT_COLUMNS).reset_index(drop=True)


def answered_reasons(training_log: Any | None, algorithm: str) -> list[str]:
    """Reasons of every earlier decision on this algorithm: the alerts a training run
    already answered are listed there, also when retraining gave back the champion itself
    and no new version recorded them. ``training_log`` is the model's
    ``dbt.source("feedback", "model_training_log")``, or None before that table exists."""
    if training_log is None:
        return []
    found = warehouse.to_pandas_where(
        training_log, f"algorithm = '{algorithm}' and reasons is not null", ["reasons"]
    )
    return [str(reasons) for reasons in found["reasons"]]


def registry_run(
    dbt: Any,
    session: Any,
    *,
    algorithm: str,
    features: list[str],
    trainer: Trainer,
    run_context_relation: Any,
    history_relation: Any,
    alert_history: Any | None,
    training_log: Any | None,
    config: dict[str, Any],
    registry_config: dict[str, Any],
) -> pd.DataFrame:
    """One run of the registry rules inside a registry_* dbt Python model: its previous
    rows, earlier runs' retraining alerts and the decisions that answered alerts before,
    the run context and the ``registry`` config, then
    :func:`demandcast.registry.run_registry`.

    When int_training_history says the history is too short, nothing is trained and no
    row changes (model_training_log records the decision ``untrained`` and why).

    ``run_context_relation``, ``history_relation``, ``alert_history``, ``training_log``,
    ``config`` and ``registry_config`` are the model's own ``dbt.ref("stg_run_context")``,
    ``dbt.ref("int_training_history")``, ``dbt.source("feedback", "alert_history")`` and
    ``dbt.source("feedback", "model_training_log")`` (each None before its table exists:
    :func:`demandcast.warehouse.table_exists`), ``dbt.config.get(<algorithm>)`` and
    ``dbt.config.get("registry")``: dbt finds a
    model's refs, sources and config keys by reading its file, so the model must make
    those calls itself (made here, they return nothing)."""
    if untrained_reason(history_relation):
        return registry_frame({})
    return run_registry(
        warehouse.previous_rows(dbt, session),
        algorithm=algorithm,
        config=config,
        features=features,
        trainer=trainer,
        context=run_context(run_context_relation),
        settings=RegistrySettings.from_mapping(registry_config),
        alerts=retraining_alerts(alert_history, algorithm),
        answered=answered_reasons(training_log, algorithm),
    )
