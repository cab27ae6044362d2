"""Croston (SBA), TSB and ADIDA against values worked out by hand (demandcast.intermittent).

The series [0, 3, 0, 0, 6, 0] with alpha 0.1 throughout: demands of 3 (period 2) and 6
(period 5), intervals 2 and 3.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from demandcast.intermittent import adida, croston, demand_intervals, ses_level, tsb

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
