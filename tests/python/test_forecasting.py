"""The XGBoost forecasting module on small synthetic feature rows."""

from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest
from origin_oracle import with_origin_flags

from demandcast.artifacts import to_parquet_bytes
from demandcast.backtests import choose_origins
from demandcast.xgboost_model import (
    ForecastConfig,
    XGBoostForecaster,
    fit,
    forecast,
    model_version,
    predict,
    prepare,
)

# Every setting pinned here (ForecastConfig has no defaults: the shipped ones are in
# python_models/_python_models.yml). Small and fast, the shipped objective.
FAST = ForecastConfig(
    params={
        "objective": "reg:tweedie",
        "tweedie_variance_power": 1.2,
        "eta": 0.3,
        "max_depth": 4,
        "tree_method": "hist",
        "max_cat_to_onehot": 1,
        "seed": 0,
    },
    num_boost_round=30,
    backtest_origins=3,
    scale_column="",
    scale_floor=1.0,
    scaled_features=(),
    scale_weight_power=2.0,
    training_window_days=0,
)


def feature_rows(
    n_series: int = 6, n_cutoffs: int = 12, horizon: int = 7, every: int = 7, seed: int = 0
) -> pd.DataFrame:
    """Rows shaped like int_forecast_features: demand = level x weekday effect + noise;
    the features carry the level (a lag) and the target's weekday, so a model can learn.
    The backtest origins are flagged as int_forecast_cutoffs would (the test oracle)."""
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
    return with_origin_flags(pd.DataFrame(rows), 3)


def test_origins_need_the_warehouse_flags():
    # The origin rule is SQL only (int_forecast_cutoffs): rows without its flag are an
    # error, not a reason to derive origins again in pandas.
    rows = feature_rows().drop(columns="is_backtest_origin")
    with pytest.raises(ValueError, match="is_backtest_origin"):
        choose_origins(rows, 3)


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


def test_forecast_covers_scoring_rows_without_intervals_of_its_own():
    # Intervals are forecast_candidates' (one rule for every candidate), not the model's.
    rows = feature_rows()
    result = forecast(rows, FAST)
    published = result[~result["is_backtest"]]
    assert len(published) == int(rows["is_scoring_row"].sum())
    assert published["actual_quantity"].isna().all()
    assert not {"lower_80", "upper_80", "lower_95", "upper_95"} & set(result.columns)


def test_a_registered_version_scores_as_the_model_it_was_trained_as():
    # The algorithm interface: train() hands the registry a Candidate, score() reads the
    # registry row back (booster bytes, vocabularies, stored backtests).
    rows = feature_rows()
    candidate = XGBoostForecaster(rows).train(asdict(FAST))
    row = {
        "model_version": candidate.version,
        "features_json": json.dumps(candidate.features),
        "calibration_json": json.dumps(candidate.calibration),
        "artifact": candidate.artifact,
        "backtest_predictions": to_parquet_bytes(candidate.backtest),
    }
    scored = XGBoostForecaster(rows).score(row)
    pd.testing.assert_frame_equal(scored, forecast(rows, FAST), check_dtype=False)
    with pytest.raises(ValueError, match="needs features the feature table lacks"):
        XGBoostForecaster(rows.drop(columns=[candidate.features[-1]])).score(row)


def test_model_version_tracks_params_and_training_rows():
    rows = feature_rows()
    columns = ["quantity_mean_7d"]
    base = model_version(FAST, columns, rows)
    assert base == model_version(FAST, columns, rows.copy())
    other_params = ForecastConfig(**{**FAST.__dict__, "num_boost_round": 31})
    assert model_version(other_params, columns, rows) != base
    changed = rows.copy()
    changed.loc[0, "target_quantity"] = 999.0
    assert model_version(FAST, columns, changed) != base


def test_negative_targets_switch_objective_and_forecast_negative_values():
    # Tweedie cannot predict below 0; the squared-error fallback can.
    rows = feature_rows()
    rows["target_quantity"] = rows["target_quantity"] - 12
    result = forecast(rows, FAST)
    assert (result["predicted_quantity"] < 0).any()


def test_unknown_config_keys_are_rejected():
    with pytest.raises(ValueError, match="unknown xgboost config keys"):
        ForecastConfig.from_mapping({**FAST.__dict__, "rounds": 10})


def test_missing_config_keys_are_rejected():
    # No hyperparameter has a code default: the YAML must name every one.
    mapping = {key: value for key, value in FAST.__dict__.items() if key != "scale_floor"}
    with pytest.raises(ValueError, match=r"lacks keys: \['scale_floor'\]"):
        ForecastConfig.from_mapping(mapping)
    with pytest.raises(ValueError, match="objective"):
        ForecastConfig.from_mapping({**FAST.__dict__, "params": {"eta": 0.3}})


def test_stored_config_of_an_older_version_still_loads():
    # Versions trained when intervals were made in Python carry their interval keys.
    old = {**FAST.__dict__, "horizon_buckets": [7], "spread_power": 0.6, "spread_floor": 0.5}
    assert ForecastConfig.from_mapping(old) == ForecastConfig.from_mapping(FAST.__dict__)


