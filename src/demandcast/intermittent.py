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

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
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


# --- Every series at once ------------------------------------------------------------------
# The functions above forecast one series and stay the reference (the tests compare with
# them). A panel of tens of thousands of series at several cut-offs cannot loop over series
# x cut-offs in Python: panel_levels walks the periods once with arrays of every series
# (the SES recursions of Croston and TSB), recording the state at each cut-off, then once
# more for ADIDA, whose buckets depend on each cut-off's mean demand interval.

METHOD_NAMES = tuple(METHODS)


def _check_alpha(name: str, alpha: float) -> float:
    if not 0 < alpha <= 1:
        raise ValueError(f"smoothing constant {name} must be in (0, 1], got {alpha}")
    return float(alpha)


def panel_levels(
    quantities: ArrayLike,
    cutoff_positions: ArrayLike,
    alpha: float = DEFAULT_ALPHA,
    probability_alpha: float = DEFAULT_ALPHA,
) -> dict[str, np.ndarray]:
    """Croston (SBA), TSB and ADIDA forecasts of every series at every cut-off.

    Args:
        quantities: periods x series, in period order; NaN where the quantity is unknown
            (no data arrived, or outside the series' active range): left out, as the
            one-series functions leave them out.
        cutoff_positions: for each cut-off, the index of the last period it knows (-1:
            none). The forecast at a cut-off reads the periods up to it only.
        alpha: smoothing constant of the demand sizes and intervals (Croston), of the
            sizes (TSB) and of the bucket sums (ADIDA).
        probability_alpha: smoothing constant of TSB's demand probability.

    Returns:
        ``{method: array cut-offs x series}`` for croston_sba, tsb and adida, equal to
        :func:`croston`, :func:`tsb` and :func:`adida` of each series' periods up to each
        cut-off (to rounding).
    """
    q = np.asarray(quantities, dtype="float64")
    if q.ndim != 2:
        raise ValueError(f"quantities must be periods x series, got shape {q.shape}")
    alpha = _check_alpha("alpha", alpha)
    probability_alpha = _check_alpha("probability_alpha", probability_alpha)
    cuts = np.asarray(cutoff_positions, dtype="int64").reshape(-1)
    if cuts.size and (cuts.min() < -1 or cuts.max() >= q.shape[0]):
        raise ValueError(f"cut-off positions must be in [-1, {q.shape[0] - 1}]")
    state = _smoothing_pass(q, cuts, alpha, probability_alpha)
    has_demand = state["demand_count"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        croston_level = state["size"] / state["interval"] * (1.0 - alpha / 2.0)
        tsb_level = state["probability"] * state["size"]
    return {
        "croston_sba": np.where(has_demand, croston_level, 0.0),
        "tsb": np.where(has_demand, tsb_level, 0.0),
        "adida": _adida_pass(q, cuts, state, alpha),
    }


def _smoothing_pass(
    q: np.ndarray, cuts: np.ndarray, alpha: float, probability_alpha: float
) -> dict[str, np.ndarray]:
    """One pass over the periods: every series' SES of sizes, intervals and demand
    probability, the known and demand counts and the last demand's position (among the
    known periods), as they stand at each cut-off (cut-offs x series each)."""
    n_series = q.shape[1]
    names = ("size", "interval", "probability", "known_count", "demand_count", "last_demand")
    recorded = {name: np.zeros((cuts.size, n_series)) for name in names}
    size = np.zeros(n_series)
    interval = np.zeros(n_series)
    probability = np.zeros(n_series)
    known_count = np.zeros(n_series, dtype="int64")
    demand_count = np.zeros(n_series, dtype="int64")
    last_demand = np.zeros(n_series, dtype="int64")
    for t in range(int(cuts.max(initial=-1)) + 1):
        x = q[t]
        known = ~np.isnan(x)
        known_count += known
        demand = known & (x > 0)
        first = demand & (demand_count == 0)
        # NaN arithmetic in the branches not taken is harmless: np.where drops it.
        size = np.where(first, x, np.where(demand, size + alpha * (x - size), size))
        gap = (known_count - last_demand).astype("float64")
        interval = np.where(
            first, gap, np.where(demand, interval + alpha * (gap - interval), interval)
        )
        sold = demand.astype("float64")
        probability = np.where(
            known & (known_count == 1),
            sold,
            np.where(known, probability + probability_alpha * (sold - probability), probability),
        )
        last_demand = np.where(demand, known_count, last_demand)
        demand_count += demand
        for j in np.flatnonzero(cuts == t):
            for name, values in zip(
                names,
                (size, interval, probability, known_count, demand_count, last_demand),
                strict=True,
            ):
                recorded[name][j] = values
    return recorded


def _adida_pass(
    q: np.ndarray, cuts: np.ndarray, state: dict[str, np.ndarray], alpha: float
) -> np.ndarray:
    """ADIDA at every cut-off (cut-offs x series), in one more pass over the periods.

    At a cut-off with N known periods and bucket size k (the mean demand interval then,
    rounded half up), :func:`adida` drops the oldest N mod k = r known periods and sums
    the rest in buckets of k: the buckets end at the known positions r + k, r + 2k, ...,
    N. So each (cut-off, series) pair smooths the bucket sums as the pass reaches those
    positions: a bucket's sum is the running sum now minus the running sum at the
    previous bucket's end (at position r for the first one)."""
    demand_count = state["demand_count"]
    has_demand = demand_count > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_interval = np.where(has_demand, state["last_demand"] / demand_count, 1.0)
    bucket = np.maximum(1, np.floor(mean_interval + 0.5)).astype("int64")
    dropped = state["known_count"].astype("int64") % bucket
    n_series = q.shape[1]
    level = np.zeros((cuts.size, n_series))
    started = np.zeros((cuts.size, n_series), dtype=bool)
    sum_at_bucket_start = np.zeros((cuts.size, n_series))
    running_sum = np.zeros(n_series)
    known_count = np.zeros(n_series, dtype="int64")
    for t in range(int(cuts.max(initial=-1)) + 1):
        x = q[t]
        known = ~np.isnan(x)
        known_count += known
        running_sum += np.fmax(x, 0.0)  # fmax: NaN (unknown) adds 0, returns count 0
        seen = (cuts >= t)[:, None] & known
        offset = known_count - dropped
        bucket_end = seen & (offset >= bucket) & (offset % bucket == 0)
        bucket_sum = running_sum - sum_at_bucket_start
        level = np.where(
            bucket_end & ~started,
            bucket_sum,
            np.where(bucket_end, level + alpha * (bucket_sum - level), level),
        )
        started |= bucket_end
        sum_at_bucket_start = np.where(
            bucket_end | (seen & (offset == 0)), running_sum, sum_at_bucket_start
        )
    return np.where(has_demand, level / bucket, 0.0)


# What forecast_intermittent reads of int_sales_gap_filled.
HISTORY_COLUMNS = ["store_id", "item_id", "period_end_date", "quantity"]


def history_condition(cutoff_dates: Sequence[Any] | pd.Series) -> str:
    """The SQL condition of the periods any of the cut-offs may read: up to the latest."""
    if not len(cutoff_dates):
        return "false"
    latest = max(pd.to_datetime(pd.Series(list(cutoff_dates), dtype="object")))
    return f"period_end_date <= cast('{latest.date().isoformat()}' as date)"


# About how many history rows forecast_intermittent reads at a time: the stores are read in
# groups (store_chunks), so its memory stays bounded whatever the panel's size. At M5
# scale (59 M rows) the whole history at once peaked at 7.2 GB.
ROWS_PER_READ = 10_000_000


def store_chunks(
    stores: Sequence[str], total_rows: int, rows_per_read: int = ROWS_PER_READ
) -> list[list[str]]:
    """The stores, sorted, in consecutive groups of about ``rows_per_read`` history rows
    each (as many groups as total_rows / rows_per_read, rounded up, at most one per
    store; groups by count of stores, so a group's rows vary with its stores' sizes)."""
    if rows_per_read <= 0:
        raise ValueError(f"rows_per_read must be positive, got {rows_per_read}")
    ordered = sorted(str(store) for store in stores)
    if not ordered:
        return []
    parts = max(1, min(len(ordered), math.ceil(total_rows / rows_per_read)))
    size = math.ceil(len(ordered) / parts)
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def forecasts_by_store(
    read_stores: Callable[[list[str]], pd.DataFrame],
    chunks: Sequence[list[str]],
    cutoff_dates: Sequence[Any] | pd.Series,
    alpha: float = DEFAULT_ALPHA,
    probability_alpha: float = DEFAULT_ALPHA,
) -> pd.DataFrame:
    """:func:`panel_forecasts` of the history, read one group of stores at a time:
    ``read_stores(stores)`` returns those stores' history rows. A series belongs to one
    store, so the groups' forecasts are those of the whole history at once."""
    parts = [
        panel_forecasts(read_stores(list(chunk)), cutoff_dates, alpha, probability_alpha)
        for chunk in chunks
    ]
    if not parts:
        empty = pd.DataFrame({column: [] for column in HISTORY_COLUMNS})
        return panel_forecasts(empty, cutoff_dates, alpha, probability_alpha)
    return pd.concat(parts, ignore_index=True)


# The columns of forecast_intermittent: one row per series, cut-off and method.
FORECAST_COLUMNS = [
    "store_id",
    "item_id",
    "cutoff_date",
    "model_name",
    "model_version",
    "predicted_quantity",
]


def model_versions(alpha: float, probability_alpha: float) -> dict[str, str]:
    """Each method's version: its name and smoothing constants (nothing is fitted, so the
    constants are the whole model)."""
    return {
        "croston_sba": f"croston_sba-alpha{alpha:g}",
        "tsb": f"tsb-alpha{alpha:g}-probability{probability_alpha:g}",
        "adida": f"adida-alpha{alpha:g}",
    }


def panel_forecasts(
    history: pd.DataFrame,
    cutoff_dates: Sequence[Any] | pd.Series,
    alpha: float = DEFAULT_ALPHA,
    probability_alpha: float = DEFAULT_ALPHA,
) -> pd.DataFrame:
    """The three methods' forecasts per period of every series launched by each cut-off.

    Args:
        history: the gap-filled periods (store_id, item_id, period_end_date, quantity;
            quantity null where no data arrived), any order. Periods after a cut-off are
            not read for it.
        cutoff_dates: the cut-offs to forecast at.
        alpha, probability_alpha: see :func:`panel_levels`.

    Returns:
        FORECAST_COLUMNS, one row per store_id, item_id, cutoff_date and model_name for
        every series with a period on or before the cut-off; the forecast is the same
        for every step of the horizon.
    """
    cutoffs = (
        pd.to_datetime(pd.Series(list(cutoff_dates), dtype="object"))
        .to_numpy()
        .astype("datetime64[ns]")
    )
    if history.empty or not len(cutoffs):
        return _typed(pd.DataFrame({column: [] for column in FORECAST_COLUMNS}))
    grouped = history.groupby(["store_id", "item_id"], sort=True, observed=True)
    series_code = grouped.ngroup().to_numpy()
    keys = grouped.size().index.to_frame(index=False)
    period_code, periods = pd.factorize(
        pd.to_datetime(history["period_end_date"]).to_numpy().astype("datetime64[ns]"),
        sort=True,
    )
    quantities = np.full((len(periods), len(keys)), np.nan)
    quantities[period_code, series_code] = pd.to_numeric(
        history["quantity"], errors="coerce"
    ).to_numpy(dtype="float64", na_value=np.nan)
    # The last period each cut-off knows: the latest on or before it.
    positions = np.searchsorted(np.asarray(periods), cutoffs, side="right") - 1
    levels = panel_levels(quantities, positions, alpha, probability_alpha)
    del quantities
    first_period = pd.Series(period_code).groupby(series_code).min().to_numpy()
    versions = model_versions(alpha, probability_alpha)
    parts = []
    for j, cutoff in enumerate(cutoffs):
        launched = first_period <= positions[j]
        for name in METHOD_NAMES:
            part = keys.loc[launched, ["store_id", "item_id"]].copy()
            part["cutoff_date"] = cutoff
            part["model_name"] = name
            part["model_version"] = versions[name]
            part["predicted_quantity"] = levels[name][j][launched]
            parts.append(part)
    return _typed(pd.concat(parts, ignore_index=True))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[FORECAST_COLUMNS].astype(
        {
            "store_id": "string",
            "item_id": "string",
            "model_name": "string",
            "model_version": "string",
            "predicted_quantity": "float64",
        }
    )
    out["cutoff_date"] = pd.to_datetime(out["cutoff_date"]).dt.date
    if out.empty:
        out = out.astype({"cutoff_date": "date32[pyarrow]"})
    return out
