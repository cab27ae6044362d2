"""Feature tables recomputed independently, in pandas, from the clean staging rows.

The project is built once on a small planted-fault demo data set. The gap-filled series and
every series feature are then recomputed here from ``stg_sales`` and ``stg_prices`` alone
(plus the run's as-of date), following the documented definitions, and compared with what
``int_sales_gap_filled``, ``int_sales_features`` and ``int_forecast_features`` hold. Nothing
expected is read from an ``int_*`` table: those are only the values under test.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import DEMO_WAREHOUSE_GROUP, Warehouse
from origin_oracle import cutoff_summary, origins_from_summary

# Same worker as the other users of the shared demo build, so it is built once.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)]

# The project's daily defaults (macros/features/settings.sql, dbt_project.yml).
LAGS = (1, 2, 3, 7, 14, 28)
WINDOWS = (7, 28, 91)
EWM_ALPHAS = (0.1, 0.3)
EWM_TAIL_WEIGHT = 0.001
DISCONTINUED_AFTER = 364  # discontinued_after_periods, daily default
HORIZON = 28
SEASON = 364

SAMPLE_SIZE = 250
# DuckDB sums windows in another order (and the EWM over rescaled powers), so float
# features differ from these in the last bits; exact equality fails, 1e-9 does not.
RTOL = 1e-9

SeriesKey = tuple[str, str]


# --- building and reading ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Warehouse) -> Warehouse:
    """The whole project built once on generated demo data (conftest's demo_warehouse)."""
    return demo_warehouse


def read_frame(warehouse: Warehouse, sql: str) -> pd.DataFrame:
    """A query's result as a DataFrame, DATE columns as pandas Timestamps."""
    with duckdb.connect(str(warehouse.path), read_only=True) as connection:
        frame = connection.execute(sql).df()
    for column in frame.columns:
        if column.endswith("_date"):
            frame[column] = pd.to_datetime(frame[column])
    return frame


# --- the independent recomputation ---------------------------------------------------------------


@dataclass
class Staging:
    """What the recomputation reads: clean sales and prices, and the run's as-of date."""

    sales: pd.DataFrame
    prices: pd.DataFrame
    as_of: pd.Timestamp
    daily: dict[SeriesKey, pd.Series] = field(init=False)
    store_days: dict[str, pd.DatetimeIndex] = field(init=False)
    price_changes: dict[SeriesKey, pd.Series] = field(init=False)

    def __post_init__(self) -> None:
        by_day = self.sales.groupby(["store_id", "item_id", "sales_date"])["quantity"].sum()
        self.daily = {
            (store, item): series.droplevel([0, 1]).sort_index()
            for (store, item), series in by_day.groupby(level=[0, 1])
        }
        self.store_days = {
            store: pd.DatetimeIndex(sorted(days.unique()))
            for store, days in self.sales.groupby("store_id")["sales_date"]
        }
        self.price_changes = {
            (store, item): group.set_index("effective_date")["price"].sort_index()
            for (store, item), group in self.prices.groupby(["store_id", "item_id"])
        }


@pytest.fixture(scope="module")
def staging(warehouse: Warehouse) -> Staging:
    """Clean staging rows; the as-of date is the run's (it also counts quarantined rows)."""
    sales = read_frame(warehouse, "select store_id, item_id, sales_date, quantity from stg_sales")
    prices = read_frame(
        warehouse, "select store_id, item_id, effective_date, price from stg_prices"
    )
    as_of = pd.Timestamp(warehouse.scalar("select as_of_date from stg_run_context"))
    assert as_of >= sales["sales_date"].max()
    return Staging(sales, prices, as_of)


def active_range(daily: pd.Series, as_of: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a series' active range.

    It starts at the first day with a non-zero sale (the first row for a series that never
    sold) and ends at the as-of date. A series with no row in the DISCONTINUED_AFTER days up
    to the as-of date is discontinued: its range ends DISCONTINUED_AFTER + HORIZON - 1 days
    after its last row, or at the as-of date if that comes first.
    """
    sold = daily[daily != 0]
    start = sold.index.min() if len(sold) else daily.index.min()
    last_row = daily.index.max()
    if last_row <= as_of - pd.Timedelta(days=DISCONTINUED_AFTER):
        end = min(as_of, last_row + pd.Timedelta(days=DISCONTINUED_AFTER + HORIZON - 1))
    else:
        end = as_of
    return start, end


def gap_fill(
    daily: pd.Series, store_days: pd.DatetimeIndex, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """One value per day from start to end: the day's total, 0 when the series has no row
    but its store has one, NaN when the store has no row at all that day."""
    days = pd.date_range(start, end, freq="D")
    filled = daily.reindex(days)
    store_reported = days.isin(store_days)
    return filled.where(filled.notna() | ~store_reported, 0.0).astype(float)


def full_series(staging: Staging, key: SeriesKey) -> pd.Series:
    """The gap-filled series over its whole active range."""
    start, end = active_range(staging.daily[key], staging.as_of)
    return gap_fill(staging.daily[key], staging.store_days[key[0]], start, end)


def series_until(staging: Staging, key: SeriesKey, cutoff: pd.Timestamp) -> pd.Series:
    """The gap-filled series recomputed from the sales rows dated up to the cut-off only.

    The range ends at the cut-off (the rows under test exist there); nothing dated after
    it is read, so features from it cannot have looked ahead.
    """
    daily = staging.daily[key]
    daily = daily[daily.index <= cutoff]
    days = staging.store_days[key[0]]
    start, _ = active_range(daily, cutoff)
    return gap_fill(daily, days[days <= cutoff], start, cutoff)


def price_at(staging: Staging, key: SeriesKey, day: pd.Timestamp) -> float | None:
    """The price of the latest change dated on or before day (None without one)."""
    changes = staging.price_changes.get(key)
    if changes is None:
        return None
    known = changes[changes.index <= day]
    return float(known.iloc[-1]) if len(known) else None


def ewm_tail(alpha: float) -> int:
    """The smallest K with (1 - alpha)^K <= EWM_TAIL_WEIGHT: the EWM reads K + 1 values."""
    k = 0
    while (1 - alpha) ** k > EWM_TAIL_WEIGHT:
        k += 1
    return k


def ewm(history: np.ndarray, alpha: float) -> float | None:
    """sum(w_k * y_{t-k}) / sum(w_k for non-null y), w_k = alpha (1 - alpha)^k, k <= K."""
    recent_first = history[::-1][: ewm_tail(alpha) + 1]
    weights = [alpha * (1 - alpha) ** k for k in range(len(recent_first))]
    pairs = [(w, y) for w, y in zip(weights, recent_first, strict=True) if not np.isnan(y)]
    if not pairs:
        return None
    return math.fsum(w * y for w, y in pairs) / math.fsum(w for w, _ in pairs)


def optional(value: float) -> float | None:
    """None for NaN, else the value as a float."""
    return None if np.isnan(value) else float(value)


def value_on(known: pd.Series, day: pd.Timestamp) -> float | None:
    """The series' value on day, read from the history up to the cut-off (None beyond it)."""
    return optional(known.get(day, np.nan)) if day <= known.index.max() else None


def rows_since(history: np.ndarray, mask: np.ndarray) -> int | None:
    """Rows between the last row where mask holds and the last row (None if it never holds)."""
    hits = np.flatnonzero(mask)
    return int(len(history) - 1 - hits[-1]) if len(hits) else None


def sales_features(history: np.ndarray, own_rows: np.ndarray) -> dict[str, float | None]:
    """Every series feature at the last value of history (the cut-off); NaN = no data.

    own_rows marks the days the series had a row of its own (not a zero filled in).
    """
    features: dict[str, float | None] = {
        "period_number": len(history),
        "periods_since_last_row": rows_since(history, own_rows),
        "quantity_periods_since_last_sale": rows_since(history, np.nan_to_num(history) > 0),
    }
    for k in LAGS:
        features[f"quantity_lag_{k}d"] = optional(history[-k]) if len(history) >= k else None
    for w in WINDOWS:
        window = history[-w:]
        known = window[~np.isnan(window)]
        features[f"quantity_mean_{w}d"] = math.fsum(known) / len(known) if len(known) else None
        features[f"quantity_std_{w}d"] = float(np.std(known, ddof=1)) if len(known) > 1 else None
        features[f"quantity_min_{w}d"] = float(known.min()) if len(known) else None
        features[f"quantity_max_{w}d"] = float(known.max()) if len(known) else None
        features[f"quantity_zero_share_{w}d"] = float(np.mean(known == 0)) if len(known) else None
    for alpha in EWM_ALPHAS:
        features[f"quantity_ewm_{round(alpha * 100)}"] = ewm(history, alpha)
    window = history[-max(WINDOWS) :]
    known = np.abs(window[~np.isnan(window)])
    features["quantity_scale"] = math.fsum(known) / len(known) if len(known) else None
    return features


# --- comparing -----------------------------------------------------------------------------------


def is_exact(feature: str) -> bool:
    """Counts, lags, minima and maxima must match exactly; means, std, EWM and shares to RTOL."""
    return (
        feature.startswith(("period", "quantity_periods", "quantity_lag", "target_quantity"))
        or feature.startswith(("quantity_min", "quantity_max"))
        or feature.startswith("quantity_same_period")
        or feature in ("quantity_at_cutoff", "price")
    )


def same(actual: Any, expected: float | None, exact: bool) -> bool:
    """Null matches only null; otherwise equal, or within RTOL for float features."""
    actual_null = actual is None or pd.isna(actual)
    if actual_null or expected is None:
        return actual_null and expected is None
    if exact:
        return float(actual) == float(expected)
    return math.isclose(float(actual), expected, rel_tol=RTOL, abs_tol=0.0)


def mismatches(row: pd.Series, expected: dict[str, float | None], label: str) -> list[str]:
    """One line per feature of a row that differs from its recomputed value."""
    return [
        f"{label} {name}: table {row[name]!r}, recomputed {value!r}"
        for name, value in expected.items()
        if not same(row[name], value, is_exact(name))
    ]


def assert_no_mismatches(found: Iterable[str], checked: int) -> None:
    """Fail listing the first mismatches, with how many rows were checked."""
    found = list(found)
    assert not found, f"{len(found)} mismatches over {checked} rows:\n" + "\n".join(found[:25])


def sample(frame: pd.DataFrame, size: int, seed: int = 0) -> pd.DataFrame:
    """A deterministic random sample of rows, in table order."""
    positions = np.random.default_rng(seed).choice(len(frame), size=size, replace=False)
    return frame.iloc[np.sort(positions)]


def label_of(row: pd.Series, date_column: str) -> str:
    """store/item/date, naming a row in failure messages."""
    return f"{row['store_id']}/{row['item_id']}/{row[date_column].date()}"


# --- tests ---------------------------------------------------------------------------------------


def test_gap_filled_rows_match_recomputed_active_ranges(warehouse: Warehouse, staging: Staging):
    table = read_frame(
        warehouse,
        "select store_id, item_id, period_end_date, quantity, is_zero_filled, is_no_data "
        "from int_sales_gap_filled",
    ).set_index(["store_id", "item_id", "period_end_date"])

    expected = pd.concat(
        {key: full_series(staging, key) for key in staging.daily}, names=["store_id", "item_id"]
    ).rename("quantity")
    expected.index = expected.index.set_names("period_end_date", level=2)

    assert table.index.is_unique
    missing = expected.index.difference(table.index)
    extra = table.index.difference(expected.index)
    assert missing.empty and extra.empty, (
        f"rows missing from the table: {list(missing[:10])}; extra: {list(extra[:10])}"
    )

    table = table.loc[expected.index]
    no_data = expected.isna()
    daily_rows = pd.MultiIndex.from_frame(
        staging.sales[["store_id", "item_id", "sales_date"]].drop_duplicates()
    )
    zero_filled = ~no_data & ~expected.index.isin(daily_rows)
    # The planted faults (a missing weekend batch, a late file) and sparse items must give
    # both kinds of filled rows, or this test would not exercise them.
    assert no_data.sum() > 0 and zero_filled.sum() > 0
    assert (table["quantity"].isna() == no_data).all()
    assert (table["quantity"][~no_data] == expected[~no_data]).all()
    assert (table["is_no_data"] == no_data).all()
    assert (table["is_zero_filled"] == zero_filled).all()


def test_sales_features_match_recomputation(warehouse: Warehouse, staging: Staging):
    table = read_frame(warehouse, "select * from int_sales_features order by all")
    rows = sample(table, SAMPLE_SIZE)
    series = {key: full_series(staging, key) for key in staging.daily}

    found: list[str] = []
    with_gaps = 0
    for _, row in rows.iterrows():
        history = series[(row["store_id"], row["item_id"])].loc[: row["period_end_date"]]
        own_rows = history.index.isin(staging.daily[(row["store_id"], row["item_id"])].index)
        expected = sales_features(history.to_numpy(), own_rows)
        with_gaps += bool(history.iloc[-max(WINDOWS) :].isna().any())
        found += mismatches(row, expected, label_of(row, "period_end_date"))
    # Every quantity feature of the table is recomputed here: a new one must be added too.
    covered = set(sales_features(np.array([1.0]), np.array([True]))) | {"quantity"}
    uncovered = [c for c in table.columns if c.startswith("quantity") and c not in covered]
    assert not uncovered
    assert_no_mismatches(found, len(rows))
    # The sample reaches rows with no-data days in their windows and short histories.
    assert with_gaps > 10
    assert (rows["period_number"] < max(WINDOWS)).sum() > 10


@pytest.fixture(scope="module")
def forecast_rows(warehouse: Warehouse) -> pd.DataFrame:
    """A deterministic sample of int_forecast_features: half scoring, half training rows."""
    table = read_frame(warehouse, "select * from int_forecast_features order by all")
    half = SAMPLE_SIZE // 2
    return pd.concat(
        [
            sample(table[table["is_scoring_row"]], half),
            sample(table[~table["is_scoring_row"]], half),
        ]
    )


def test_forecast_targets_prices_and_last_year_match_recomputation(
    forecast_rows: pd.DataFrame, staging: Staging
):
    series = {key: full_series(staging, key) for key in staging.daily}
    found: list[str] = []
    counts = dict.fromkeys(
        (
            "target_quantity",
            "quantity_same_period_last_year",
            "quantity_same_period_last_year_after",
            f"quantity_mean_{max(WINDOWS)}d_last_year",
            "price",
        ),
        0,
    )
    for _, row in forecast_rows.iterrows():
        key = (row["store_id"], row["item_id"])
        cutoff, target = row["cutoff_date"], row["target_date"]
        known = series_until(staging, key, cutoff)
        assert target == cutoff + pd.Timedelta(days=int(row["horizon_step"]))
        last_year = target - pd.Timedelta(days=SEASON)
        day, season = pd.Timedelta(days=1), pd.Timedelta(days=SEASON)
        expected = {
            # The label is the only value from after the cut-off: read from the full series.
            "target_quantity": None
            if row["is_scoring_row"]
            else optional(series[key].get(target, np.nan)),
            "quantity_same_period_last_year": value_on(known, last_year),
            "quantity_same_period_last_year_before": value_on(known, last_year - day),
            "quantity_same_period_last_year_after": value_on(known, last_year + day),
            "quantity_same_period_two_years_ago": value_on(known, last_year - season),
            "price": price_at(staging, key, cutoff),
            "quantity_lag_1d": optional(known.iloc[-1]),
            "quantity_at_cutoff": optional(known.iloc[-1]),
        }
        for w in WINDOWS:
            window = known.loc[: cutoff - season].to_numpy()[-w:]
            values = window[~np.isnan(window)]
            expected[f"quantity_mean_{w}d_last_year"] = (
                math.fsum(values) / len(values) if len(values) else None
            )
        for name in counts:
            counts[name] += expected[name] is not None
        found += mismatches(row, expected, label_of(row, "cutoff_date") + f"+{row['horizon_step']}")
    assert_no_mismatches(found, len(forecast_rows))
    # The sample must hold values for each, not just nulls matching nulls.
    assert min(counts.values()) > 20, counts


def test_forecast_sales_features_use_nothing_after_cutoff(
    forecast_rows: pd.DataFrame, staging: Staging
):
    found: list[str] = []
    for _, row in forecast_rows.iterrows():
        key = (row["store_id"], row["item_id"])
        known = series_until(staging, key, row["cutoff_date"])
        expected = sales_features(known.to_numpy(), known.index.isin(staging.daily[key].index))
        del expected["period_number"]  # not carried into the forecast rows
        found += mismatches(row, expected, label_of(row, "cutoff_date") + f"+{row['horizon_step']}")
    assert_no_mismatches(found, len(forecast_rows))


def test_backtest_origins_flagged_in_the_warehouse_follow_the_origin_rule(
    demo_warehouse: Warehouse,
):
    # int_forecast_features flags the origins in SQL (the one rule); origins_from_summary
    # (tests/python/origin_oracle.py) is the rule written independently in pandas, as a
    # test oracle only (the latest fully known cut-offs, greedily a horizon apart). Both
    # must pick the same cut-offs.
    with duckdb.connect(str(demo_warehouse.path), read_only=True) as connection:
        rows = connection.execute(
            "select cutoff_date, is_scoring_row, horizon_step, target_date, target_quantity,"
            " is_backtest_origin from int_forecast_features"
        ).df()
    flagged = sorted(pd.to_datetime(rows.loc[rows["is_backtest_origin"], "cutoff_date"].unique()))
    expected = origins_from_summary(cutoff_summary(rows.drop(columns="is_backtest_origin")), 3)
    assert len(expected) == 3
    assert flagged == sorted(expected)
    # The flag is a property of the cut-off: every row of an origin carries it.
    per_cutoff = rows.groupby("cutoff_date")["is_backtest_origin"].nunique()
    assert (per_cutoff == 1).all()
