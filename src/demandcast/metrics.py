"""Point-forecast accuracy metrics for the benchmarks: plain numpy, no model library.

Every function takes aligned arrays (one element per evaluated row: a series x period) and
returns one number. Rows are never dropped silently: a metric that needs a per-series scale
says which rows it leaves out and why.

- ``mae``: mean absolute error.
- ``wmae``: mean absolute error with holiday periods weighted (x5 by default, the Walmart
  competition's metric).
- ``wape``: sum of absolute errors over the sum of absolute actuals.
- ``mase``: per-series mean absolute error over that series' in-sample mean absolute
  seasonal difference (``seasonal_scale``), averaged over series (each series counts once,
  as in the M4 competition).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike = Sequence[float] | npt.NDArray[np.floating] | pd.Series

DEFAULT_HOLIDAY_WEIGHT = 5.0


def _errors(actual: ArrayLike, predicted: ArrayLike) -> npt.NDArray[np.float64]:
    actual_values = np.asarray(actual, dtype=np.float64)
    predicted_values = np.asarray(predicted, dtype=np.float64)
    if actual_values.shape != predicted_values.shape:
        raise ValueError(
            f"actual has {actual_values.shape} values, predicted {predicted_values.shape}"
        )
    if actual_values.size == 0:
        raise ValueError("no rows to evaluate")
    if not (np.isfinite(actual_values).all() and np.isfinite(predicted_values).all()):
        raise ValueError("actual and predicted must be finite (fill missing forecasts first)")
    return np.abs(actual_values - predicted_values)


def mae(actual: ArrayLike, predicted: ArrayLike) -> float:
    """Mean absolute error."""
    return float(_errors(actual, predicted).mean())


def wmae(
    actual: ArrayLike,
    predicted: ArrayLike,
    is_holiday: ArrayLike | Sequence[bool],
    holiday_weight: float = DEFAULT_HOLIDAY_WEIGHT,
) -> float:
    """Weighted mean absolute error: sum(w |y - f|) / sum(w), w = holiday_weight on holidays.

    Args:
        actual: Actual quantities.
        predicted: Forecasts, same length.
        is_holiday: Whether each row's period is a holiday period.
        holiday_weight: Weight of a holiday row; other rows weigh 1.

    Returns:
        The weighted mean absolute error.
    """
    errors = _errors(actual, predicted)
    holiday = np.asarray(is_holiday, dtype=bool)
    if holiday.shape != errors.shape:
        raise ValueError(f"is_holiday has {holiday.shape} values, actual {errors.shape}")
    if holiday_weight <= 0:
        raise ValueError(f"holiday_weight must be positive, got {holiday_weight}")
    weights = np.where(holiday, holiday_weight, 1.0)
    return float((weights * errors).sum() / weights.sum())


def wape(actual: ArrayLike, predicted: ArrayLike) -> float:
    """Weighted absolute percentage error: sum |y - f| / sum |y| (nan when every y is 0)."""
    errors = _errors(actual, predicted)
    total = float(np.abs(np.asarray(actual, dtype=np.float64)).sum())
    return float(errors.sum() / total) if total > 0 else float("nan")


def seasonal_scale(history: pd.DataFrame, series_columns: list[str], season: int) -> pd.Series:
    """Each series' in-sample mean absolute seasonal difference, the MASE denominator.

    Args:
        history: One row per series x period up to the forecast origin, sorted by period
            within each series and without gaps (periods filled, e.g. with 0, beforehand),
            with the quantity in ``quantity``.
        series_columns: Columns identifying a series.
        season: Season length in periods (52 weekly, 7 daily); 1 gives the naive scale.

    Returns:
        mean |y_t - y_(t-season)| per series, indexed by the series columns; nan for a series
        with no more than ``season`` periods.
    """
    if season < 1:
        raise ValueError(f"season must be >= 1, got {season}")
    grouped = history.groupby(series_columns, sort=True, observed=True)["quantity"]
    differences = (history["quantity"] - grouped.shift(season)).abs()
    return differences.groupby([history[column] for column in series_columns]).mean()


def mase(
    actual: ArrayLike,
    predicted: ArrayLike,
    series: Sequence[Hashable] | pd.Series,
    scale: ArrayLike,
) -> tuple[float, int]:
    """Mean absolute scaled error, averaged over series.

    Each series' MASE is its mean absolute error over its scale; the result is the mean over
    series. Rows whose scale is zero (a series that never changes season to season) or
    missing (too short a history, or a series first seen after the origin) cannot be scaled
    and are left out; their count is returned beside the value.

    Args:
        actual: Actual quantities.
        predicted: Forecasts, same length.
        series: The series each row belongs to (any hashable label).
        scale: Each row's series scale (``seasonal_scale``), repeated on its rows.

    Returns:
        (MASE, number of rows left out); MASE is nan when no row can be scaled.
    """
    errors = _errors(actual, predicted)
    scale_values = np.asarray(scale, dtype=np.float64)
    labels = pd.Series(list(series) if not isinstance(series, pd.Series) else series.to_numpy())
    if scale_values.shape != errors.shape or len(labels) != errors.size:
        raise ValueError("series and scale must have one value per row")
    usable = np.isfinite(scale_values) & (scale_values > 0)
    left_out = int((~usable).sum())
    if not usable.any():
        return float("nan"), left_out
    scaled = pd.Series(errors[usable] / scale_values[usable])
    per_series = scaled.groupby(labels[usable].to_numpy(), sort=False).mean()
    return float(per_series.mean()), left_out
