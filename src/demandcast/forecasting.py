"""Global XGBoost forecasts over the rows of ``int_forecast_features``.

One model across every series and horizon step (horizon_step is a feature), a Tweedie
objective for non-negative, often intermittent demand, and native categorical features.
Optionally the model learns in units of each series' own level (``scale_column``): series
whose sizes differ a thousandfold then share one shape of seasonality and trend, while the
training weights keep the loss in the original units.
Rolling-origin backtests train on the rows whose target was known at each origin and score
the origin's rows; prediction intervals are split-conformal, from backtest residuals
scaled by the forecast's expected spread, per horizon bucket.

The dbt Python model ``forecast_xgboost`` calls :func:`forecast`; everything else here is
plain pandas/XGBoost and unit-tested.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb

KEY_COLUMNS = ["store_id", "item_id", "cutoff_date", "horizon_step", "target_date"]
TARGET = "target_quantity"
NOT_FEATURES = {"cutoff_date", "target_date", "is_scoring_row", TARGET}
OUTPUT_COLUMNS = [
    *KEY_COLUMNS,
    "model_name",
    "model_version",
    "is_backtest",
    "predicted_quantity",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
    "actual_quantity",
]

DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "reg:tweedie",
    "tweedie_variance_power": 1.2,
    "eta": 0.05,
    "max_depth": 8,
    "min_child_weight": 5,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "tree_method": "hist",
    "max_cat_to_onehot": 1,
    "seed": 0,
}


@dataclass(frozen=True)
class ForecastConfig:
    """Settings of the XGBoost forecast (from the model's YAML config).

    Attributes:
        params: XGBoost booster parameters (merged over DEFAULT_PARAMS).
        num_boost_round: Boosting rounds.
        backtest_origins: Rolling origins to backtest, latest first, spaced a horizon apart.
        horizon_buckets: Upper bounds of the horizon buckets intervals are calibrated in;
            empty = a quarter, half and all of the longest horizon.
        spread_power: Intervals scale with max(prediction, spread_floor) ** spread_power,
            the Tweedie standard deviation's growth with the mean.
        spread_floor: Smallest expected spread (a slow mover still has some).
        scale_column: Column with each row's series level known at the cut-off (e.g. the
            trailing mean absolute quantity); empty = no scaling. When set, the target and
            the features named by ``scaled_features`` are divided by
            max(|level|, scale_floor) before fitting and predictions multiplied back.
        scale_floor: Smallest level divided by (keeps slow movers in their own units).
        scaled_features: Prefixes of the feature columns measured in the target's units
            (lags, rolling statistics, same period last year), divided by the level too.
        scale_weight_power: Training rows are weighted by level ** power: 2 makes squared
            error on the scaled target equal squared error in the original units, 1 does
            the same for absolute error.
    """

    params: dict[str, Any] = field(default_factory=dict)
    num_boost_round: int = 300
    backtest_origins: int = 3
    horizon_buckets: Sequence[int] = ()
    spread_power: float = 0.6
    spread_floor: float = 0.5
    scale_column: str = ""
    scale_floor: float = 1.0
    scaled_features: Sequence[str] = ()
    scale_weight_power: float = 2.0

    @property
    def booster_params(self) -> dict[str, Any]:
        """DEFAULT_PARAMS overlaid with the configured ones."""
        return {**DEFAULT_PARAMS, **self.params}

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any] | None) -> ForecastConfig:
        """Build from a plain mapping (dbt config); unknown keys are an error."""
        mapping = dict(mapping or {})
        unknown = set(mapping) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown xgboost config keys: {sorted(unknown)}")
        return cls(**mapping)


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """The model's features: every column but keys, labels and flags, in frame order."""
    return [column for column in frame.columns if column not in NOT_FEATURES]


def _categorical_columns(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    return [
        c for c in columns if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)
    ]


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed copy: text columns become categoricals with one fixed, sorted vocabulary, so
    training and scoring rows share codes; booleans become 0/1."""
    prepared = frame.copy()
    for column in _categorical_columns(prepared, feature_columns(prepared)):
        values = prepared[column].astype("string")
        prepared[column] = pd.Categorical(values, categories=sorted(values.dropna().unique()))
    for column in feature_columns(prepared):
        if prepared[column].dtype == bool or str(prepared[column].dtype) == "boolean":
            prepared[column] = prepared[column].astype("float64")
    return prepared


def _matrix(
    frame: pd.DataFrame,
    columns: list[str],
    label: np.ndarray | None = None,
    weight: np.ndarray | None = None,
) -> xgb.DMatrix:
    return xgb.DMatrix(frame[columns], label=label, weight=weight, enable_categorical=True)


def _scaled(
    frame: pd.DataFrame, columns: list[str], scaling: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The frame with its target-unit features divided by each row's level, and the level.

    Without scaling (empty scale_column) the frame as is and a level of 1.
    """
    if not scaling["scale_column"]:
        return frame, np.ones(len(frame))
    level = np.maximum(
        frame[scaling["scale_column"]].abs().fillna(0.0).to_numpy(dtype="float64"),
        scaling["scale_floor"],
    )
    scaled = frame.copy(deep=False)  # only the replaced columns take new memory
    for column in columns:
        if column != scaling["scale_column"] and column.startswith(
            tuple(scaling["scaled_features"])
        ):
            scaled[column] = scaled[column].to_numpy(dtype="float64") / level
    return scaled, level


