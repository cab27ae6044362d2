"""PSI and KS on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from demandcast.drift import PSI_FLOOR, drift_rows, ks_statistic, monitored_features, psi


def test_psi_is_zero_for_the_same_distribution_and_hand_computed_for_a_shift():
    reference = np.arange(100, dtype="float64")  # deciles: 10 values per bin
    assert psi(reference, reference.copy()) == pytest.approx(0.0)
    # Every current value in the top decile: shares 0 (floored) in 9 bins, 1 in the last.
    current = np.full(50, 95.0)
    expected = 9 * (PSI_FLOOR - 0.1) * math.log(PSI_FLOOR / 0.1) + (1 - 0.1) * math.log(1 / 0.1)
    assert psi(reference, current) == pytest.approx(expected)


def test_psi_ignores_missing_values_and_is_nan_without_data():
    reference = np.array([1.0, 2.0, np.nan, 3.0])
    assert psi(reference, np.array([1.0, 2.0, 3.0])) == pytest.approx(0.0)
    assert math.isnan(psi(np.array([np.nan]), np.array([1.0])))


def test_ks_is_the_largest_gap_between_the_distribution_functions():
    assert ks_statistic(np.array([1.0, 2, 3, 4]), np.array([3.0, 4, 5, 6])) == pytest.approx(0.5)
    assert ks_statistic(np.array([1.0, 2]), np.array([1.0, 2])) == 0.0
    assert ks_statistic(np.array([1.0, 2]), np.array([5.0, 6])) == 1.0


def test_drift_rows_per_shared_column_and_monitored_features():
    reference = pd.DataFrame({"a": np.arange(100.0), "b": np.ones(100)})
    current = pd.DataFrame({"a": np.arange(100.0) + 1000})
    rows = drift_rows(reference, current, ["a", "b"], "feature")
    assert rows["name"].tolist() == ["a"]
    assert rows.loc[0, "ks_statistic"] == 1.0 and rows.loc[0, "psi"] > 0.2
    assert rows.loc[0, "current_mean"] == pytest.approx(1049.5)
    assert monitored_features(
        [
            "quantity_lag_1d",
            "target_month_of_year",
            "store_quantity_lag_1d",
            "horizon_step",
            "price",
        ]
    ) == ["quantity_lag_1d", "price"]


def test_the_means_do_not_depend_on_the_order_of_the_rows():
    # A plain float sum loses the 1s next to 1e16, differently in each order.
    values = pd.DataFrame({"x": [1e16, 1.0, -1e16, 1.0, np.nan]})
    forward = drift_rows(values, values, ["x"], "feature")
    backward = drift_rows(values, values.iloc[::-1], ["x"], "feature")
    assert forward["current_mean"].iloc[0] == 0.5
    assert backward["current_mean"].iloc[0] == 0.5
    assert np.isnan(drift_rows(values, values.iloc[[4]], ["x"], "feature")["current_mean"].iloc[0])
