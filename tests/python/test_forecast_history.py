"""Exact history: a rerun of an origin replaces all its rows, a replay of an older as-of
date changes nothing later dates use, and one alert retrains once (issue 13, finding 4).

Each test builds a small generated panel (3 stores x 4 items, 420 days, no planted faults)
with a 14-day horizon, and only the models it reads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import FULL_BUILD, Warehouse

from demandcast.publishing import current_folder
from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import run_dbt

pytestmark = pytest.mark.integration

PANEL = DemoConfig(n_stores=3, n_items=4, n_days=420, seed=5, plant_faults=False)
HORIZON = 14
HISTORY_COLUMNS = (
    "model_version, store_id, item_id, forecast_origin_date, horizon_step, target_date, "
    "segment_id, model_name, predicted_quantity, lower_80, upper_80, lower_95, upper_95, "
    "seasonal_naive_quantity, moving_average_quantity, invocation_id, published_at"
)
# The columns that name the run, not the forecast: they differ between any two runs.
RUN_COLUMNS = ["invocation_id", "published_at"]


class Project:
    """One DuckDB file built again and again from one data folder."""

    def __init__(self, tmp_path: Path) -> None:
        self.data = tmp_path / "data"
        generate_demo_data(self.data, PANEL)
        self.database = tmp_path / "warehouse.duckdb"

    def run(self, selection: list[str], *, command: str = "run", **extra: Any) -> Warehouse:
        """``dbt <command> --select <selection>`` with the panel's vars and ``extra``."""
        dbt_vars = {**canonical_vars(self.data), "forecast_horizon_periods": HORIZON, **extra}
        arguments = [command, "--select", *selection]
        if command == "build":
            arguments += FULL_BUILD  # dbt unit tests run in make test's own build
        result = run_dbt(arguments, database_path=self.database, dbt_vars=dbt_vars)
        assert result.ok, result.output[-4000:]
        return Warehouse(self.database, result)


def latest_sales_date(project: Project) -> dt.date:
    """The last sales date of the panel, read from its files (the as-of date by default)."""
    return max(
        dt.date.fromisoformat(line.split(",", 1)[0])
        for sales_file in (project.data / "sales").glob("*.csv")
        for line in sales_file.read_text().splitlines()[1:]
    )


