"""New items (issue 19, part 5): a series launched a week before the as-of date is
forecast from its department's analogues, by the documented rule recomputed here from
the raw files."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import FULL_BUILD, BuildFn, Warehouse

from demandcast.publishing import read_published
from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars

pytestmark = pytest.mark.integration

# Clean data (no planted faults), so the raw rows are the clean ones and the rule can be
# recomputed from the files alone. 2023-01-01 is a Sunday: the as-of date ends a week.
CONFIG = DemoConfig(
    n_stores=2, n_items=8, n_days=240, seed=5, plant_faults=False, shift_category=""
)
AS_OF = dt.date(2023, 8, 27)
NEW_STORE, NEW_ITEM = "S01", "I_NEW"
# The new item sells every day of the week up to the as-of date (7 known days).
LAUNCH = AS_OF - dt.timedelta(days=6)
Z_80 = statistics.NormalDist().inv_cdf(0.9)
Z_95 = statistics.NormalDist().inv_cdf(0.975)

Sales = dict[tuple[str, str], dict[dt.date, float]]


def _data_with_a_new_item(folder: Path) -> tuple[str, str]:
    """Demo files plus NEW_ITEM in NEW_STORE, launched LAUNCH, in I001's department and
    category; returns them."""
    generate_demo_data(folder, CONFIG)
    items = folder / "items.csv"
    with items.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    template = next(row for row in rows if row["item_id"] == "I001")
    with items.open("a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [NEW_ITEM, "New item", template["department_id"], template["category_id"]]
        )
    with (folder / "sales" / "sales_new_item.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["sales_date", "store_id", "item_id", "quantity"])
        for day in range(7):
            writer.writerow(
                [(LAUNCH + dt.timedelta(days=day)).isoformat(), NEW_STORE, NEW_ITEM, 3 + day]
            )
    return template["department_id"], template["category_id"]


def _raw_sales(folder: Path) -> tuple[Sales, dict[str, set[dt.date]]]:
    """Quantity by series and date, and each store's dates with data, up to AS_OF."""
    sales: Sales = defaultdict(dict)
    store_dates: dict[str, set[dt.date]] = defaultdict(set)
    for path in sorted((folder / "sales").glob("*.csv")):
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                day = dt.date.fromisoformat(row["sales_date"])
                if day > AS_OF:
                    continue
                key = (row["store_id"], row["item_id"])
                sales[key][day] = sales[key].get(day, 0.0) + float(row["quantity"])
                store_dates[row["store_id"]].add(day)
    return sales, store_dates


def _periods(
    quantities: dict[dt.date, float], reported: set[dt.date], period_days: int
) -> tuple[dict[dt.date, float], set[dt.date], set[dt.date]]:
    """Quantities, reported periods and periods with a row of the series, by period end
    (a week ends on Sunday)."""

    def end(day: dt.date) -> dt.date:
        return day if period_days == 1 else day + dt.timedelta(days=6 - day.weekday())

    by_period: dict[dt.date, float] = defaultdict(float)
    for day, quantity in quantities.items():
        by_period[end(day)] += quantity
    return dict(by_period), {end(day) for day in reported}, {end(day) for day in quantities}


