"""Prophet on aggregates: the fit budget, the level chain and the split over the series.

Tiny Prophet fits only (three short daily series); the chain's rules are tested on hand-made
frames without fitting anything.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from demandcast.artifacts import to_parquet_bytes
from demandcast.prophet_models import (
    FitTask,
    ProphetConfig,
    ProphetForecaster,
    ProphetTraining,
    assign_aggregates,
    fit_one,
    holidays_frame,
    select_aggregates,
)

DAYS = 60
HORIZON = 3
FIRST = pd.Timestamp("2024-01-01")
# Store volumes: S1 is the largest, S3 the smallest; one item per store.
LEVELS = {"S1": 300.0, "S2": 200.0, "S3": 100.0}
# A small, fast configuration pinned here (not the YAML defaults); one worker: no pool.
# Every setting pinned (ProphetConfig has no defaults; the shipped ones are in YAML).
TINY = {
    "max_series": 2,
    "workers": 1,
    "backtest_origins": 1,
    "seasonality_mode": "multiplicative",
    "changepoint_prior_scale": 0.05,
    "history_periods": 0,
    "yearly_min_days": 730,
    "transform": "none",
}


def _sales() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for store, level in LEVELS.items():
        for day in range(DAYS):
            date = FIRST + pd.Timedelta(days=day)
            weekly = 1.3 if date.day_of_week >= 5 else 1.0
            rows.append(
                {
                    "store_id": store,
                    "item_id": "I1",
                    "period_end_date": date,
                    "quantity": float(rng.poisson(level * weekly)),
                }
            )
    return pd.DataFrame(rows)


def _history(sales: pd.DataFrame) -> pd.DataFrame:
    """int_aggregate_sales at level store: the store rows and the total rows."""
    store = sales.assign(aggregate_level="store", chain_position=0, level_id=sales["store_id"])
    total = sales.assign(aggregate_level="total", chain_position=1, level_id="all")
    both = pd.concat([store, total])
    grouped = both.groupby(
        ["aggregate_level", "chain_position", "level_id", "period_end_date"], as_index=False
    )["quantity"].sum()
    return grouped.assign(reporting_series=1)


def total_share(store: str, step: int) -> float:
    """A store's share of the total for a horizon step (steps differ, as with the
    same_period_last_year basis)."""
    return LEVELS[store] / sum(LEVELS.values()) * (1 + 0.1 * step)


def _rows_and_shares(sales: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecast rows at one backtest origin and the scoring cut-off, and hand-set shares."""
    scoring_cutoff = FIRST + pd.Timedelta(days=DAYS - 1)
    origin = scoring_cutoff - pd.Timedelta(days=HORIZON)
    actual = sales.set_index(["store_id", "period_end_date"])["quantity"]
    rows = []
    for store in LEVELS:
        for cutoff, scoring in ((origin, False), (scoring_cutoff, True)):
            for step in range(1, HORIZON + 1):
                target = cutoff + pd.Timedelta(days=step)
                rows.append(
                    {
                        "store_id": store,
                        "item_id": "I1",
                        "cutoff_date": cutoff,
                        "horizon_step": step,
                        "target_date": target,
                        "target_quantity": None if scoring else actual[(store, target)],
                        "is_scoring_row": scoring,
                        "is_backtest_origin": not scoring,
                    }
                )
    shares = [
        {
            "store_id": store,
            "item_id": "I1",
            "cutoff_date": cutoff,
            "aggregate_level": level,
            "chain_position": position,
            "level_id": store if level == "store" else "all",
            "horizon_step": step,
            "series_share": 1.0 if level == "store" else total_share(store, step),
        }
        for store in LEVELS
        for cutoff in (origin, scoring_cutoff)
        for position, level in enumerate(["store", "total"])
        for step in range(1, HORIZON + 1)
    ]
    return pd.DataFrame(rows), pd.DataFrame(shares)


@pytest.fixture(scope="module")
def fitted() -> dict[str, object]:
    """One tiny candidate (2 aggregates x 2 origins = 4 fits) and its published forecast."""
    sales = _sales()
    history = _history(sales)
    rows, shares = _rows_and_shares(sales)
    events = pd.DataFrame(columns=["event_date", "event_name"])
    training = ProphetTraining(history=history, events=events, frequency="day", period_days=1)
    candidate = ProphetForecaster(rows, shares, training).train(TINY)
    registry_row = {
        "model_version": candidate.version,
        "calibration_json": json.dumps(candidate.calibration),
        "artifact": candidate.artifact,
        "backtest_predictions": to_parquet_bytes(candidate.backtest),
    }
    # Scoring reads the stored models only: no training inputs.
    scored = ProphetForecaster(rows, shares).score(registry_row)
    return {"history": history, "rows": rows, "candidate": candidate, "scored": scored}


KEYS = ["store_id", "item_id", "cutoff_date", "horizon_step"]


def test_every_forecast_row_has_a_prophet_row_beyond_the_fit_budget(fitted):
    # Fails with the code before the level chain: S3 is outside the 2 fitted aggregates
    # and had no row at all.
    rows = fitted["rows"]
    scored = fitted["scored"]
    candidate = fitted["candidate"]
    assert candidate.calibration["levels"] == ["store:S1", "total:all"]
    expected = rows[rows["is_scoring_row"] | rows["target_quantity"].notna()]
    expected_keys = set(
        expected[KEYS].assign(cutoff_date=expected["cutoff_date"].dt.date).itertuples(index=False)
    )
    got_keys = set(scored[KEYS].itertuples(index=False))
    assert got_keys == expected_keys
    assert scored["predicted_quantity"].notna().all()
    assert set(scored.loc[scored["store_id"] == "S3", "is_backtest"]) == {True, False}
    assert (scored.loc[scored["store_id"] == "S3", "predicted_quantity"] > 0).all()


