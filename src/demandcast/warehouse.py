"""The adapter-specific calls of the dbt Python models, in one place.

dbt Python models receive relations and a session whose API depends on the warehouse:
DuckDB relations have ``.df()``, Snowpark DataFrames ``.to_pandas()``, PySpark
DataFrames ``.toPandas()``. Models call these helpers instead, so moving the project to
another adapter means changing this module only.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from demandcast.registry import (
    ALERT_COLUMNS,
    RegistrySettings,
    RunContext,
    Trainer,
    registry_frame,
    run_registry,
    scoring_row,
)


def to_pandas(relation: Any) -> pd.DataFrame:
    """A relation (what ``dbt.ref`` returns) as a pandas frame."""
    for method in ("df", "to_pandas", "toPandas"):
        if hasattr(relation, method):
            return getattr(relation, method)()
    raise TypeError(f"cannot turn a {type(relation).__name__} into a pandas frame")


def query(session: Any, sql: str) -> pd.DataFrame:
    """The result of a SQL query in the model's session, as a pandas frame."""
    return to_pandas(session.sql(sql))


def table_exists(session: Any, name: str) -> bool:
    """Whether a table or view of that name exists in the session's current schema."""
    found = query(
        session,
        "select count(*) as n from information_schema.tables"
        f" where table_name = '{name}' and table_schema = current_schema()",
    )
    return bool(found["n"].iloc[0])


def run_context(relation: Any) -> RunContext:
    """The run's as-of date, invocation id and start time from stg_run_context."""
    row = to_pandas(relation).iloc[0]
    return RunContext(
        as_of_date=pd.Timestamp(row["as_of_date"]).date(),
        invocation_id=str(row["invocation_id"]),
        run_started_at=pd.Timestamp(row["run_started_at"]).to_pydatetime(),
    )


def untrained_reason(relation: Any) -> str | None:
    """Why the models train and score nothing this run (int_training_history's
    history_message: too little history), or None when they can."""
    row = to_pandas(relation).iloc[0]
    return None if bool(row["has_enough_history"]) else str(row["history_message"])


def run_setting(relation: Any, column: str) -> int:
    """A whole-number setting of the run from stg_run_context (period_days,
    training_window_days): derived once, in SQL, from the vars and the frequency."""
    return int(to_pandas(relation)[column].iloc[0])


def previous_rows(dbt: Any, session: Any) -> pd.DataFrame:
    """The rows of an incremental model as they were before this run (empty the first
    time and on --full-refresh)."""
    if not dbt.is_incremental:
        return pd.DataFrame()
    return query(session, f"select * from {dbt.this}")


def to_pandas_where(relation: Any, condition: str, columns: list[str]) -> pd.DataFrame:
    """The rows of a relation that meet a SQL condition, some columns only."""
    if hasattr(relation, "filter") and hasattr(relation, "project"):
        return to_pandas(relation.filter(condition).project(", ".join(columns)))
    return to_pandas(relation.where(condition).select(*columns))


def column_names(relation: Any) -> list[str]:
    """The relation's column names (DuckDB, Snowpark and PySpark all have ``.columns``)."""
    return [str(name) for name in relation.columns]


def database_folder(session: Any) -> str:
    """Folder of the session's database file (DuckDB); '.' for an in-memory database."""
    found = query(
        session, "select path from duckdb_databases() where database_name = current_database()"
    )
    path = found["path"].iloc[0] if len(found) else None
    if not path:
        return "."
    return os.path.dirname(os.path.abspath(str(path)))


def scoring_version(
    registry_relation: Any, algorithm: str, run_context_relation: Any, registry_config: Any
) -> dict[str, Any]:
    """The registry row whose model scores this run (pinned, else the champion for the
    as-of date: :func:`demandcast.registry.scoring_row`), for a scoring or monitoring
    model. The arguments are the model's own ``dbt.ref("registry_<algorithm>")``,
    ``dbt.ref("stg_run_context")`` and ``dbt.config.get("registry")``."""
    settings = RegistrySettings.from_mapping(registry_config)
    return scoring_row(
        to_pandas(registry_relation),
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
    rows = to_pandas_where(
        alert_history, f"triggers_retraining and algorithm = '{algorithm}'", ALERT_COLUMNS
    )
    return rows.drop_duplicates().sort_values(ALERT_COLUMNS).reset_index(drop=True)


def feedback_source_exists(session: Any) -> bool:
    """Whether the alert_history table (source feedback.alert_history) exists yet: not
    on the first run, nor after it is dropped."""
    return table_exists(session, "alert_history")


def answered_reasons(session: Any, algorithm: str) -> list[str]:
    """Reasons of every earlier decision on this algorithm (model_training_log): the
    alerts a training run already answered are listed there, also when retraining gave
    back the champion itself and no new version recorded them."""
    if not table_exists(session, "model_training_log"):
        return []
    found = query(
        session,
        "select reasons from model_training_log"
        f" where algorithm = '{algorithm}' and reasons is not null",
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
    config: dict[str, Any],
    registry_config: dict[str, Any],
) -> pd.DataFrame:
    """One run of the registry rules inside a registry_* dbt Python model: its previous
    rows, earlier runs' retraining alerts and the decisions that answered alerts before,
    the run context and the ``registry`` config, then
    :func:`demandcast.registry.run_registry`.

    When int_training_history says the history is too short, nothing is trained and no
    row changes (model_training_log records the decision ``untrained`` and why).

    ``run_context_relation``, ``history_relation``, ``alert_history``, ``config`` and
    ``registry_config`` are the model's own ``dbt.ref("stg_run_context")``,
    ``dbt.ref("int_training_history")``, ``dbt.source("feedback", "alert_history")``
    (None before the table exists: :func:`feedback_source_exists`),
    ``dbt.config.get(<algorithm>)`` and ``dbt.config.get("registry")``: dbt finds a
    model's refs, sources and config keys by reading its file, so the model must make
    those calls itself (made here, they return nothing)."""
    if untrained_reason(history_relation):
        return registry_frame({})
    return run_registry(
        previous_rows(dbt, session),
        algorithm=algorithm,
        config=config,
        features=features,
        trainer=trainer,
        context=run_context(run_context_relation),
        settings=RegistrySettings.from_mapping(registry_config),
        alerts=retraining_alerts(alert_history, algorithm),
        answered=answered_reasons(session, algorithm),
    )