def _analogue_rule(
    sales: Sales,
    store_dates: dict[str, set[dt.date]],
    group_items: set[str],
    *,
    period_days: int,
    history_needed: int,
    window: int,
    cycle: int,
    discontinued_after: int,
    horizon: int,
    weight_periods: float = 1.0,
) -> tuple[int, list[tuple[float, float]]]:
    """The README's rule, from the raw rows: analogue series count, then per horizon step
    the point forecast and the spread its intervals are built from."""
    step = dt.timedelta(days=period_days)
    reported_all = store_dates[NEW_STORE]
    per_series: list[dict[int, list[float]]] = []
    for (store, item), quantities in sales.items():
        if store != NEW_STORE or item not in group_items or item == NEW_ITEM:
            continue
        by_period, reported, own = _periods(quantities, reported_all, period_days)
        sold = [period for period, quantity in by_period.items() if quantity != 0]
        launch = min(sold) if sold else min(by_period)
        history = sum(1 for period in reported if launch <= period <= AS_OF)
        if history < history_needed or (AS_OF - max(own)) / step >= discontinued_after:
            continue
        positions: dict[int, list[float]] = defaultdict(list)
        for k in range(window):
            period = AS_OF - k * step
            if period >= launch and period in reported:
                position = ((period - dt.date(1970, 1, 1)) // step) % cycle
                positions[position].append(by_period.get(period, 0.0))
        per_series.append(positions)
    # The analogues' level: each series' window mean, averaged over the series.
    level = statistics.fmean(
        statistics.fmean([q for values in series.values() for q in values]) for series in per_series
    )
    # The new series' own level so far and its weight.
    new_periods, _, _ = _periods(sales[(NEW_STORE, NEW_ITEM)], reported_all, period_days)
    own_periods = [quantity for period, quantity in new_periods.items() if period <= AS_OF]
    own_weight = len(own_periods) / (len(own_periods) + weight_periods)
    blended = own_weight * statistics.fmean(own_periods) + (1 - own_weight) * level
    steps = []
    for h in range(1, horizon + 1):
        position = ((AS_OF + h * step - dt.date(1970, 1, 1)) // step) % cycle
        values = [series[position] for series in per_series if series[position]]
        pooled = [quantity for series in values for quantity in series]
        profile = statistics.fmean(statistics.fmean(v) for v in values)
        point = profile * blended / level
        steps.append((point, statistics.stdev(pooled) * point / profile))
    return len(per_series), steps


def _group_items(folder: Path, department_id: str) -> set[str]:
    with (folder / "items.csv").open(newline="") as handle:
        return {
            row["item_id"]
            for row in csv.DictReader(handle)
            if row["department_id"] == department_id
        }


def _assert_published_as_the_rule(
    warehouse: Warehouse, count: int, steps: list[tuple[float, float]], history: int
) -> None:
    analogues = warehouse.rows(
        "select history_periods, analogue_level, analogue_series_count from int_new_item_analogues"
        f" where is_scoring_row and store_id = '{NEW_STORE}' and item_id = '{NEW_ITEM}'"
    )
    assert analogues == [(history, "department", count)]
    rows = warehouse.rows(
        "select horizon_step, model_name, model_version, is_new_item, predicted_quantity,"
        " lower_80, upper_80, lower_95, upper_95 from fct_forecasts"
        f" where store_id = '{NEW_STORE}' and item_id = '{NEW_ITEM}' order by horizon_step"
    )
    assert [row[0] for row in rows] == list(range(1, len(steps) + 1))
    for (step, model, version, is_new, point, lower_80, upper_80, lower_95, upper_95), (
        expected,
        std,
    ) in zip(rows, steps, strict=True):
        assert (model, version, is_new) == ("analogue", "sql-analogue", True), step
        assert point > 0, step
        assert point == pytest.approx(expected, rel=1e-9), step
        assert upper_80 == pytest.approx(expected + Z_80 * std, rel=1e-6), step
        assert lower_80 == pytest.approx(max(expected - Z_80 * std, 0.0), rel=1e-6, abs=1e-9), step
        assert upper_95 == pytest.approx(expected + Z_95 * std, rel=1e-6), step
        assert lower_95 == pytest.approx(max(expected - Z_95 * std, 0.0), rel=1e-6, abs=1e-9), step
    # Established series keep the model the selection picked.
    assert warehouse.scalar(
        "select count(*) from fct_forecasts where model_name = 'analogue' or is_new_item"
        f" and not (store_id = '{NEW_STORE}' and item_id = '{NEW_ITEM}')"
    ) == len(steps)


def test_a_daily_item_launched_a_week_ago_is_forecast_from_its_department(
    tmp_path: Path, build: BuildFn
):
    folder = tmp_path / "data"
    department_id, _ = _data_with_a_new_item(folder)
    vars_: dict[str, Any] = {**canonical_vars(folder), "as_of_date": AS_OF.isoformat()}
    warehouse = build(vars_, selection=FULL_BUILD)
    sales, store_dates = _raw_sales(folder)
    count, steps = _analogue_rule(
        sales,
        store_dates,
        _group_items(folder, department_id),
        period_days=1,
        history_needed=28,
        window=28,
        cycle=7,
        discontinued_after=364,
        horizon=28,
    )
    assert count >= 1
    # The weekday profile: the forecast is not flat over the week.
    assert len({round(point, 9) for point, _ in steps[:7]}) > 1
    _assert_published_as_the_rule(warehouse, count, steps, history=7)

    # Downstream accepts the rows: the history, the replenishment and the published set.
    assert (
        warehouse.scalar(
            "select count(*) from fct_forecast_history where model_name = 'analogue'"
            f" and store_id = '{NEW_STORE}' and item_id = '{NEW_ITEM}'"
        )
        == 28
    )
    assert (
        warehouse.scalar(
            "select count(*) from inventory_recommendations"
            f" where store_id = '{NEW_STORE}' and item_id = '{NEW_ITEM}' and lead_time_demand > 0"
        )
        == 1
    )
    published = read_published(warehouse.path.parent / "published", "fct_forecasts")
    assert (published["model_name"] == "analogue").sum() == 28


def test_a_weekly_item_launched_a_week_ago_is_forecast_from_its_department(
    tmp_path: Path, build: BuildFn
):
    folder = tmp_path / "data"
    department_id, _ = _data_with_a_new_item(folder)
    horizon = 6
    vars_: dict[str, Any] = {
        **canonical_vars(folder),
        "as_of_date": AS_OF.isoformat(),
        "frequency": "week",
        "forecast_horizon_periods": horizon,
    }
    warehouse = build(
        vars_, selection=["--select", "+fct_forecasts", "--exclude-resource-type", "unit_test"]
    )
    sales, store_dates = _raw_sales(folder)
    count, steps = _analogue_rule(
        sales,
        store_dates,
        _group_items(folder, department_id),
        period_days=7,
        history_needed=8,
        window=13,
        cycle=1,
        discontinued_after=52,
        horizon=horizon,
    )
    assert count >= 1
    # Every week alike on weekly data.
    assert len({round(point, 9) for point, _ in steps}) == 1
    _assert_published_as_the_rule(warehouse, count, steps, history=1)