def _scaling(config: ForecastConfig) -> dict[str, Any]:
    return {
        "scale_column": config.scale_column,
        "scale_floor": config.scale_floor,
        "scaled_features": list(config.scaled_features),
    }


def fit(train: pd.DataFrame, config: ForecastConfig) -> xgb.Booster:
    """Fit one global booster on rows with a known target.

    With a scale_column the booster learns target / level (see ForecastConfig); the
    scaling travels with the booster (attribute ``scaling``), so predict needs no config.
    """
    known = train[train[TARGET].notna()]
    if known.empty:
        raise ValueError("no training rows with a known target_quantity")
    columns = feature_columns(known)
    params = config.booster_params
    if (known[TARGET] < 0).any() and params["objective"] == "reg:tweedie":
        # Returns make the target negative: Tweedie cannot fit that, squared error can.
        params = {**params, "objective": "reg:squarederror"}
        params.pop("tweedie_variance_power", None)
    scaling = _scaling(config)
    if scaling["scale_column"] and scaling["scale_column"] not in columns:
        raise ValueError(f"scale_column {scaling['scale_column']!r} is not a feature column")
    scaled, level = _scaled(known, columns, scaling)
    label = known[TARGET].to_numpy(dtype="float64") / level
    weight = level**config.scale_weight_power if scaling["scale_column"] else None
    booster = xgb.train(
        params, _matrix(scaled, columns, label, weight), num_boost_round=config.num_boost_round
    )
    booster.set_attr(scaling=json.dumps(scaling))
    return booster


def predict(booster: xgb.Booster, frame: pd.DataFrame) -> np.ndarray:
    """Point forecasts for the rows of frame (in the target's units)."""
    stored = booster.attr("scaling")
    scaling = json.loads(stored) if stored else {"scale_column": ""}
    columns = feature_columns(frame)
    if not scaling["scale_column"]:
        return booster.predict(_matrix(frame, columns))
    scaled, level = _scaled(frame, columns, scaling)
    return booster.predict(_matrix(scaled, columns)) * level


def period_days(frame: pd.DataFrame) -> int:
    """Days per period, read off the rows (target = cut-off + step periods)."""
    days = (frame["target_date"] - frame["cutoff_date"]).dt.days / frame["horizon_step"]
    return round(float(days.iloc[0]))


def choose_origins(frame: pd.DataFrame, count: int) -> list[pd.Timestamp]:
    """The latest ``count`` cut-offs whose whole horizon is known, a horizon apart.

    A cut-off qualifies when its last target date is no later than the last date with a
    known target; the next origin back is the latest qualifying cut-off at least one
    horizon earlier, so test windows do not overlap.
    """
    known = frame[frame[TARGET].notna()]
    if known.empty:
        return []
    known_until = known["target_date"].max()
    horizon_days = int(frame["horizon_step"].max()) * period_days(frame)
    last_target = frame[~frame["is_scoring_row"]].groupby("cutoff_date")["target_date"].max()
    eligible = sorted(last_target[last_target <= known_until].index, reverse=True)
    origins: list[pd.Timestamp] = []
    for cutoff in eligible:
        if not origins or (origins[-1] - cutoff).days >= horizon_days:
            origins.append(cutoff)
        if len(origins) == count:
            break
    return origins


def horizon_bucket(steps: pd.Series, buckets: Sequence[int]) -> pd.Series:
    """Index of the first bucket bound at or above each step (the last bucket beyond)."""
    bounds = np.asarray(sorted(buckets))
    return pd.Series(
        np.minimum(np.searchsorted(bounds, steps.to_numpy()), len(bounds) - 1), index=steps.index
    )


def spread(predicted: np.ndarray, config: ForecastConfig) -> np.ndarray:
    """Expected spread of each forecast: intervals are scaled by it."""
    return np.power(np.maximum(predicted, config.spread_floor), config.spread_power)


def conformal_quantiles(
    residuals: pd.DataFrame, levels: Sequence[float], config: ForecastConfig
) -> dict[tuple[int, float], float]:
    """Per horizon bucket and level, the finite-sample conformal quantile of
    |actual - predicted| / spread."""
    scores = (residuals["actual"] - residuals["predicted"]).abs() / spread(
        residuals["predicted"].to_numpy(), config
    )
    buckets = horizon_bucket(residuals["horizon_step"], config.horizon_buckets)
    quantiles: dict[tuple[int, float], float] = {}
    for bucket in range(len(config.horizon_buckets)):
        bucket_scores = np.sort(scores[buckets == bucket].to_numpy())
        if len(bucket_scores) == 0:
            bucket_scores = np.sort(scores.to_numpy())
        n = len(bucket_scores)
        for level in levels:
            rank = min(int(np.ceil((n + 1) * level)), n) - 1
            quantiles[(bucket, level)] = float(bucket_scores[max(rank, 0)])
    return quantiles