SCALED = ForecastConfig(
    **{
        **FAST.__dict__,
        "params": {"eta": 0.3, "max_depth": 4, "objective": "reg:squarederror", "seed": 0},
        "scale_column": "quantity_mean_7d",
        "scaled_features": ("quantity_",),
    }
)


def fit_and_predict(rows: pd.DataFrame, config: ForecastConfig) -> pd.Series:
    """Fit on the known rows, predict the scoring rows; predictions indexed like rows."""
    prepared = prepare(rows)
    train = prepared[~prepared["is_scoring_row"]]
    scoring = prepared[prepared["is_scoring_row"]]
    return pd.Series(predict(fit(train, config), scoring), index=scoring.index)


def multiply_series(rows: pd.DataFrame, item_id: str, factor: float) -> pd.DataFrame:
    """The rows with one series' target and level feature multiplied by factor."""
    bigger = rows.copy()
    one = bigger["item_id"] == item_id
    for column in ("target_quantity", "quantity_mean_7d"):
        bigger.loc[one, column] = bigger.loc[one, column] * factor
    return bigger


UNWEIGHTED = ForecastConfig(**{**SCALED.__dict__, "scale_weight_power": 0.0})


@pytest.mark.parametrize("config, invariant", [(UNWEIGHTED, True), (FAST, False)])
def test_scaling_makes_the_model_indifferent_to_one_series_size(config, invariant):
    # One series a thousand times larger: in its own units it is the same series, so a
    # scaled model (unweighted: the default weights would let the giant's noise dominate
    # the fit, on purpose) forecasts it 1000x and every other series as before. An
    # unscaled squared-error model fits the giant and forecasts the others far off.
    rows = feature_rows(n_series=6, n_cutoffs=16, seed=5)
    rows["target_quantity"] = rows["target_quantity"] - 1  # negative: squared error
    before = fit_and_predict(rows, config)
    after = fit_and_predict(multiply_series(rows, "I2", 1000.0), config)
    one = rows.loc[before.index, "item_id"] == "I2"
    others_moved = np.abs(after[~one] - before[~one]).mean() / np.abs(before[~one]).mean()
    giant_ratio = (after[one] / before[one]).median()
    if invariant:
        assert others_moved < 0.05
        assert giant_ratio == pytest.approx(1000.0, rel=0.05)
    else:
        assert others_moved > 0.2


def test_scaling_travels_with_the_booster():
    rows = feature_rows()
    prepared = prepare(rows)
    booster = fit(prepared[~prepared["is_scoring_row"]], SCALED)
    scoring = prepared[prepared["is_scoring_row"]]
    predicted = predict(booster, scoring)
    # Forecasts come back in the target's units, not as multiples of the level.
    assert predicted.mean() == pytest.approx(rows["target_quantity"].mean(), rel=0.2)
    assert "quantity_mean_7d" in booster.attr("scaling")


def test_unknown_scale_column_is_rejected():
    rows = prepare(feature_rows())
    config = ForecastConfig(**{**SCALED.__dict__, "scale_column": "no_such_column"})
    with pytest.raises(ValueError, match="scale_column"):
        fit(rows[~rows["is_scoring_row"]], config)


def test_origins_flagged_by_the_warehouse_are_the_origins():
    # int_forecast_features flags the origins (is_backtest_origin); every model uses those.
    rows = feature_rows(horizon=14, every=7)
    flagged = sorted(rows["cutoff_date"].unique())[2:4]
    rows = rows.assign(is_backtest_origin=rows["cutoff_date"].isin(flagged))
    assert choose_origins(rows, 3) == sorted(pd.to_datetime(flagged), reverse=True)
    assert choose_origins(rows, 1) == [pd.Timestamp(flagged[-1])]


def sampled_rows() -> pd.DataFrame:
    rows = feature_rows(n_series=6)
    origins = choose_origins(rows, FAST.backtest_origins)
    return rows.assign(
        is_training_sample=rows["item_id"].isin(["I0", "I2", "I3", "I5"]),
        is_backtest_origin=rows["cutoff_date"].isin(origins),
        # Under a training row budget, one step in three trains (int_forecast_features).
        is_training_step=rows["horizon_step"] % 3 == 0,
    )


def poisoned_where(rows: pd.DataFrame, flag: str) -> pd.DataFrame:
    """The rows with a huge target wherever ``flag`` says not to learn, except at the
    backtest origins (where those targets are tested, not learned from)."""
    origins = choose_origins(rows, FAST.backtest_origins)
    poisoned = rows.copy()
    left_out = ~poisoned[flag] & poisoned["target_quantity"].notna()
    poisoned.loc[left_out & ~poisoned["cutoff_date"].isin(origins), "target_quantity"] = 1e6
    return poisoned


def predictions(frame: pd.DataFrame) -> np.ndarray:
    return frame["predicted_quantity"].to_numpy()


