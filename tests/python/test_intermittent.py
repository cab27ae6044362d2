"""Croston (SBA), TSB and ADIDA against values worked out by hand (demandcast.intermittent).

The series [0, 3, 0, 0, 6, 0] with alpha 0.1 throughout: demands of 3 (period 2) and 6
(period 5), intervals 2 and 3.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from demandcast.intermittent import (
    METHOD_NAMES,
    adida,
    croston,
    demand_intervals,
    forecasts_by_store,
    panel_forecasts,
    panel_levels,
    ses_level,
    store_chunks,
    tsb,
)

SERIES = [0, 3, 0, 0, 6, 0]


def test_ses_starts_at_the_first_value_and_weighs_later_ones_by_alpha():
    # 3, then 3 + 0.5 (7 - 3) = 5, then 5 + 0.5 (1 - 5) = 3
    assert ses_level([3, 7, 1], 0.5) == pytest.approx(3.0)
    assert ses_level([4], 0.1) == 4.0
    assert math.isnan(ses_level([], 0.1))
    with pytest.raises(ValueError, match="alpha"):
        ses_level([1, 2], 0.0)


def test_demand_intervals_count_from_the_start_and_skip_unknown_periods():
    assert demand_intervals(SERIES).tolist() == [2, 3]
    assert demand_intervals([5, np.nan, 0, 5]).tolist() == [1, 2]
    assert demand_intervals([0, 0]).tolist() == []


def test_croston_sba_by_hand():
    # sizes 3 -> 3 + 0.1 (6 - 3) = 3.3; intervals 2 -> 2 + 0.1 (3 - 2) = 2.1
    assert croston(SERIES, 0.1, sba=False) == pytest.approx(3.3 / 2.1)
    assert croston(SERIES, 0.1) == pytest.approx(0.95 * 3.3 / 2.1)


def test_tsb_by_hand():
    # probability: 0 (period 1), then 0.1, 0.09, 0.081, 0.1729, 0.15561; sizes 3.3
    assert tsb(SERIES, 0.1, 0.1) == pytest.approx(0.15561 * 3.3)
    # The probability decays while nothing sells; Croston's forecast does not move.
    assert tsb([*SERIES, 0, 0]) < tsb(SERIES)
    assert croston([*SERIES, 0, 0]) == croston(SERIES)


def test_adida_by_hand():
    # mean interval 2.5 -> buckets of 3: [0, 3, 0] = 3 and [0, 6, 0] = 6; SES 3.3; / 3
    assert adida(SERIES, 0.1) == pytest.approx(1.1)
    # Aligned on the latest period, the oldest incomplete bucket left out: [9, 0, 3, 0, 0,
    # 6, 0] has intervals 1, 2, 3 -> k = 2; periods 2-7 make [0, 3], [0, 0], [6, 0] = 3, 0,
    # 6 (the 9 of period 1 is dropped); SES 3, 2.7, 3.03; / 2
    assert adida([9, 0, 3, 0, 0, 6, 0], 0.1) == pytest.approx(3.03 / 2)


@pytest.mark.parametrize("method", [croston, tsb, adida])
def test_no_demand_forecasts_zero_and_unknown_periods_are_left_out(method):
    assert method([0, 0, 0]) == 0.0
    assert method([np.nan, np.nan]) == 0.0
    # Unknown periods are not periods without demand: leaving them out changes nothing.
    assert method([0, 3, np.nan, 0, 0, np.nan, 6, 0]) == pytest.approx(method(SERIES))
    # Returns (negative quantities) are no demand.
    assert method([0, 3, 0, -2, 6, 0]) == pytest.approx(method(SERIES))


# --- The vectorised panel against the one-series functions (the oracle) --------------------


def _reference(series: np.ndarray, alpha: float, probability_alpha: float) -> dict[str, float]:
    return {
        "croston_sba": croston(series, alpha),
        "tsb": tsb(series, alpha, probability_alpha),
        "adida": adida(series, alpha),
    }


def _random_panel(rng: np.random.Generator, n_periods: int, n_series: int) -> np.ndarray:
    """Series of every kind: intermittent integer demand, smooth real-valued demand,
    all-zero, all-unknown, late launches (unknown before), unknown gaps and returns."""
    occurs = rng.random((n_periods, n_series)) < rng.uniform(0.05, 1.0, n_series)
    sizes = np.where(
        rng.random(n_series) < 0.5,
        rng.poisson(3, (n_periods, n_series)) + 1.0,
        rng.gamma(2.0, 5.0, (n_periods, n_series)),
    )
    panel = np.where(occurs, sizes, 0.0)
    panel[rng.random((n_periods, n_series)) < 0.1] = np.nan  # no data arrived
    panel[rng.random((n_periods, n_series)) < 0.02] *= -1  # returns
    panel[:, 0] = 0.0  # all zero
    panel[:, 1] = np.nan  # nothing known
    panel[: n_periods // 2, 2] = np.nan  # launched half-way
    panel[:, 3] = 0.0
    panel[n_periods - 1, 3] = 7.0  # one demand, in the last period
    return panel


@pytest.mark.parametrize(("alpha", "probability_alpha"), [(0.1, 0.1), (0.3, 0.05), (1.0, 0.5)])
def test_panel_equals_the_one_series_functions_at_every_cutoff(alpha, probability_alpha):
    rng = np.random.default_rng(19)
    panel = _random_panel(rng, n_periods=120, n_series=60)
    cutoffs = [-1, 0, 5, 37, 90, 119, 37]
    levels = panel_levels(panel, cutoffs, alpha, probability_alpha)
    assert set(levels) == set(METHOD_NAMES)
    for j, cutoff in enumerate(cutoffs):
        for s in range(panel.shape[1]):
            expected = _reference(panel[: cutoff + 1, s], alpha, probability_alpha)
            for name in METHOD_NAMES:
                close = pytest.approx(expected[name], rel=1e-9, abs=1e-12)
                assert levels[name][j, s] == close, (name, cutoff, s)


def test_a_cutoff_reads_no_period_after_it():
    rng = np.random.default_rng(7)
    panel = _random_panel(rng, n_periods=80, n_series=40)
    cutoffs = [20, 50]
    before = panel_levels(panel, cutoffs)
    # Absurd values, new demands and unknown periods after the latest cut-off, and
    # after the first cut-off for its own series: nothing changes at the cut-offs.
    changed = panel.copy()
    changed[51:] = rng.choice([0.0, 1e9, np.nan, -5.0], size=changed[51:].shape)
    after = panel_levels(changed, cutoffs)
    for name in METHOD_NAMES:
        np.testing.assert_array_equal(after[name], before[name])
    changed[21:] = 1e9
    early = panel_levels(changed, [20])
    for name in METHOD_NAMES:
        np.testing.assert_array_equal(early[name][0], before[name][0])
        # The planted values do reach a cut-off after them (the test can fail).
        assert not np.array_equal(panel_levels(changed, [50])[name][0], before[name][1])


def test_panel_rejects_bad_input():
    with pytest.raises(ValueError, match="periods x series"):
        panel_levels(np.zeros(5), [1])
    with pytest.raises(ValueError, match="cut-off positions"):
        panel_levels(np.zeros((5, 2)), [5])
    with pytest.raises(ValueError, match="alpha"):
        panel_levels(np.zeros((5, 2)), [1], alpha=0)


@pytest.mark.parametrize("keys_as_category", [False, True])
def test_panel_forecasts_from_rows_in_any_order(keys_as_category: bool):
    """Long rows (store, item, period, quantity) in a shuffled order give each series'
    reference forecast at each cut-off, with rows only for series launched by then; the
    same when the keys are categoricals whose categories are not in sorted order (as
    forecast_intermittent reads them, from Arrow's dictionaries), with unused ones."""
    rng = np.random.default_rng(3)
    dates = pd.date_range("2024-01-01", periods=30, freq="D")
    series = {
        ("S1", "A"): _random_panel(rng, 30, 5)[:, 4],
        ("S1", "B"): np.array([0.0] * 10 + [2.0, 0.0, np.nan] * 6 + [1.0, 0.0]),
        ("S2", "A"): np.array([np.nan] * 30),
    }
    rows = []
    for (store, item), values in series.items():
        start = 0 if item == "A" else 4  # S1/B launches on the fifth day
        for position in range(start, len(dates)):
            rows.append((store, item, dates[position], values[position]))
    rows.append(("S3", "Z", dates[25], 4.0))  # launched after the first cut-off
    history = pd.DataFrame(rows, columns=["store_id", "item_id", "period_end_date", "quantity"])
    history = history.sample(frac=1.0, random_state=1).reset_index(drop=True)
    if keys_as_category:
        history["store_id"] = pd.Categorical(history["store_id"], ["S3", "S9", "S1", "S2"])
        history["item_id"] = pd.Categorical(history["item_id"], ["Z", "B", "Y", "A"])
    cutoffs = [dates[19].date(), dates[29].date()]
    out = panel_forecasts(history, cutoffs, alpha=0.2, probability_alpha=0.15)
    assert out.groupby(["cutoff_date"]).size().to_dict() == {cutoffs[0]: 9, cutoffs[1]: 12}
    for row in out.itertuples():
        position = dates.get_loc(pd.Timestamp(row.cutoff_date))
        if (row.store_id, row.item_id) == ("S3", "Z"):
            values = np.array([4.0]) if position >= 25 else np.array([])
        else:
            values = series[(row.store_id, row.item_id)].copy()
            if row.item_id == "B":
                values[:4] = np.nan  # before the launch: no rows
            values = values[: position + 1]
        expected = _reference(values, 0.2, 0.15)[row.model_name]
        assert row.predicted_quantity == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert set(out["model_version"]) == {
        "croston_sba-alpha0.2",
        "tsb-alpha0.2-probability0.15",
        "adida-alpha0.2",
    }


def test_stores_are_read_in_groups_that_cover_each_store_once():
    stores = ["S3", "S1", "S10", "S2", "S5"]
    # 50 rows over 5 stores, 20 rows a read: 3 groups of consecutive sorted stores.
    chunks = store_chunks(stores, total_rows=50, rows_per_read=20)
    assert chunks == [["S1", "S10"], ["S2", "S3"], ["S5"]]
    assert store_chunks(stores, total_rows=10, rows_per_read=20) == [sorted(stores)]
    # Never more groups than stores, and none when there is no store.
    assert len(store_chunks(stores, total_rows=10**9, rows_per_read=1)) == len(stores)
    assert store_chunks([], total_rows=0) == []
    with pytest.raises(ValueError, match="rows_per_read"):
        store_chunks(stores, total_rows=50, rows_per_read=0)


def test_forecasts_read_by_store_groups_equal_the_whole_history_at_once():
    """The history read a group of stores at a time (as forecast_intermittent reads it)
    gives the same rows as reading it whole; each read sees only its stores."""
    rng = np.random.default_rng(7)
    dates = pd.date_range("2024-01-01", periods=40, freq="D")
    panel = _random_panel(rng, len(dates), 6)
    rows = []
    for number, (store, item) in enumerate(
        (store, item) for store in ("S1", "S2", "S3") for item in ("A", "B")
    ):
        start = 0 if store != "S3" else 12  # S3's series launch later
        rows += [(store, item, dates[p], panel[p, number]) for p in range(start, len(dates))]
    history = pd.DataFrame(rows, columns=["store_id", "item_id", "period_end_date", "quantity"])
    cutoffs = [dates[9].date(), dates[25].date(), dates[39].date()]
    seen: list[list[str]] = []

    def read_stores(stores: list[str]) -> pd.DataFrame:
        seen.append(stores)
        return history[history["store_id"].isin(stores)]

    chunks = store_chunks(history["store_id"].unique(), len(history), rows_per_read=90)
    assert len(chunks) == 3
    chunked = forecasts_by_store(read_stores, chunks, cutoffs, 0.2, 0.15)
    whole = panel_forecasts(history, cutoffs, 0.2, 0.15)
    assert seen == chunks
    order = ["store_id", "item_id", "cutoff_date", "model_name"]
    pd.testing.assert_frame_equal(
        chunked.sort_values(order).reset_index(drop=True),
        whole.sort_values(order).reset_index(drop=True),
    )
    empty = forecasts_by_store(read_stores, [], cutoffs)
    assert empty.empty and list(empty.columns) == list(whole.columns)
