"""Accuracy metrics against values computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from demandcast import metrics

ACTUAL = [10.0, 20.0, 30.0, 40.0]
PREDICTED = [12.0, 15.0, 30.0, 50.0]
# Absolute errors: 2, 5, 0, 10.


def test_mae():
    assert metrics.mae(ACTUAL, PREDICTED) == pytest.approx(17 / 4)


def test_wape():
    assert metrics.wape(ACTUAL, PREDICTED) == pytest.approx(17 / 100)


def test_wape_counts_negative_actuals_by_their_size():
    # Returns (negative sales): |(-10) - 0| + |30 - 20| = 20 over |-10| + |30| = 40.
    assert metrics.wape([-10.0, 30.0], [0.0, 20.0]) == pytest.approx(0.5)


def test_wape_of_all_zero_actuals_is_nan():
    assert math.isnan(metrics.wape([0.0, 0.0], [1.0, 0.0]))


def test_wmae_weights_holidays_five_times_by_default():
    holiday = [False, True, False, False]
    # (2 + 5 * 5 + 0 + 10) / (1 + 5 + 1 + 1) = 37 / 8
    assert metrics.wmae(ACTUAL, PREDICTED, holiday) == pytest.approx(37 / 8)


def test_wmae_weight_is_configurable_and_one_is_mae():
    holiday = [True, False, False, True]
    # (3 * 2 + 5 + 0 + 3 * 10) / (3 + 1 + 1 + 3) = 41 / 8
    assert metrics.wmae(ACTUAL, PREDICTED, holiday, holiday_weight=3) == pytest.approx(41 / 8)
    assert metrics.wmae(ACTUAL, PREDICTED, holiday, holiday_weight=1) == pytest.approx(17 / 4)


def test_metrics_refuse_missing_forecasts_and_mismatched_lengths():
    with pytest.raises(ValueError, match="finite"):
        metrics.mae([1.0, 2.0], [1.0, float("nan")])
    with pytest.raises(ValueError, match="values"):
        metrics.wape([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="is_holiday"):
        metrics.wmae([1.0, 2.0], [1.0, 2.0], [True])


def test_seasonal_scale_per_series():
    history = pd.DataFrame(
        {
            "store_id": ["A"] * 5 + ["B"] * 3,
            "period_date": list(pd.date_range("2024-01-01", periods=5))
            + list(pd.date_range("2024-01-01", periods=3)),
            "quantity": [1.0, 3.0, 2.0, 6.0, 2.0, 4.0, 4.0, 9.0],
        }
    )
    scale = metrics.seasonal_scale(history, ["store_id"], season=2)
    # A: |2 - 1|, |6 - 3|, |2 - 2| -> 4 / 3; B: |9 - 4| -> 5.
    assert scale["A"] == pytest.approx(4 / 3)
    assert scale["B"] == pytest.approx(5.0)
    naive = metrics.seasonal_scale(history, ["store_id"], season=1)
    # A: 2, 1, 4, 4 -> 11 / 4; B: 0, 5 -> 2.5.
    assert naive["A"] == pytest.approx(11 / 4)
    assert naive["B"] == pytest.approx(2.5)
    too_short = metrics.seasonal_scale(history, ["store_id"], season=3)
    assert too_short["A"] == pytest.approx((5 + 1) / 2)
    assert math.isnan(too_short["B"])


def test_mase_averages_series_and_leaves_out_unscalable_rows():
    actual = [10.0, 20.0, 5.0, 5.0, 7.0]
    predicted = [12.0, 16.0, 5.0, 8.0, 0.0]
    series = ["A", "A", "B", "B", "C"]
    scale = [2.0, 2.0, 3.0, 3.0, 0.0]
    value, left_out = metrics.mase(actual, predicted, series, scale)
    # A: mean(2, 4) / 2 = 1.5; B: mean(0, 3) / 3 = 0.5; C has scale 0: left out.
    assert value == pytest.approx((1.5 + 0.5) / 2)
    assert left_out == 1


def test_mase_without_any_scale_is_nan():
    value, left_out = metrics.mase([1.0], [2.0], ["A"], [float("nan")])
    assert math.isnan(value)
    assert left_out == 1
