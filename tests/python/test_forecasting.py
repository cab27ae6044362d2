"""The XGBoost forecasting module on small synthetic feature rows."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from demandcast.forecasting import (
    ForecastConfig,
    choose_origins,
    conformal_quantiles,
    forecast,
    model_version,
)

FAST = ForecastConfig(num_boost_round=30, params={"eta": 0.3, "max_depth": 4})


def feature_rows(
    n_series: int = 6, n_cutoffs: int = 12, horizon: int = 7, every: int = 7, seed: int = 0
) -> pd.DataFrame:
    """Rows shaped like int_forecast_features: demand = level x weekday effect + noise;
    the features carry the level (a lag) and the target's weekday, so a model can learn."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp("2024-01-07")
    rows = []
    for series in range(n_series):
        level = 5.0 + 5 * series
        for index in range(n_cutoffs + 1):
            cutoff = first + pd.Timedelta(days=every * index)
            is_scoring = index == n_cutoffs
            for step in range(1, horizon + 1):
                target = cutoff + pd.Timedelta(days=step)
                weekday = target.isoweekday()
                mean = level * (1.5 if weekday >= 6 else 1.0)
                rows.append(
                    {
                        "store_id": "S1",
                        "item_id": f"I{series}",
                        "cutoff_date": cutoff,
                        "horizon_step": step,
                        "target_date": target,
                        "is_scoring_row": is_scoring,
                        "target_quantity": None if is_scoring else float(rng.poisson(mean)),
                        "category_id": "a" if series % 2 else "b",
                        "quantity_mean_7d": level * 1.14 + rng.normal(0, 0.5),
                        "target_day_of_week": weekday,
                    }
                )
    return pd.DataFrame(rows)


def test_origins_are_the_latest_fully_known_cutoffs_a_horizon_apart():
    rows = feature_rows(horizon=14, every=7)
    origins = choose_origins(rows, 3)
    known_until = rows.loc[rows["target_quantity"].notna(), "target_date"].max()
    assert len(origins) == 3
    assert origins == sorted(origins, reverse=True)
    for origin in origins:
        assert origin + pd.Timedelta(days=14) <= known_until
    assert all((a - b).days >= 14 for a, b in itertools.pairwise(origins))
    # The latest qualifying cut-off is taken first.
    assert origins[0] == known_until - pd.Timedelta(days=14)


def test_conformal_quantile_is_the_finite_sample_rank():
    residuals = pd.DataFrame(
        {
            "horizon_step": [1] * 9,
            "predicted": [0.0] * 9,
            "actual": [float(v) for v in range(1, 10)],
        }
    )
    config = ForecastConfig(horizon_buckets=(1,), spread_power=0.0, spread_floor=1.0)
    quantiles = conformal_quantiles(residuals, (0.8,), config)
    # ceil((9 + 1) * 0.8) = 8th smallest score of 1..9
    assert quantiles[(0, 0.8)] == 8.0


def test_same_inputs_give_identical_forecasts():
    rows = feature_rows()
    first = forecast(rows, FAST)
    second = forecast(rows.sample(frac=1.0, random_state=1), FAST)
    pd.testing.assert_frame_equal(first, second)


def test_backtests_never_train_on_targets_after_their_origin():
    # A horizon longer than the cut-off spacing: earlier cut-offs have targets after the
    # origin, which training must leave out.
    rows = feature_rows(horizon=14, every=7)
    origins = choose_origins(rows, FAST.backtest_origins)
    poisoned = rows.copy()
    later = poisoned["target_date"] > origins[0]
    poisoned.loc[later & poisoned["target_quantity"].notna(), "target_quantity"] = 1e6
    clean_backtest = forecast(rows, FAST).query("is_backtest and cutoff_date == @origins[0].date()")
    poisoned_backtest = forecast(poisoned, FAST).query(
        "is_backtest and cutoff_date == @origins[0].date()"
    )
    np.testing.assert_array_equal(
        clean_backtest["predicted_quantity"].to_numpy(),
        poisoned_backtest["predicted_quantity"].to_numpy(),
    )


def test_forecast_covers_scoring_rows_with_ordered_non_negative_intervals():
    rows = feature_rows()
    result = forecast(rows, FAST)
    published = result[~result["is_backtest"]]
    assert len(published) == int(rows["is_scoring_row"].sum())
    assert published["actual_quantity"].isna().all()
    assert (published["lower_95"] <= published["lower_80"]).all()
    assert (published["lower_80"] <= published["predicted_quantity"]).all()
    assert (published["predicted_quantity"] <= published["upper_80"]).all()
    assert (published["upper_80"] <= published["upper_95"]).all()
    assert (published["lower_95"] >= 0).all()


def test_backtest_interval_coverage_is_near_nominal():
    rows = feature_rows(n_series=20, n_cutoffs=16, seed=3)
    backtest = forecast(rows, FAST).query("is_backtest")
    inside_80 = backtest["actual_quantity"].between(backtest["lower_80"], backtest["upper_80"])
    inside_95 = backtest["actual_quantity"].between(backtest["lower_95"], backtest["upper_95"])
    assert inside_80.mean() == pytest.approx(0.80, abs=0.08)
    assert inside_95.mean() == pytest.approx(0.95, abs=0.05)


def test_model_version_tracks_params_and_training_rows():
    rows = feature_rows()
    columns = ["quantity_mean_7d"]
    base = model_version(FAST, columns, rows)
    assert base == model_version(FAST, columns, rows.copy())
    other_params = ForecastConfig(num_boost_round=31, params=FAST.params)
    assert model_version(other_params, columns, rows) != base
    changed = rows.copy()
    changed.loc[0, "target_quantity"] = 999.0
    assert model_version(FAST, columns, changed) != base


def test_negative_targets_switch_objective_and_keep_negative_bounds():
    rows = feature_rows()
    rows["target_quantity"] = rows["target_quantity"] - 12
    result = forecast(rows, FAST)
    assert (result["lower_95"] < 0).any()


def test_unknown_config_keys_are_rejected():
    with pytest.raises(ValueError, match="unknown xgboost config keys"):
        ForecastConfig.from_mapping({"rounds": 10})