def test_series_outside_the_training_sample_are_backtested_but_never_learned_from():
    rows = sampled_rows()
    clean, dirty = forecast(rows, FAST), forecast(poisoned_where(rows, "is_training_sample"), FAST)
    # Predictions ignore the poisoned targets of series outside the sample ...
    np.testing.assert_array_equal(predictions(clean), predictions(dirty))
    # ... and every series is backtested and published.
    backtested = clean.loc[clean["is_backtest"], "item_id"].unique()
    assert sorted(backtested) == sorted(rows["item_id"].unique())


def test_steps_left_out_by_the_row_budget_are_backtested_but_never_learned_from():
    rows = sampled_rows()
    poisoned = poisoned_where(rows, "is_training_step")
    clean, dirty = forecast(rows, FAST), forecast(poisoned, FAST)
    np.testing.assert_array_equal(predictions(clean), predictions(dirty))
    # Every step is backtested, those left out of training too.
    steps = clean.loc[clean["is_backtest"], "horizon_step"].unique()
    assert sorted(steps) == sorted(rows["horizon_step"].unique())
    # Without the flag every step trains: the poison then changes the forecast.
    unflagged = forecast(poisoned.drop(columns="is_training_step"), FAST)
    assert not np.array_equal(predictions(clean), predictions(unflagged))


def test_reading_only_the_training_rows_gives_the_same_model():
    # registry_xgboost reads the rows of TRAINING_ROWS, not the table.
    import duckdb

    from demandcast.xgboost_model import TRAINING_ROWS, train

    rows = sampled_rows()
    connection = duckdb.connect()
    read = connection.from_df(rows).filter(TRAINING_ROWS).df()
    assert len(read) < len(rows)
    assert not read["is_scoring_row"].any()
    whole, partial = train(rows, FAST), train(read, FAST)
    assert whole.version == partial.version
    pd.testing.assert_frame_equal(whole.backtest, partial.backtest)


def test_reading_part_by_part_from_the_warehouse_gives_the_same_candidate():
    # registry_xgboost reads the learning rows, then one origin at a time
    # (RelationRows), instead of every training row at once: the same version, booster,
    # backtests, fingerprint, vocabularies and drift reference as the whole frame.
    import duckdb

    from demandcast.drift import reference_sample
    from demandcast.warehouse import to_pandas_where
    from demandcast.xgboost_model import TRAINING_ROWS, RelationRows, read_options

    rows = sampled_rows()
    # Targets not known yet at the latest non-scoring cut-off (as near the as-of date).
    latest = rows.loc[~rows["is_scoring_row"], "cutoff_date"].max()
    rows.loc[(rows["cutoff_date"] == latest) & (rows["horizon_step"] > 4), "target_quantity"] = None
    rows = rows.assign(
        cutoff_date=rows["cutoff_date"].dt.date, target_date=rows["target_date"].dt.date
    )
    relation = duckdb.connect().from_df(rows)
    columns = list(rows.columns)
    whole = to_pandas_where(relation, TRAINING_ROWS, columns, **read_options(columns))
    # Items I1 and I4 are outside the training sample: only the origins' rows name them.
    assert not whole.loc[whole["is_training_sample"], "item_id"].isin(["I1", "I4"]).any()
    by_frame = XGBoostForecaster(whole).train(asdict(FAST))
    by_parts = XGBoostForecaster(RelationRows(relation, TRAINING_ROWS, columns)).train(asdict(FAST))
    assert by_parts.calibration == by_frame.calibration
    assert "I4" in by_parts.calibration["categories"]["item_id"]
    for field in ("version", "data_fingerprint", "artifact", "training_start", "training_end"):
        assert getattr(by_parts, field) == getattr(by_frame, field), field
    pd.testing.assert_frame_equal(by_parts.backtest, by_frame.backtest)
    pd.testing.assert_frame_equal(by_parts.reference_sample, by_frame.reference_sample)
    # The drift reference is sampled from the whole frame's rows, in the same order.
    pd.testing.assert_frame_equal(
        by_parts.reference_sample, reference_sample(whole, by_frame.features)
    )
    assert sorted(by_parts.backtest["item_id"].unique()) == sorted(rows["item_id"].unique())


def test_every_fit_learns_only_from_its_training_window():
    # 12 weekly cut-offs; a 28-day window. Poisoning the targets of cut-offs older than
    # every fit's window (the earliest origin's included) changes no forecast; poisoning
    # them without a window does.
    rows = feature_rows()
    origins = choose_origins(rows, FAST.backtest_origins)
    window = ForecastConfig(**{**FAST.__dict__, "training_window_days": 28})
    oldest_window_start = min(origins) - pd.Timedelta(days=28)
    old = rows["cutoff_date"] < oldest_window_start
    assert old.any()
    poisoned = rows.assign(target_quantity=rows["target_quantity"].mask(old, 1e6))
    pd.testing.assert_frame_equal(
        forecast(rows, window).drop(columns="model_version"),
        forecast(poisoned, window).drop(columns="model_version"),
    )
    assert not forecast(rows, FAST)["predicted_quantity"].equals(
        forecast(poisoned, FAST)["predicted_quantity"]
    )