def add_intervals(
    rows: pd.DataFrame,
    quantiles: dict[tuple[int, float], float],
    config: ForecastConfig,
    allow_negative: bool,
) -> pd.DataFrame:
    """Columns lower_80/upper_80/lower_95/upper_95 around predicted_quantity."""
    result = rows.copy()
    width = spread(result["predicted_quantity"].to_numpy(), config)
    buckets = horizon_bucket(result["horizon_step"], config.horizon_buckets).to_numpy()
    for level, name in ((0.8, "80"), (0.95, "95")):
        q = np.array([quantiles[(int(b), level)] for b in buckets])
        lower = result["predicted_quantity"].to_numpy() - q * width
        result[f"lower_{name}"] = lower if allow_negative else np.maximum(lower, 0.0)
        result[f"upper_{name}"] = result["predicted_quantity"].to_numpy() + q * width
    return result


def model_version(config: ForecastConfig, columns: Sequence[str], train: pd.DataFrame) -> str:
    """Content hash of what makes a model: params, rounds, features, training data."""
    fingerprint = pd.util.hash_pandas_object(train[[*KEY_COLUMNS, TARGET]], index=False).to_numpy()
    digest = hashlib.sha256()
    digest.update(
        json.dumps(
            {**asdict(config), "features": list(columns)}, sort_keys=True, default=str
        ).encode()
    )
    digest.update(fingerprint.tobytes())
    return "xgb-" + digest.hexdigest()[:16]


def _predictions(
    rows: pd.DataFrame, predicted: np.ndarray, version: str, backtest: bool
) -> pd.DataFrame:
    out = rows[KEY_COLUMNS].copy()
    out["model_name"] = "xgboost"
    out["model_version"] = version
    out["is_backtest"] = backtest
    out["predicted_quantity"] = predicted
    out["actual_quantity"] = rows[TARGET].to_numpy()
    return out


def forecast(frame: pd.DataFrame, config: ForecastConfig) -> pd.DataFrame:
    """Backtests and the published forecast from the rows of int_forecast_features.

    For each backtest origin o: train on rows whose target_date <= o, predict the rows
    with cutoff_date = o; intervals for those come from the other origins' residuals, so
    backtest coverage is measured out of sample. Then train on every known row and
    predict the scoring rows, with intervals from all backtest residuals.

    Returns:
        One row per series x cut-off x horizon step forecast, columns OUTPUT_COLUMNS.
    """
    frame = prepare(frame.sort_values(KEY_COLUMNS, kind="stable").reset_index(drop=True))
    if not config.horizon_buckets:
        longest = int(frame["horizon_step"].max())
        buckets = sorted({max(1, longest // 4), max(1, longest // 2), longest})
        config = ForecastConfig(**{**asdict(config), "horizon_buckets": tuple(buckets)})
    frame["cutoff_date"] = pd.to_datetime(frame["cutoff_date"])
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    allow_negative = bool((frame[TARGET].dropna() < 0).any())
    origins = choose_origins(frame, config.backtest_origins)
    if not origins:
        raise ValueError("no cut-off has a fully known horizon: nothing to backtest")

    backtests = []
    for origin in origins:
        train = frame[(frame["target_date"] <= origin) & frame[TARGET].notna()]
        test = frame[(frame["cutoff_date"] == origin) & frame[TARGET].notna()]
        booster = fit(train, config)
        version = model_version(config, feature_columns(frame), train)
        backtests.append(_predictions(test, predict(booster, test), version, True))
    backtest = pd.concat(backtests, ignore_index=True)

    levels = (0.8, 0.95)
    residuals = backtest.rename(
        columns={"predicted_quantity": "predicted", "actual_quantity": "actual"}
    )
    with_intervals = []
    for origin in origins:
        others = residuals[residuals["cutoff_date"] != origin]
        quantiles = conformal_quantiles(others if len(others) else residuals, levels, config)
        with_intervals.append(
            add_intervals(
                backtest[backtest["cutoff_date"] == origin], quantiles, config, allow_negative
            )
        )

    train = frame[frame[TARGET].notna() & ~frame["is_scoring_row"]]
    scoring = frame[frame["is_scoring_row"]]
    booster = fit(train, config)
    version = model_version(config, feature_columns(frame), train)
    published = _predictions(scoring, predict(booster, scoring), version, False)
    published = add_intervals(
        published, conformal_quantiles(residuals, levels, config), config, allow_negative
    )
    result = pd.concat([*with_intervals, published], ignore_index=True)
    for column in ("cutoff_date", "target_date"):
        result[column] = result[column].dt.date  # DATE in the warehouse, like the inputs
    return result[OUTPUT_COLUMNS]
