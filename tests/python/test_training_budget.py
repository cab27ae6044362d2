"""The training row budget (var training_row_budget, int_forecast_features): training rows
thinned to about the budget, every series keeping every horizon step and every weekday of
target, the scoring and backtest-origin rows complete, and each kept row the row the
unbudgeted build has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import BuildFn, Warehouse

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars

SELECTION = ["--select", "+int_forecast_features"]
HORIZON = 28
# Rows at cut-offs that are neither scored nor a backtest origin: what the budget thins.
THINNED = "not is_scoring_row and not is_backtest_origin"
# Every column but the flag of the rows that train, which the budget sets.
COMPARED = "* exclude (is_training_step)"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("budget")
    generate_demo_data(folder, DemoConfig(n_stores=2, n_items=6, n_days=420, seed=5))
    return folder


def _count(warehouse: Warehouse, where: str) -> int:
    return int(warehouse.scalar(f"select count(*) from int_forecast_features where {where}"))


def _series_cutoffs(warehouse: Warehouse) -> int:
    return int(
        warehouse.scalar(
            "select count(*) from (select distinct store_id, item_id, cutoff_date"
            f" from int_forecast_features where {THINNED})"
        )
    )


def _assert_every_series_keeps_every_step_and_weekday(warehouse: Warehouse) -> None:
    coverage = warehouse.rows(
        "select store_id, item_id, count(distinct horizon_step),"
        " count(distinct dayofweek(target_date)) from int_forecast_features"
        f" where {THINNED} group by all order by all"
    )
    series = warehouse.scalar(
        "select count(*) from (select distinct store_id, item_id from int_forecast_features"
        f" where {THINNED})"
    )
    assert len(coverage) == series > 0
    assert {(steps, weekdays) for *_, steps, weekdays in coverage} == {(HORIZON, 7)}, coverage


def _assert_complete_at_scoring_and_origins(warehouse: Warehouse) -> None:
    per_cutoff = warehouse.rows(
        "select distinct count(*) from int_forecast_features"
        " where is_scoring_row or is_backtest_origin group by store_id, item_id, cutoff_date"
    )
    assert per_cutoff == [(HORIZON,)]


def _differences(budgeted: Warehouse, reference: Warehouse, where: str) -> list[tuple[Any, ...]]:
    return budgeted.rows(
        f"attach '{reference.path}' as reference (read_only);"
        f" select * from (select {COMPARED} from int_forecast_features where {where}"
        f" except all select {COMPARED} from reference.int_forecast_features where {where})"
        " limit 5"
    )


def test_the_budget_thins_training_rows_evenly_and_keeps_what_is_scored_complete(
    folder: Path, build: BuildFn, tmp_path_factory: pytest.TempPathFactory
):
    dbt_vars = canonical_vars(folder)
    reference = build({**dbt_vars, "training_row_budget": 0}, selection=SELECTION)
    reference = Warehouse(_moved(reference, tmp_path_factory), reference.result)
    unthinned = _count(reference, THINNED)
    assert unthinned == _series_cutoffs(reference) * HORIZON
    # About a third of the rows: a stride of 3 (coprime to daily cut-offs' 14 - 1).
    budget = -(-unthinned // 3)
    budgeted = build({**dbt_vars, "training_row_budget": budget}, selection=SELECTION)

    kept = _count(budgeted, THINNED)
    pairs = _series_cutoffs(budgeted)
    assert pairs == _series_cutoffs(reference)
    assert unthinned / 3 - pairs <= kept <= budget + pairs, (unthinned, kept, budget)
    _assert_every_series_keeps_every_step_and_weekday(budgeted)
    _assert_complete_at_scoring_and_origins(budgeted)
    # The origins' rows train by the same rule: about a third of them; without a budget,
    # every row trains.
    origin_rows = _count(budgeted, "is_backtest_origin")
    origin_training = _count(budgeted, "is_backtest_origin and is_training_step")
    assert origin_rows / 3 - pairs <= origin_training <= origin_rows / 3 + pairs
    assert _count(budgeted, f"{THINNED} and not is_training_step") == 0
    assert _count(reference, "not is_training_step") == 0
    # Scoring and origin rows are the reference's, all of them; a kept training row is the
    # reference's row, every feature equal.
    assert _count(budgeted, f"not ({THINNED})") == _count(reference, f"not ({THINNED})")
    assert _differences(budgeted, reference, f"not ({THINNED})") == []
    assert _differences(reference, budgeted, f"not ({THINNED})") == []
    assert _differences(budgeted, reference, THINNED) == []


def test_cut_offs_every_period_keep_every_step_and_weekday_under_the_budget(
    folder: Path, build: BuildFn
):
    # One cut-off per period: the rule's multiplier is 2 and its stride odd (a stride of 1
    # or 2 with multiplier 1 would keep one target weekday per series, or every row).
    dbt_vars = {
        **canonical_vars(folder),
        "feature_cutoff_every_periods": 1,
        "feature_cutoff_count": 120,
    }
    budgeted = build({**dbt_vars, "training_row_budget": 10_000}, selection=SELECTION)
    kept = _count(budgeted, THINNED)
    pairs = _series_cutoffs(budgeted)
    assert pairs * HORIZON > 2 * 10_000, "the budget must bind for this test"
    assert kept <= 10_000 + pairs
    _assert_every_series_keeps_every_step_and_weekday(budgeted)
    _assert_complete_at_scoring_and_origins(budgeted)


def _moved(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build fixture writes one file per test: keep the reference apart."""
    target = tmp_path_factory.mktemp("reference") / "warehouse.duckdb"
    warehouse.path.rename(target)
    return target
