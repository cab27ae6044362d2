"""Publishing forecasts: reruns are idempotent and deterministic, new origins append."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import FULL_BUILD, Warehouse

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import PROJECT_DIR, run_dbt

pytestmark = pytest.mark.integration

FORECASTS = (
    "select store_id, item_id, target_date, model_version, predicted_quantity, lower_80, "
    "upper_80, lower_95, upper_95 from fct_forecasts order by store_id, item_id, target_date"
)


def test_reruns_replace_history_and_new_origins_append(tmp_path: Path):
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=3, n_items=6, n_days=420, seed=5))
    database = tmp_path / "warehouse.duckdb"

    def build(**extra: object) -> Warehouse:
        result = run_dbt(
            ["build", *FULL_BUILD],
            database_path=database,
            dbt_vars={**canonical_vars(data), **extra},
        )
        assert result.ok, result.output[-4000:]
        return Warehouse(database, result)

    first = build()
    published = first.rows(FORECASTS)
    assert published, "no forecast published"
    as_of = first.scalar("select as_of_date from stg_run_context")

    second = build()
    # Same inputs, same forecasts, to the last bit; the history holds them once.
    assert second.rows(FORECASTS) == published
    assert second.scalar("select count(*) from fct_forecast_history") == len(published)

    earlier = (as_of - dt.timedelta(days=14)).isoformat()
    third = build(as_of_date=earlier)
    origins = dict(
        third.rows(
            "select forecast_origin_date::varchar, count(*) from fct_forecast_history group by 1"
        )
    )
    assert set(origins) == {as_of.isoformat(), earlier}
    assert origins[as_of.isoformat()] == len(published)
    assert third.scalar("select max(forecast_origin_date)::varchar from fct_forecasts") == earlier


# Point forecasts and version (intervals are added downstream, in forecast_candidates).
XGBOOST_PUBLISHED = (
    "select store_id, item_id, target_date, model_version, predicted_quantity"
    " from forecast_xgboost where not is_backtest order by all"
)


def test_registry_reuses_retrains_and_a_pinned_version_reproduces_its_forecasts(tmp_path: Path):
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=3, n_items=6, n_days=420, seed=11))
    database = tmp_path / "warehouse.duckdb"
    probe = run_dbt(
        ["run", "--select", "+stg_run_context"],
        database_path=database,
        dbt_vars=canonical_vars(data),
    )
    assert probe.ok, probe.output[-4000:]
    latest = Warehouse(database, probe).scalar("select as_of_date from stg_run_context")
    early = (latest - dt.timedelta(days=35)).isoformat()

    def build(**extra: object) -> Warehouse:
        # Only what the test reads: the registries, XGBoost scoring, the log, importance.
        result = run_dbt(
            [
                "run",
                "--select",
                "+model_training_log",
                "+forecast_xgboost",
                "+model_feature_importance",
            ],
            database_path=database,
            dbt_vars={**canonical_vars(data), **extra},
        )
        assert result.ok, result.output[-4000:]
        return Warehouse(database, result)

    def decisions(warehouse: Warehouse) -> dict[str, tuple[str, str]]:
        rows = warehouse.rows(
            "select algorithm, decision, reasons from model_training_log "
            "where invocation_id = (select invocation_id from stg_run_context)"
        )
        return {algorithm: (decision, reasons) for algorithm, decision, reasons in rows}

    first = build(as_of_date=early)
    assert decisions(first)["xgboost"] == ("trained_and_promoted", "no_champion")
    old_version = first.scalar(
        "select model_version from model_registry where algorithm = 'xgboost'"
    )
    # The version was trained with the YAML's configuration, not a silent default.
    models = yaml.safe_load(
        (PROJECT_DIR / "python_models" / "training" / "_training.yml").read_text()
    )
    configured = next(m for m in models["models"] if m["name"] == "registry_xgboost")
    expected = configured["config"]["xgboost"]
    stored = json.loads(
        first.scalar(
            f"select config_json from model_registry where model_version = '{old_version}'"
        )
    )
    assert stored["num_boost_round"] == expected["num_boost_round"]
    assert stored["params"]["max_bin"] == expected["params"]["max_bin"]
    old_forecasts = first.rows(XGBOOST_PUBLISHED)

    # A week later the champion is current: reused, nothing trained.
    week_later = build(as_of_date=(latest - dt.timedelta(days=28)).isoformat())
    assert decisions(week_later)["xgboost"] == ("reused", "champion is current")
    assert week_later.scalar("select count(*) from model_registry") == 2

    # Older than model_max_age_days: retrained on newer data and promoted.
    later = build(as_of_date=latest.isoformat(), model_max_age_days=28)
    decision, reasons = decisions(later)["xgboost"]
    assert (decision, reasons) == ("trained_and_promoted", "champion_age_35_days_over_28")
    statuses = dict(later.rows("select model_version, status from model_registry"))
    assert statuses[old_version] == "retired"
    assert (
        later.rows("select count(*) from model_feature_importance group by model_version")
        == [(len(later.rows("select * from model_feature_importance")) // 2,)] * 2
    )

    # Rollback: pin the old version and replay its as-of date: the same forecasts.
    pinned = build(as_of_date=early, pinned_model_version=old_version)
    assert decisions(pinned)["xgboost"][0] == "pinned"
    assert pinned.rows(XGBOOST_PUBLISHED) == old_forecasts
