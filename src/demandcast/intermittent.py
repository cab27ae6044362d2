"""Forecasts for intermittent demand: Croston (with the Syntetos-Boylan correction), TSB
and ADIDA, each a flat level per period for every step of the horizon.

Slow movers sell nothing most periods. Averages of their history smear the zeros and the
sales together; these methods keep them apart:

* **Croston / SBA** (Croston 1972; Syntetos & Boylan 2005): simple exponential smoothing
  (SES) of the demand sizes (the periods with demand) and, separately, of the intervals
  between them; the forecast is size / interval, times ``1 - alpha / 2`` for SBA (Croston's
  own ratio is biased upwards).
* **TSB** (Teunter, Syntetos & Babai 2011): SES of the sizes, and SES of the demand
  *probability* updated every period (so it decays while nothing sells, where Croston's
  forecast stays put until the next sale); the forecast is probability x size.
* **ADIDA** (Nikolopoulos et al. 2011): the history summed into buckets of the average
  demand interval (rounded half up), SES of the bucket sums, the level spread back over
  the bucket's periods.

Every SES starts at its first value (level = x[0]) and weighs later values by ``alpha``:
the conventions of Nixtla's statsforecast, with fixed smoothing constants (0.1 by
default) instead of fitted ones. Input is one series' quantities in period order; unknown
periods (NaN: no data arrived) are left out, zeros are periods without demand, and
negative quantities (returns) count as no demand. A series with no demand forecasts 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

DEFAULT_ALPHA = 0.1


def ses_level(values: ArrayLike, alpha: float = DEFAULT_ALPHA) -> float:
    """The final level of simple exponential smoothing started at the first value:
    level_0 = x_0, level_i = alpha x_i + (1 - alpha) level_(i-1). NaN for no values."""
    x = np.asarray(values, dtype="float64")
    if not 0 < alpha <= 1:
        raise ValueError(f"smoothing constant alpha must be in (0, 1], got {alpha}")
    if x.size == 0:
        return float("nan")
    # The recursion in closed form: x_0 keeps (1 - alpha)^(n-1), x_i (i >= 1) weighs
    # alpha (1 - alpha)^(n-1-i).
    decay = (1.0 - alpha) ** np.arange(x.size - 1, -1, -1, dtype="float64")
    weights = alpha * decay
    weights[0] = decay[0]
    return float(weights @ x)


def _known(quantities: ArrayLike) -> np.ndarray:
    y = np.asarray(quantities, dtype="float64")
    return y[~np.isnan(y)]


def demand_intervals(quantities: ArrayLike) -> np.ndarray:
    """Periods from one demand to the next among the known periods, the first counted from
    the start of the history (a demand in the first period has interval 1)."""
    positions = np.flatnonzero(_known(quantities) > 0) + 1
    return np.diff(positions, prepend=0)


def croston(quantities: ArrayLike, alpha: float = DEFAULT_ALPHA, *, sba: bool = True) -> float:
    """Croston's forecast per period: SES of the demand sizes / SES of the intervals,
    times 1 - alpha / 2 when ``sba`` (the Syntetos-Boylan approximation, the default)."""
    y = _known(quantities)
    sizes = y[y > 0]
    if sizes.size == 0:
        return 0.0
    level = ses_level(sizes, alpha) / ses_level(demand_intervals(y), alpha)
    return level * (1.0 - alpha / 2.0) if sba else level


def tsb(
    quantities: ArrayLike,
    alpha_demand: float = DEFAULT_ALPHA,
    alpha_probability: float = DEFAULT_ALPHA,
) -> float:
    """TSB's forecast per period: SES of the demand probability (1 in a period with demand,
    0 without; updated every known period) x SES of the demand sizes."""
    y = _known(quantities)
    sizes = y[y > 0]
    if sizes.size == 0:
        return 0.0
    probability = ses_level((y > 0).astype("float64"), alpha_probability)
    return probability * ses_level(sizes, alpha_demand)


def adida(quantities: ArrayLike, alpha: float = DEFAULT_ALPHA) -> float:
    """ADIDA's forecast per period: the known periods summed in buckets of k periods (k =
    the mean demand interval rounded half up, at least 1), aligned on the latest period so
    it is in a full bucket (an incomplete oldest bucket is left out), SES of the bucket
    sums, divided by k."""
    y = _known(quantities)
    intervals = demand_intervals(y)
    if intervals.size == 0:
        return 0.0
    # k <= the known periods: the intervals sum to the last demand's position.
    k = max(1, int(np.floor(intervals.mean() + 0.5)))
    buckets = y.size // k
    recent = np.clip(y[y.size - buckets * k :], 0, None)
    return ses_level(recent.reshape(buckets, k).sum(axis=1), alpha) / k


METHODS = {
    "croston_sba": croston,
    "tsb": tsb,
    "adida": adida,
}