def test_a_series_outside_the_fitted_aggregates_is_the_total_fit_times_its_share(fitted):
    history = fitted["history"]
    scored = fitted["scored"]
    backtest = scored[scored["is_backtest"]]
    origin = pd.Timestamp(backtest["cutoff_date"].iloc[0])
    total = history[(history["level_id"] == "all") & (history["period_end_date"] <= origin)]
    future = [origin + pd.Timedelta(days=step) for step in range(1, HORIZON + 1)]
    _, _, total_forecast, _ = fit_one(
        FitTask(
            level_id="total:all",
            origin=origin,
            history=pd.DataFrame({"ds": total["period_end_date"], "y": total["quantity"]}),
            future=future,
            holidays=pd.DataFrame(columns=["ds", "holiday"]),
            frequency="day",
            period_days=1,
            config=ProphetConfig.from_mapping(TINY),
            keep_model=False,
        )
    )
    share = np.array([total_share("S3", step) for step in range(1, HORIZON + 1)])
    s3 = backtest[backtest["store_id"] == "S3"].sort_values("horizon_step")
    np.testing.assert_allclose(s3["predicted_quantity"], total_forecast * share, rtol=1e-9)


def test_fit_budget_comes_from_the_config(fitted):
    assert ProphetConfig.from_mapping({**TINY, "max_series": "7"}).max_series == 7
    history = fitted["history"]
    assert select_aggregates(history, 3) == ["store:S1", "store:S2", "store:S3"]
    assert select_aggregates(history, 2) == ["store:S1", "total:all"]
    assert select_aggregates(history, 1) == ["total:all"]
    with pytest.raises(ValueError, match="prophet_max_series"):
        ProphetConfig.from_mapping({**TINY, "max_series": "lots"})
    with pytest.raises(ValueError, match="prophet_max_series"):
        ProphetConfig.from_mapping({**TINY, "max_series": 0})
    with pytest.raises(ValueError, match="transform"):
        ProphetConfig.from_mapping({**TINY, "transform": "sqrt"})


def test_every_prophet_setting_comes_from_the_config():
    # No code defaults: a setting left out of the YAML is an error naming it.
    without = {key: value for key, value in TINY.items() if key != "changepoint_prior_scale"}
    with pytest.raises(ValueError, match=r"lacks keys: \['changepoint_prior_scale'\]"):
        ProphetConfig.from_mapping(without)


def test_three_level_chain_spends_the_budget_on_the_coarsest_whole_level_first():
    # store_department -> store -> total: 2 stores with 3 departments each. Budget 4: both
    # stores (the finest level that fits whole) and the 2 largest departments.
    rows = []
    for store, store_size in (("A", 10.0), ("B", 1.0)):
        for department, size in (("d1", 3.0), ("d2", 2.0), ("d3", 1.0)):
            quantity = store_size * size
            for position, level, level_id in (
                (0, "store_department", f"{store}|{department}"),
                (1, "store", store),
                (2, "total", "all"),
            ):
                rows.append(
                    {
                        "aggregate_level": level,
                        "chain_position": position,
                        "level_id": level_id,
                        "period_end_date": FIRST,
                        "quantity": quantity,
                    }
                )
    history = (
        pd.DataFrame(rows)
        .groupby(
            ["aggregate_level", "chain_position", "level_id", "period_end_date"], as_index=False
        )["quantity"]
        .sum()
    )
    assert select_aggregates(history, 4) == [
        "store:A",
        "store:B",
        "store_department:A|d1",
        "store_department:A|d2",
    ]
    assert select_aggregates(history, 6) == [
        f"store_department:{s}|d{d}" for s in "AB" for d in (1, 2, 3)
    ]


def test_each_series_takes_the_finest_fitted_aggregate_it_belongs_to():
    shares = pd.DataFrame(
        [
            ("A", "a1", "store_department", 0, "A|d1", 1.0),
            ("A", "a1", "store", 1, "A", 0.5),
            ("A", "a1", "total", 2, "all", 0.2),
            ("A", "a2", "store_department", 0, "A|d2", 1.0),
            ("A", "a2", "store", 1, "A", 0.5),
            ("A", "a2", "total", 2, "all", 0.2),
            ("B", "b1", "store_department", 0, "B|d1", 1.0),
            ("B", "b1", "store", 1, "B", 1.0),
            ("B", "b1", "total", 2, "all", 0.6),
        ],
        columns=[
            "store_id",
            "item_id",
            "aggregate_level",
            "chain_position",
            "level_id",
            "series_share",
        ],
    ).assign(cutoff_date=FIRST, horizon_step=1)
    assigned = assign_aggregates(shares, ["store_department:A|d1", "store:A", "total:all"])
    by_series = assigned.set_index("item_id")[["aggregate_key", "series_share"]]
    assert by_series.to_dict("index") == {
        "a1": {"aggregate_key": "store_department:A|d1", "series_share": 1.0},
        "a2": {"aggregate_key": "store:A", "series_share": 0.5},
        "b1": {"aggregate_key": "total:all", "series_share": 0.6},
    }


def test_weekly_holidays_fall_on_the_period_end_date():
    events = pd.DataFrame(
        {"event_date": ["2024-01-01", "2024-01-05"], "event_name": ["new_year", "friday"]}
    )
    # Weeks end on Fridays (2024-01-05 is one).
    frame = holidays_frame(events, "week", pd.Timestamp("2024-01-05"))
    assert list(frame["ds"]) == [pd.Timestamp("2024-01-05")] * 2
    assert list(holidays_frame(events, "day")["ds"]) == list(pd.to_datetime(events["event_date"]))
