"""Accuracy of the new-item analogue rule (issue 19, part 5) in a built warehouse.

Every cut-off of ``int_forecast_cutoffs`` at which a series was new has the analogue
rule's forecasts with their actuals (``int_new_item_forecasts``). They are compared, on
the same rows, with a zero forecast, the SQL baselines of those rows
(``baseline_forecasts``: every feature row the training row budget keeps) and XGBoost's
stored backtests (the backtest origins only): WAPE, and the 80% interval's coverage of the
analogue rule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

# The analogue rows with their series' history and the other forecasts of the same rows.
_ROWS_SQL = """
with analogue as (
    select
        forecasts.store_id,
        forecasts.item_id,
        forecasts.cutoff_date,
        forecasts.horizon_step,
        forecasts.predicted_quantity as analogue,
        forecasts.actual_quantity,
        forecasts.lower_80,
        forecasts.upper_80,
        analogues.history_periods
    from int_new_item_forecasts as forecasts
    inner join int_new_item_analogues as analogues
        using (store_id, item_id, cutoff_date)
    where
        not forecasts.is_scoring_row
        and forecasts.actual_quantity is not null
        and forecasts.predicted_quantity is not null
),

baselines as (
    select
        cast(store_id as varchar) as store_id,
        cast(item_id as varchar) as item_id,
        cutoff_date,
        horizon_step,
        max(case when model_name = 'seasonal_naive' then predicted_quantity end) as seasonal_naive,
        max(case when model_name = 'moving_average' then predicted_quantity end) as moving_average
    from baseline_forecasts
    group by all
),

xgboost as (
    select
        cast(store_id as varchar) as store_id,
        cast(item_id as varchar) as item_id,
        cutoff_date,
        horizon_step,
        predicted_quantity as xgboost
    from forecast_xgboost
    where is_backtest
)

select
    analogue.*,
    baselines.seasonal_naive,
    baselines.moving_average,
    xgboost.xgboost
from analogue
left join baselines using (store_id, item_id, cutoff_date, horizon_step)
left join xgboost using (store_id, item_id, cutoff_date, horizon_step)
"""


@dataclass(frozen=True)
class Comparison:
    """WAPE of each forecast on one set of rows."""

    rows: str
    row_count: int
    series_cutoffs: int
    wape: dict[str, float]
    analogue_coverage_80: float


def _wape(actual: pd.Series, forecast: pd.Series) -> float:
    total = float(actual.abs().sum())
    return float((actual - forecast).abs().sum()) / total if total else float("nan")


def _compare(label: str, rows: pd.DataFrame, models: list[str]) -> Comparison:
    actual = rows["actual_quantity"]
    wape = {"analogue": _wape(actual, rows["analogue"]), "zero": _wape(actual, actual * 0)}
    for model in models:
        wape[model] = _wape(actual, rows[model])
    covered = (actual >= rows["lower_80"]) & (actual <= rows["upper_80"])
    return Comparison(
        rows=label,
        row_count=len(rows),
        series_cutoffs=len(rows[["store_id", "item_id", "cutoff_date"]].drop_duplicates()),
        wape=wape,
        analogue_coverage_80=float(covered[rows["upper_80"].notna()].mean()),
    )


def new_item_accuracy(database: Path) -> list[Comparison]:
    """The analogue rule against zero, the baselines and XGBoost, each on common rows."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(_ROWS_SQL).df()
    baselines = ["seasonal_naive", "moving_average"]
    results = [_compare("every row with an actual", rows, [])] if len(rows) else []
    with_baselines = rows.dropna(subset=baselines)
    if len(with_baselines):
        results.append(_compare("rows with both baselines", with_baselines, baselines))
        for low, high in ((1, 7), (8, 14), (15, 27)):
            part = with_baselines[with_baselines["history_periods"].between(low, high)]
            if len(part):
                results.append(_compare(f"  history {low}-{high} periods", part, baselines))
    with_xgboost = rows.dropna(subset=[*baselines, "xgboost"])
    if len(with_xgboost):
        results.append(
            _compare("rows with XGBoost backtests", with_xgboost, [*baselines, "xgboost"])
        )
    return results


def print_comparisons(results: list[Comparison]) -> None:
    """The comparisons as a Markdown table."""
    models = ["analogue", "zero", "seasonal_naive", "moving_average", "xgboost"]
    print(
        "| rows | rows (series x cut-offs) | " + " | ".join(models) + " | analogue 80% coverage |"
    )
    print("|---|---:|" + "---:|" * len(models) + "---:|")
    for result in results:
        cells = [f"{result.wape[m]:.3f}" if m in result.wape else "" for m in models]
        print(
            f"| {result.rows} | {result.row_count:,} ({result.series_cutoffs}) | "
            + " | ".join(cells)
            + f" | {result.analogue_coverage_80:.2f} |"
        )


def as_json(results: list[Comparison]) -> list[dict[str, Any]]:
    """The comparisons as JSON-ready dicts."""
    return [asdict(result) for result in results]