def decision(warehouse: Warehouse, algorithm: str = "xgboost") -> tuple[str, str, str]:
    """This run's decision, reasons and scoring version for one algorithm."""
    rows = warehouse.rows(
        "select decision, reasons, scoring_model_version from model_training_log"
        f" where algorithm = '{algorithm}'"
        " and invocation_id = (select invocation_id from stg_run_context)"
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_a_rerun_of_an_origin_replaces_all_of_its_rows(tmp_path: Path):
    project = Project(tmp_path)
    first = project.run(["+fct_forecast_history"])
    as_of = first.scalar("select as_of_date from stg_run_context")
    assert first.scalar("select max(horizon_step) from fct_forecast_history") == HORIZON
    assert first.scalar("select count(distinct store_id) from fct_forecast_history") == 3

    # The same origin again, with half the horizon and without store S03.
    for sales_file in (project.data / "sales").glob("*.csv"):
        lines = sales_file.read_text().splitlines(keepends=True)
        sales_file.write_text("".join(line for line in lines if ",S03," not in line))
    second = project.run(
        ["+fct_forecast_history"],
        as_of_date=as_of.isoformat(),
        forecast_horizon_periods=HORIZON // 2,
    )

    history = second.rows(
        f"select {HISTORY_COLUMNS} from fct_forecast_history"
        f" where forecast_origin_date = '{as_of}' order by all"
    )
    published = second.rows(f"select {HISTORY_COLUMNS} from fct_forecasts order by all")
    assert published, "no forecast published"
    assert history == published, "the origin's history is not exactly the second run's rows"
    assert second.scalar("select max(horizon_step) from fct_forecast_history") == HORIZON // 2
    assert second.scalar("select count(*) from fct_forecast_history where store_id = 'S03'") == 0


REGISTRY_AND_SCORING = ["+model_training_log", "+forecast_xgboost"]
# Point forecasts and version (intervals are added downstream, in forecast_candidates).
XGBOOST_PUBLISHED = (
    "select store_id, item_id, target_date, model_version, predicted_quantity"
    " from forecast_xgboost where not is_backtest order by all"
)


def test_a_replay_of_an_older_as_of_date_changes_nothing_later_dates_use(tmp_path: Path):
    project = Project(tmp_path)
    later = latest_sales_date(project)
    earlier = later - dt.timedelta(days=14)  # within model_max_age_days (28) of later

    first = project.run(REGISTRY_AND_SCORING, as_of_date=later.isoformat())
    made, _, later_version = decision(first)
    assert made == "trained_and_promoted"
    later_forecasts = first.rows(XGBOOST_PUBLISHED)

    # The replay cannot use a version trained on data after its as-of date: it trains.
    replay = project.run(REGISTRY_AND_SCORING, as_of_date=earlier.isoformat())
    made, _, earlier_version = decision(replay)
    assert made == "trained_and_promoted" and earlier_version != later_version
    assert replay.scalar(
        f"select training_end_date <= '{earlier}' from model_registry"
        f" where model_version = '{earlier_version}'"
    )
    # ...and retires nothing: the later date's champion stays the latest champion.
    statuses = dict(replay.rows("select model_version, status from model_registry"))
    assert statuses[later_version] == "champion"

    again = project.run(REGISTRY_AND_SCORING, as_of_date=later.isoformat())
    assert decision(again) == ("reused", "champion is current", later_version)
    assert again.rows(XGBOOST_PUBLISHED) == later_forecasts
    assert again.scalar("select count(*) from model_registry where algorithm = 'xgboost'") == 2


def published_forecasts(project: Project) -> Any:
    """The BI copy of fct_forecasts without the columns that name the run."""
    view = current_folder(project.database.parent / "published")
    table = pq.read_table(view / "fct_forecasts.parquet")
    return table.drop_columns(RUN_COLUMNS)


def test_an_alert_retrains_once_and_an_identical_rerun_publishes_the_same_forecasts(
    tmp_path: Path,
):
    project = Project(tmp_path)
    as_of = latest_sales_date(project)
    # Every feature drifts (PSI > -1 on any number of rows): alerts on each run's model.
    alerting = {"as_of_date": as_of.isoformat(), "alert_psi": -1, "alert_min_rows": 1}

    # A champion trained two weeks before the as-of date, then a run at the as-of date
    # that reuses it (14 days < model_max_age_days) and raises drift alerts on it.
    project.run(["+model_registry"], as_of_date=(as_of - dt.timedelta(days=14)).isoformat())
    # Publishing needs the seeds, and runs behind the no_alerts gates (drift alerts warn).
    everything = {"selection": ["+published_tables"], "command": "build"}
    raised = project.run(**everything, **alerting)
    assert decision(raised)[0] == "reused"
    raised_alerts = raised.rows(
        "select alert_type, scope, invocation_id from monitoring_alerts"
        " where triggers_retraining and algorithm = 'xgboost' order by all"
    )
    assert raised_alerts

    # The next run answers the alerts, read back from alert_history (the declared source
    # feedback.alert_history): it retrains on the as-of date's data.
    answered = project.run(**everything, **alerting)
    made, reasons, version = decision(answered)
    assert made == "trained_and_promoted" and "monitoring_trigger" in reasons
    # alert_history keeps both runs' alerts: the second run added its own, and the
    # first run's rows are still there as they were.
    history = answered.rows(
        "select alert_type, scope, invocation_id from alert_history"
        " where triggers_retraining and algorithm = 'xgboost' order by all"
    )
    raised_run = raised_alerts[0][2]
    assert [row for row in history if row[2] == raised_run] == raised_alerts
    answered_run = answered.scalar("select invocation_id from stg_run_context")
    assert answered_run != raised_run
    assert answered.scalar(
        f"select count(*) from alert_history where invocation_id = '{answered_run}'"
    ) == answered.scalar("select count(*) from monitoring_alerts")
    answered_forecasts = published_forecasts(project)
    assert answered_forecasts.num_rows

    # An identical rerun: the alerts were answered, nothing is trained, the same forecasts.
    rerun = project.run(**everything, **alerting)
    assert decision(rerun) == ("reused", "champion is current", version)
    assert published_forecasts(project).equals(answered_forecasts, check_metadata=True)
