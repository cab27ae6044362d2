"""Deterministic generator of realistic daily retail demo data.

The generator writes the project's canonical CSV contract (monthly sales files, a price-change
log, a calendar of events, store and item master data and daily store-level exogenous
variables) plus a manifest of deliberately planted data-quality faults. Everything is derived
from one ``numpy.random.default_rng(seed)``, so the same configuration always produces
byte-identical files and no download is ever needed.

Usage::

    python -m demandcast.tools.demo_data --out data/demo
    python -m demandcast.tools.demo_data --out /tmp/small --stores 3 --items 6 --days 120 \
        --no-faults
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

# --- Planted fault rates, relative to the number of clean sales rows written ----------------
EXACT_DUPLICATE_RATE = 0.005
NEGATIVE_QUANTITY_RATE = 0.0005
NULL_KEY_RATE = 0.0005
UNPARSEABLE_DATE_RATE = 0.0005
UNPARSEABLE_QUANTITY_RATE = 0.0002
ABSURD_QUANTITY_COUNT = 5
ABSURD_QUANTITY_MIN = 10_000_000
ABSURD_QUANTITY_MAX = 99_999_999
RESEND_ROWS = 200
MISSING_WEEKEND_STORE = "S03"
MISSING_WEEKENDS = 6
LATE_FILE_STORE = "S10"
LATE_FILE_DAYS = 9

# Faults planted in individual rows: each is one quarantine reason code of the pipeline,
# with the same name (the other faults remove rows: missing batch, late file).
ROW_FAULTS = (
    "exact_duplicate",
    "conflicting_duplicate",
    "negative_quantity",
    "null_key",
    "unparseable_date",
    "unparseable_quantity",
    "absurd_quantity",
)
UNPARSEABLE_QUANTITY_TEXTS = ("n/a", "twelve", "3..0", "12 units", "#VALUE!", "1O")
UNPARSEABLE_DATE_TEXT = "not a date"

# --- Assortment and demand shape ---------------------------------------------------------------
SLOW_MOVER_SHARE = 0.20
LAUNCHED_ITEM_SHARE = 0.10
DISCONTINUED_ITEM_SHARE = 0.06
LAUNCH_ROLLOUT_MAX_DAYS = 14
LAUNCH_RAMP_DAYS = 14.0
RUNDOWN_DAYS = 56
RUNDOWN_FLOOR = 0.4
FAST_MOVER_MEDIAN_DEMAND = 6.0
FAST_MOVER_DEMAND_SIGMA = 0.7
SLOW_MOVER_DEMAND_RANGE = (0.05, 0.4)
FAST_MOVER_DISPERSION_RANGE = (2.0, 8.0)
SLOW_MOVER_DISPERSION_RANGE = (0.5, 1.5)
ANNUAL_GROWTH_MEAN = 0.02
ANNUAL_GROWTH_SD = 0.08
ANNUAL_GROWTH_CLIP = (-0.15, 0.20)
STORE_ITEM_AFFINITY_SIGMA = 0.25
STORE_SIZE_REFERENCE_SQFT = 110_000
STORE_SIZE_EXPONENT = 0.7
# Monday .. Sunday; the weekend carries the weekly peak.
WEEKDAY_MULTIPLIERS = (0.92, 0.86, 0.88, 0.95, 1.08, 1.32, 1.18)

# --- Prices and promotions ---------------------------------------------------------------------
ELASTICITY_RANGE = (-3.0, -1.5)
# Shelf-price increases are only partly passed on to demand (shoppers adapt over time).
LONG_RUN_ELASTICITY_SHARE = 0.3
PRICE_INCREASES_PER_YEAR = 0.7
PRICE_INCREASE_RANGE = (0.02, 0.08)
PROMO_DISCOUNT_RANGE = (0.10, 0.35)
PROMO_LENGTH_DAYS = (7, 21)
PROMO_FIRST_START_DAYS = (7, 100)
PROMO_GAP_DAYS = (35, 120)
PROMO_STORE_PARTICIPATION = 0.85

# --- Stock-outs --------------------------------------------------------------------------------
STOCKOUT_PRONE_SHARE = 0.35
STOCKOUT_RUNS_PER_YEAR = 2.0
STOCKOUT_RUN_DAYS = (3, 10)

# --- Exogenous drivers -------------------------------------------------------------------------
TEMPERATURE_PEAK_DOY = 200
TEMPERATURE_SMOOTHING_DAYS = 5
UNEMPLOYMENT_START_RANGE = (3.5, 6.5)
UNEMPLOYMENT_EFFECT = 0.03

MIN_DAYS = 60
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class DemoConfig:
    """Size and seed of the generated demo data set.

    Attributes:
        n_stores: Number of stores (``S01`` ..).
        n_items: Number of items (``I001`` ..).
        start_date: First sales date.
        n_days: Number of days of history (1096 days is three calendar years from 2023-01-01).
        seed: Seed of the single random generator everything is drawn from.
        plant_faults: Whether to plant the data-quality faults listed in ``faults.json``.
        shift_category: Category whose demand shifts up in the last ``shift_days`` (a
            planted level shift for monitoring to catch; "" = none).
        shift_days: Length of the shifted window at the end of the history.
        shift_factor: Demand multiplier inside the window.
    """

    n_stores: int = 10
    n_items: int = 50
    start_date: dt.date = dt.date(2023, 1, 1)
    n_days: int = 1096
    seed: int = 20261123
    plant_faults: bool = True
    shift_category: str = "beverages"
    shift_days: int = 84
    shift_factor: float = 1.8


DEFAULT_CONFIG = DemoConfig()


# --- Static reference data ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    name: str
    mean_temp_c: float
    temp_amplitude_c: float
    price_factor: float
    cities: tuple[str, ...]


@dataclass(frozen=True)
class _Category:
    category_id: str
    departments: tuple[tuple[str, tuple[str, ...]], ...]
    season_peak_doy: int
    season_amplitude: float
    temperature_beta: float
    event_sensitivity: float
    price_range: tuple[float, float]


@dataclass(frozen=True)
class _Event:
    name: str
    event_type: str
    rule: Callable[[int], dt.date]
    effects: dict[int, float]


REGIONS = (
    _Region(
        "northeast",
        10.5,
        12.5,
        1.05,
        ("Albany", "Hartford", "Providence", "Worcester", "Burlington", "Scranton"),
    ),
    _Region(
        "midwest",
        9.5,
        14.5,
        0.97,
        ("Dayton", "Peoria", "Madison", "Omaha", "Toledo", "Fort Wayne"),
    ),
    _Region(
        "south",
        19.5,
        8.0,
        0.99,
        ("Savannah", "Mobile", "Tulsa", "Macon", "Shreveport", "Chattanooga"),
    ),
)

STORE_TYPES: dict[str, tuple[int, int, str]] = {
    "A": (150_000, 200_000, "Superstore"),
    "B": (90_000, 140_000, "Market"),
    "C": (35_000, 75_000, "Express"),
}
STORE_TYPE_PROBABILITIES = (0.3, 0.4, 0.3)

CATEGORIES = (
    _Category(
        "beverages",
        (
            (
                "soft_drinks",
                ("Cola", "Lemon Soda", "Ginger Ale", "Iced Tea", "Energy Drink", "Root Beer"),
            ),
            (
                "water_juice",
                (
                    "Spring Water",
                    "Orange Juice",
                    "Apple Juice",
                    "Sparkling Water",
                    "Coconut Water",
                    "Grape Juice",
                ),
            ),
        ),
        season_peak_doy=190,
        season_amplitude=0.10,
        temperature_beta=0.015,
        event_sensitivity=1.2,
        price_range=(0.9, 4.5),
    ),
    _Category(
        "grocery",
        (
            ("pantry", ("Pasta", "Rice", "Tomato Sauce", "Peanut Butter", "Cereal", "Olive Oil")),
            ("snacks", ("Potato Chips", "Pretzels", "Cookies", "Trail Mix", "Popcorn", "Crackers")),
        ),
        season_peak_doy=350,
        season_amplitude=0.12,
        temperature_beta=0.0,
        event_sensitivity=1.0,
        price_range=(1.5, 7.0),
    ),
    _Category(
        "household",
        (
            (
                "cleaning",
                (
                    "Dish Soap",
                    "Laundry Detergent",
                    "Glass Cleaner",
                    "Sponges",
                    "Bleach",
                    "Surface Spray",
                ),
            ),
            (
                "paper_goods",
                (
                    "Paper Towels",
                    "Toilet Paper",
                    "Tissues",
                    "Napkins",
                    "Trash Bags",
                    "Aluminum Foil",
                ),
            ),
        ),
        season_peak_doy=100,
        season_amplitude=0.08,
        temperature_beta=0.0,
        event_sensitivity=0.6,
        price_range=(2.5, 14.0),
    ),
)

BRANDS = ("Acme", "Northfield", "Bluebird", "Harvest", "Everyday", "Summit", "Prairie", "Coastline")
PACK_LABELS = ("", " Family Size", " Multipack", " Value Pack", " Mini")


def easter_sunday(year: int) -> dt.date:
    """Date of (Western) Easter Sunday.

    Args:
        year: Gregorian calendar year.

    Returns:
        The Easter Sunday of ``year`` (anonymous Gregorian / Meeus-Jones-Butcher algorithm).
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last = next_month - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


_MON, _THU, _SUN = 0, 3, 6

EVENTS = (
    _Event("new_year", "holiday", lambda y: dt.date(y, 1, 1), {-1: 1.30, 0: 0.55}),
    # Since 2022 the Super Bowl is played on the second Sunday of February.
    _Event("super_bowl", "sporting", lambda y: _nth_weekday(y, 2, _SUN, 2), {-1: 1.15, 0: 1.35}),
    _Event("valentines_day", "cultural", lambda y: dt.date(y, 2, 14), {-1: 1.10, 0: 1.15}),
    _Event("easter_sunday", "holiday", easter_sunday, {-2: 1.10, -1: 1.25, 0: 0.60}),
    _Event(
        "memorial_day",
        "holiday",
        lambda y: _last_weekday(y, 5, _MON),
        {-2: 1.10, -1: 1.20, 0: 1.10},
    ),
    _Event(
        "independence_day", "holiday", lambda y: dt.date(y, 7, 4), {-2: 1.10, -1: 1.30, 0: 1.15}
    ),
    _Event(
        "back_to_school",
        "cultural",
        lambda y: _nth_weekday(y, 8, _MON, 1),
        dict.fromkeys(range(14), 1.08),
    ),
    _Event(
        "labor_day", "holiday", lambda y: _nth_weekday(y, 9, _MON, 1), {-2: 1.10, -1: 1.20, 0: 1.10}
    ),
    _Event("halloween", "cultural", lambda y: dt.date(y, 10, 31), {-2: 1.08, -1: 1.12, 0: 1.15}),
    _Event(
        "thanksgiving",
        "holiday",
        lambda y: _nth_weekday(y, 11, _THU, 4),
        {-3: 1.20, -2: 1.35, -1: 1.50, 0: 0.45},
    ),
    _Event(
        "black_friday",
        "holiday",
        lambda y: _nth_weekday(y, 11, _THU, 4) + dt.timedelta(days=1),
        {0: 1.90, 1: 1.30, 2: 1.15},
    ),
    # Most stores close on Christmas Day, after the heaviest shopping week of the year.
    _Event(
        "christmas",
        "holiday",
        lambda y: dt.date(y, 12, 25),
        {-7: 1.15, -6: 1.20, -5: 1.25, -4: 1.30, -3: 1.40, -2: 1.50, -1: 1.60, 0: 0.10, 1: 0.90},
    ),
)

SALES_HEADER = ("sales_date", "store_id", "item_id", "quantity")
PRICES_HEADER = ("effective_date", "store_id", "item_id", "price", "is_promotion")
CALENDAR_HEADER = ("event_date", "event_name", "event_type")
STORES_HEADER = ("store_id", "store_name", "region", "store_type", "store_size")
ITEMS_HEADER = ("item_id", "item_name", "department_id", "category_id")
EXOGENOUS_HEADER = ("observation_date", "store_id", "temperature_c", "local_unemployment_rate")


# --- Intermediate structures -------------------------------------------------------------------


@dataclass
class _Days:
    dates: list[dt.date]
    iso: ObjArray
    dow: IntArray
    doy: IntArray
    month_key: IntArray
    years: FloatArray

    @property
    def n(self) -> int:
        return len(self.dates)


@dataclass
class _Stores:
    ids: list[str]
    names: list[str]
    region_idx: IntArray
    store_type: list[str]
    size_sqft: IntArray
    price_factor: FloatArray

    @property
    def n(self) -> int:
        return len(self.ids)


@dataclass
class _Items:
    ids: list[str]
    names: list[str]
    department: list[str]
    category_idx: IntArray
    base_price: FloatArray
    base_demand: FloatArray
    dispersion: FloatArray
    growth: FloatArray
    elasticity: FloatArray
    slow: BoolArray

    @property
    def n(self) -> int:
        return len(self.ids)


@dataclass
class _Lifecycle:
    launched: IntArray
    discontinued: IntArray
    first_t: IntArray  # (stores, items): first active day index per series
    last_t: IntArray  # (stores, items): last active day index per series


@dataclass
class _SalesRows:
    t: IntArray
    store: ObjArray
    item: ObjArray
    date: ObjArray
    quantity: ObjArray


# --- Building blocks ---------------------------------------------------------------------------


def _make_days(config: DemoConfig) -> _Days:
    index = pd.date_range(config.start_date, periods=config.n_days, freq="D")
    dates = [config.start_date + dt.timedelta(days=k) for k in range(config.n_days)]
    return _Days(
        dates=dates,
        iso=np.array([d.isoformat() for d in dates], dtype=object),
        dow=np.asarray(index.day_of_week, dtype=np.int64),
        doy=np.asarray(index.day_of_year, dtype=np.int64),
        month_key=np.asarray(index.year * 100 + index.month, dtype=np.int64),
        years=np.arange(config.n_days, dtype=np.float64) / DAYS_PER_YEAR,
    )


def _make_stores(rng: np.random.Generator, n: int) -> _Stores:
    width = max(2, len(str(n)))
    ids = [f"S{k + 1:0{width}d}" for k in range(n)]
    region_idx = rng.permutation(np.arange(n, dtype=np.int64) % len(REGIONS))
    type_codes = list(STORE_TYPES)
    type_idx = rng.choice(len(type_codes), size=n, p=STORE_TYPE_PROBABILITIES)
    size_draw = rng.random(n)
    price_jitter = rng.uniform(0.98, 1.02, size=n)

    names: list[str] = []
    types: list[str] = []
    sizes = np.empty(n, dtype=np.int64)
    used_per_region = [0] * len(REGIONS)
    for k in range(n):
        region = REGIONS[int(region_idx[k])]
        code = type_codes[int(type_idx[k])]
        low, high, label = STORE_TYPES[code]
        used = used_per_region[int(region_idx[k])]
        used_per_region[int(region_idx[k])] += 1
        city = region.cities[used % len(region.cities)]
        suffix = f" {used // len(region.cities) + 1}" if used >= len(region.cities) else ""
        names.append(f"{city} {label}{suffix}")
        types.append(code)
        # Floor plans come in 500 sq ft steps.
        sizes[k] = round(float(low + size_draw[k] * (high - low)) / 500.0) * 500
    factor = np.array([REGIONS[int(r)].price_factor for r in region_idx]) * price_jitter
    return _Stores(ids, names, region_idx, types, sizes, factor)


def _make_items(rng: np.random.Generator, n: int) -> _Items:
    width = max(3, len(str(n)))
    ids = [f"I{k + 1:0{width}d}" for k in range(n)]
    category_idx = rng.permutation(np.arange(n, dtype=np.int64) % len(CATEGORIES))
    dept_draw = rng.integers(0, 2, size=n)
    noun_draw = rng.integers(0, 6, size=n)
    brand_draw = rng.integers(0, len(BRANDS), size=n)
    price_draw = rng.random(n)
    n_slow = max(1, round(SLOW_MOVER_SHARE * n))
    slow = np.zeros(n, dtype=np.bool_)
    slow[rng.choice(n, size=n_slow, replace=False)] = True
    base_demand = rng.lognormal(math.log(FAST_MOVER_MEDIAN_DEMAND), FAST_MOVER_DEMAND_SIGMA, n)
    base_demand[slow] = rng.uniform(*SLOW_MOVER_DEMAND_RANGE, size=int(slow.sum()))
    dispersion = rng.uniform(*FAST_MOVER_DISPERSION_RANGE, size=n)
    dispersion[slow] = rng.uniform(*SLOW_MOVER_DISPERSION_RANGE, size=int(slow.sum()))
    growth = np.clip(rng.normal(ANNUAL_GROWTH_MEAN, ANNUAL_GROWTH_SD, n), *ANNUAL_GROWTH_CLIP)
    elasticity = rng.uniform(*ELASTICITY_RANGE, size=n)

    names: list[str] = []
    departments: list[str] = []
    base_price = np.empty(n, dtype=np.float64)
    seen: dict[str, int] = {}
    for k in range(n):
        category = CATEGORIES[int(category_idx[k])]
        dept_id, nouns = category.departments[int(dept_draw[k])]
        stem = f"{BRANDS[int(brand_draw[k])]} {nouns[int(noun_draw[k])]}"
        repeat = seen.get(stem, 0)
        seen[stem] = repeat + 1
        pack = PACK_LABELS[repeat % len(PACK_LABELS)]
        extra = f" {repeat // len(PACK_LABELS) + 1}" if repeat >= len(PACK_LABELS) else ""
        names.append(f"{stem}{pack}{extra}")
        departments.append(dept_id)
        low, high = category.price_range
        base_price[k] = math.exp(math.log(low) + price_draw[k] * (math.log(high) - math.log(low)))
    return _Items(
        ids,
        names,
        departments,
        category_idx,
        base_price,
        base_demand,
        dispersion,
        growth,
        elasticity,
        slow,
    )


def _make_lifecycle(
    rng: np.random.Generator, n_stores: int, n_items: int, n_days: int
) -> _Lifecycle:
    if n_items >= 3:
        n_launch = max(1, round(LAUNCHED_ITEM_SHARE * n_items))
        n_disc = max(1, round(DISCONTINUED_ITEM_SHARE * n_items))
    else:
        n_launch = n_disc = 0
    chosen = rng.choice(n_items, size=n_launch + n_disc, replace=False).astype(np.int64)
    launched = np.sort(chosen[:n_launch])
    discontinued = np.sort(chosen[n_launch:])
    launch_t = np.zeros(n_items, dtype=np.int64)
    end_t = np.full(n_items, n_days - 1, dtype=np.int64)
    launch_t[launched] = rng.integers(int(0.1 * n_days), int(0.6 * n_days) + 1, size=n_launch)
    end_t[discontinued] = rng.integers(int(0.4 * n_days), int(0.9 * n_days) + 1, size=n_disc)
    # A new item reaches the stores over a couple of weeks, not on one day everywhere.
    delay = rng.integers(0, LAUNCH_ROLLOUT_MAX_DAYS, size=(n_stores, n_items))
    is_launched = np.zeros(n_items, dtype=np.bool_)
    is_launched[launched] = True
    first_t = launch_t[None, :] + np.where(is_launched[None, :], delay, 0)
    first_t = np.minimum(first_t, end_t[None, :])
    last_t = np.broadcast_to(end_t[None, :], (n_stores, n_items)).copy()
    return _Lifecycle(launched, discontinued, first_t.astype(np.int64), last_t)


def _moving_average(values: FloatArray, window: int) -> FloatArray:
    csum = np.cumsum(values, axis=0)
    csum = np.concatenate([np.zeros((1, values.shape[1])), csum], axis=0)
    out: FloatArray = (csum[window:] - csum[:-window]) / window
    return out


def _make_exogenous(
    rng: np.random.Generator, days: _Days, stores: _Stores
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Returns (temperature (T,S), store mean temperature (S,), unemployment (T,S))."""
    n_days, n_stores, n_regions = days.n, stores.n, len(REGIONS)
    region_mean = np.array([REGIONS[int(r)].mean_temp_c for r in stores.region_idx])
    region_amp = np.array([REGIONS[int(r)].temp_amplitude_c for r in stores.region_idx])
    mean_temp = region_mean + rng.normal(0.0, 0.8, n_stores)
    amp = region_amp + rng.normal(0.0, 0.5, n_stores)
    season = np.cos(2 * np.pi * (days.doy - TEMPERATURE_PEAK_DOY) / DAYS_PER_YEAR)
    # Weather anomalies persist for several days, so smooth the noise rather than use it raw.
    raw = rng.normal(0.0, 1.0, (n_days + TEMPERATURE_SMOOTHING_DAYS - 1, n_stores))
    spells = _moving_average(raw, TEMPERATURE_SMOOTHING_DAYS) * 3.5
    daily = rng.normal(0.0, 1.0, (n_days, n_stores))
    temperature = np.round(mean_temp[None, :] + amp[None, :] * season[:, None] + spells + daily, 1)

    start = rng.uniform(*UNEMPLOYMENT_START_RANGE, size=n_stores)
    drift = rng.uniform(-0.4, 0.5, size=n_regions)
    regional_walk = np.cumsum(rng.normal(0.0, 0.01, (n_days, n_regions)), axis=0)
    store_walk = np.cumsum(rng.normal(0.0, 0.005, (n_days, n_stores)), axis=0)
    walk: FloatArray = (
        start[None, :]
        + drift[stores.region_idx][None, :] * days.years[:, None]
        + regional_walk[:, stores.region_idx]
        + store_walk
    )
    unemployment = np.round(np.clip(walk, 1.5, 15.0), 2).astype(np.float64)
    return temperature, mean_temp, unemployment


def _make_prices(
    rng: np.random.Generator, days: _Days, stores: _Stores, items: _Items, life: _Lifecycle
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Returns (shelf price cents, regular price cents, promo discount, chain regular price).

    The first three are (T, S, I) arrays; the chain regular price is (I, T) in currency units.
    """
    n_days, n_stores, n_items = days.n, stores.n, items.n
    n_increases = rng.poisson(PRICE_INCREASES_PER_YEAR * n_days / DAYS_PER_YEAR, size=n_items)
    inc_item = np.repeat(np.arange(n_items), n_increases)
    inc_day = rng.integers(1, n_days, size=inc_item.size)
    inc_pct = rng.uniform(*PRICE_INCREASE_RANGE, size=inc_item.size)
    log_steps = np.zeros((n_items, n_days))
    np.add.at(log_steps, (inc_item, inc_day), np.log1p(inc_pct))
    chain_regular = items.base_price[:, None] * np.exp(np.cumsum(log_steps, axis=1))
    # Shelf prices end in 9 cents, computed in integer cents so formatting is exact.
    raw = chain_regular.T[:, None, :] * stores.price_factor[None, :, None]
    regular_cents = (np.ceil(raw * 10.0) * 10.0 - 1.0).astype(np.int64)

    launch_item = life.first_t.min(axis=0)
    end_item = life.last_t.max(axis=0)
    discount = np.zeros((n_days, n_stores, n_items))
    for i in range(n_items):
        t = int(launch_item[i]) + int(rng.integers(*PROMO_FIRST_START_DAYS))
        while t < int(end_item[i]):
            length = int(rng.integers(PROMO_LENGTH_DAYS[0], PROMO_LENGTH_DAYS[1] + 1))
            depth = round(float(rng.uniform(*PROMO_DISCOUNT_RANGE)), 2)
            joins = rng.random(n_stores) < PROMO_STORE_PARTICIPATION
            stop = min(t + length, int(end_item[i]) + 1)
            discount[t:stop, joins, i] = depth
            t = stop + int(rng.integers(*PROMO_GAP_DAYS))
    promo_cents = np.round(regular_cents * (1.0 - discount)).astype(np.int64)
    price_cents = np.where(discount > 0, promo_cents, regular_cents)
    return price_cents, regular_cents, discount, chain_regular


def _event_log_multiplier(days: _Days) -> FloatArray:
    log_mult = np.zeros(days.n)
    first = days.dates[0]
    # Effects spill over year ends (new year's eve belongs to next year's new_year).
    for year in range(days.dates[0].year, days.dates[-1].year + 2):
        for event in EVENTS:
            base = (event.rule(year) - first).days
            for offset, mult in event.effects.items():
                idx = base + offset
                if 0 <= idx < days.n:
                    log_mult[idx] += math.log(mult)
    return log_mult


def _calendar_multipliers(days: _Days, items: _Items) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Demand multipliers that follow the calendar alone.

    Args:
        days: The days of the history.
        items: The assortment (category and growth of each item).

    Returns:
        (weekday multiplier (T,), category season times events (T, I), item trend (T, I)).
    """
    peak = np.array([c.season_peak_doy for c in CATEGORIES], dtype=np.float64)
    amp = np.array([c.season_amplitude for c in CATEGORIES])
    sensitivity = np.array([c.event_sensitivity for c in CATEGORIES])
    yearly = 1.0 + amp[:, None] * np.cos(
        2 * np.pi * (days.doy[None, :] - peak[:, None]) / DAYS_PER_YEAR
    )
    events = np.exp(sensitivity[:, None] * _event_log_multiplier(days)[None, :])
    seasonal = (yearly * events)[items.category_idx].T
    weekly = np.asarray(WEEKDAY_MULTIPLIERS)[days.dow]
    trend = np.exp(items.growth[None, :] * days.years[:, None])
    return weekly, seasonal, trend


def _exogenous_effects(
    items: _Items, temperature: FloatArray, mean_temp: FloatArray, unemployment: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Demand multipliers of the weather and the local economy.

    Args:
        items: The assortment (its category sets the temperature sensitivity).
        temperature: Daily temperature per store (T, S).
        mean_temp: Mean temperature per store (S,).
        unemployment: Daily unemployment rate per store (T, S).

    Returns:
        (temperature effect (T, S, I), unemployment effect (T, S)).
    """
    beta = np.array([c.temperature_beta for c in CATEGORIES])
    deviation = (temperature - mean_temp[None, :])[:, :, None]
    temp_effect = np.exp(beta[items.category_idx][None, None, :] * deviation)
    unemp_effect = np.exp(-UNEMPLOYMENT_EFFECT * (unemployment - unemployment[:1]))
    return temp_effect, unemp_effect


def _price_effect(
    items: _Items, price_cents: IntArray, regular_cents: IntArray, chain_regular: FloatArray
) -> FloatArray:
    """Demand multiplier of promotions (full elasticity) and of price increases (partial).

    Args:
        items: The assortment (price elasticity of each item).
        price_cents: Shelf price (T, S, I).
        regular_cents: Regular price (T, S, I).
        chain_regular: Chain regular price (I, T).

    Returns:
        The multiplier, (T, S, I).
    """
    effect: FloatArray = (price_cents / regular_cents) ** items.elasticity[None, None, :]
    inflation = (chain_regular / chain_regular[:, :1]).T  # (T, I)
    effect *= (inflation ** (LONG_RUN_ELASTICITY_SHARE * items.elasticity))[:, None, :]
    return effect


def _lifecycle_multiplier(life: _Lifecycle, n_days: int) -> FloatArray:
    """Demand multiplier of launches (a ramp up) and discontinuations (a run-down).

    Args:
        life: First and last active day of each series, launched and discontinued items.
        n_days: Number of days of history.

    Returns:
        The multiplier, (T, S, I); 1 for items that are neither launched nor discontinued.
    """
    n_stores, n_items = life.first_t.shape
    t_axis = np.arange(n_days)[:, None, None]
    age = t_axis - life.first_t[None, :, :]
    remaining = np.maximum(life.last_t[None, :, :] - t_axis, 0)
    lifecycle = np.ones((n_days, n_stores, n_items))
    if life.launched.size:
        ramp = 1.0 - 0.7 * np.exp(-np.maximum(age, 0) / LAUNCH_RAMP_DAYS)
        lifecycle[:, :, life.launched] = ramp[:, :, life.launched]
    if life.discontinued.size:
        rundown = np.where(
            remaining < RUNDOWN_DAYS,
            RUNDOWN_FLOOR + (1 - RUNDOWN_FLOOR) * remaining / RUNDOWN_DAYS,
            1.0,
        )
        lifecycle[:, :, life.discontinued] = rundown[:, :, life.discontinued]
    return lifecycle


def _stockout_mask(rng: np.random.Generator, life: _Lifecycle, n_days: int) -> BoolArray:
    """Draws the stock-outs: some series go empty for a few days, whatever their demand.

    Args:
        rng: The generator everything is drawn from.
        life: First and last active day of each series.
        n_days: Number of days of history.

    Returns:
        True on the days each series is out of stock, (T, S, I).
    """
    n_stores, n_items = life.first_t.shape
    prone = rng.random((n_stores, n_items)) < STOCKOUT_PRONE_SHARE
    active_len = life.last_t - life.first_t + 1
    n_runs = rng.poisson(STOCKOUT_RUNS_PER_YEAR * active_len / DAYS_PER_YEAR) * prone
    run_s, run_i = np.nonzero(n_runs)
    reps = n_runs[run_s, run_i]
    run_s, run_i = np.repeat(run_s, reps), np.repeat(run_i, reps)
    starts = life.first_t[run_s, run_i] + np.floor(
        rng.random(run_s.size) * active_len[run_s, run_i]
    ).astype(np.int64)
    lengths = rng.integers(STOCKOUT_RUN_DAYS[0], STOCKOUT_RUN_DAYS[1] + 1, size=run_s.size)
    marks = np.zeros((n_days + 1, n_stores, n_items), dtype=np.int64)
    np.add.at(marks, (starts, run_s, run_i), 1)
    np.add.at(marks, (np.minimum(starts + lengths, n_days), run_s, run_i), -1)
    stocked_out: BoolArray = np.cumsum(marks, axis=0)[:n_days] > 0
    return stocked_out


def _simulate_quantities(
    rng: np.random.Generator,
    days: _Days,
    stores: _Stores,
    items: _Items,
    life: _Lifecycle,
    active: BoolArray,
    temperature: FloatArray,
    mean_temp: FloatArray,
    unemployment: FloatArray,
    price_cents: IntArray,
    regular_cents: IntArray,
    chain_regular: FloatArray,
) -> IntArray:
    """Draws the daily units sold of every series from the product of its demand drivers.

    Returns:
        Units sold, (T, S, I): 0 on stock-out days and outside each series' active span.
    """
    weekly, seasonal, trend = _calendar_multipliers(days, items)
    store_mult = (stores.size_sqft / STORE_SIZE_REFERENCE_SQFT) ** STORE_SIZE_EXPONENT
    affinity = rng.lognormal(0.0, STORE_ITEM_AFFINITY_SIGMA, (stores.n, items.n))
    temp_effect, unemp_effect = _exogenous_effects(items, temperature, mean_temp, unemployment)
    mean = (
        items.base_demand[None, None, :]
        * store_mult[None, :, None]
        * affinity[None]
        * weekly[:, None, None]
        * seasonal[:, None, :]
        * trend[:, None, :]
        * temp_effect
        * unemp_effect[:, :, None]
        * _price_effect(items, price_cents, regular_cents, chain_regular)
        * _lifecycle_multiplier(life, days.n)
    )
    # Poisson-gamma mixture == negative binomial with item-specific dispersion.
    k = items.dispersion[None, None, :]
    lam = mean * rng.gamma(k, 1.0 / k, size=mean.shape)
    quantity = rng.poisson(lam).astype(np.int64)
    quantity[_stockout_mask(rng, life, days.n)] = 0
    quantity[~active] = 0
    return quantity


def _plant_shift(
    quantity: IntArray, items: _Items, days: _Days, config: DemoConfig
) -> dict[str, Any] | None:
    """Multiply one category's quantities in the last shift_days by shift_factor, in place
    (rounded; no random draws, so everything else stays as it was). Returns the shift's
    description for the manifest, or None."""
    if not config.shift_category or config.shift_days <= 0:
        return None
    names = [c.category_id for c in CATEGORIES]
    if config.shift_category not in names:
        raise ValueError(f"shift_category {config.shift_category!r} is not one of {names}")
    in_category = items.category_idx == names.index(config.shift_category)
    start = max(days.n - config.shift_days, 0)
    window = quantity[start:, :, in_category]
    quantity[start:, :, in_category] = np.rint(window * config.shift_factor).astype(np.int64)
    return {
        "category_id": config.shift_category,
        "start_date": days.iso[start],
        "factor": config.shift_factor,
        "items": [items.ids[i] for i in np.flatnonzero(in_category)],
    }


# --- Fault planting ----------------------------------------------------------------------------


_Line = tuple[str, str, str, str]  # sales_date, store_id, item_id, quantity as written
_LineChange = Callable[[np.random.Generator, _Line, dt.date], _Line]


@dataclass(frozen=True)
class _MissingBatches:
    """The rows of a missing weekend batch and of a late file, removed from the sales."""

    weekend_store: str
    weekend_t: list[int]
    weekend_rows: int
    late_store: str
    late_t: list[int]
    late_rows: int


@dataclass(frozen=True)
class _Resend:
    """A re-sent sales file: existing keys again, half of them with a corrected quantity."""

    month_key: int
    source_idx: IntArray  # sales row each re-sent row repeats
    rows: list[_Line]
    n_conflict: int
    conflict_rows: list[dict[str, Any]]

    @property
    def month_label(self) -> str:
        """The month of the re-sent file, ``YYYY-MM``."""
        return f"{self.month_key // 100:04d}-{self.month_key % 100:02d}"

    @property
    def file(self) -> str:
        """The re-sent file's path in the data folder."""
        return f"sales/sales_{self.month_label}_resend.csv"


@dataclass(frozen=True)
class _RowFaultPlanter:
    """One fault planted by rewriting fresh sales rows, and its manifest entry.

    Attributes:
        fault: The quarantine reason code the rows must get.
        rate: Share of the clean rows to rewrite; ``None`` = ``fixed_count`` rows.
        fixed_count: Number of rows to rewrite when ``rate`` is ``None``.
        change: The rewrite of one row (its line and sales date) into a faulty line.
        description: The manifest's description of the fault.
        extra: Further manifest fields, from the tally of the rewritten rows.
    """

    fault: str
    rate: float | None
    fixed_count: int
    change: _LineChange
    description: str
    extra: Callable[[dict[str, int]], dict[str, Any]] = lambda tally: {}

    def count(self, n_clean: int) -> int:
        """Number of faulty rows to plant among ``n_clean`` clean rows."""
        return self.fixed_count if self.rate is None else _fault_count(self.rate, n_clean)

    def manifest_entry(self, tally: dict[str, int]) -> dict[str, Any]:
        """The fault's manifest entry, given the tally of the rows it rewrote."""
        return {
            "fault": self.fault,
            "rate": self.rate,
            "count": tally.get("rows", 0),
            "description": self.description,
            **self.extra(tally),
        }


def _pick_store(ids: list[str], wanted: str, fallback: int, avoid: str | None = None) -> str:
    if wanted in ids:
        return wanted
    candidates = [s for s in ids if s != avoid] or ids
    return candidates[fallback if fallback >= 0 else len(candidates) + fallback]


def _weekend_days(days: _Days) -> list[int]:
    saturdays = np.flatnonzero((days.dow == 5) & (np.arange(days.n) + 1 < days.n))
    # Centre the outage on the middle of the history.
    target = days.n // 2 - 7 * (MISSING_WEEKENDS // 2)
    k0 = int(np.argmin(np.abs(saturdays - target)))
    chosen = saturdays[k0 : k0 + MISSING_WEEKENDS]
    if chosen.size < MISSING_WEEKENDS:
        chosen = saturdays[-MISSING_WEEKENDS:]
    return sorted([int(t) for t in chosen] + [int(t) + 1 for t in chosen])


def _fault_count(rate: float, base: int) -> int:
    return max(1, round(rate * base))


def _remove_missing_batches(
    days: _Days, rows: _SalesRows, store_ids: list[str]
) -> tuple[_SalesRows, _MissingBatches]:
    """Removes a mid-history run of weekends of one store and the last days of another.

    Args:
        days: The days of the history.
        rows: The clean sales rows.
        store_ids: Every store id.

    Returns:
        (the rows left, what was removed).
    """
    weekend_store = _pick_store(store_ids, MISSING_WEEKEND_STORE, 2 if len(store_ids) > 2 else 0)
    late_store = _pick_store(store_ids, LATE_FILE_STORE, -1, avoid=weekend_store)
    weekend_t = _weekend_days(days)
    in_weekend = (rows.store == weekend_store) & np.isin(rows.t, weekend_t)
    in_late = (rows.store == late_store) & (rows.t >= days.n - LATE_FILE_DAYS)
    keep = ~(in_weekend | in_late)
    kept = _SalesRows(
        rows.t[keep], rows.store[keep], rows.item[keep], rows.date[keep], rows.quantity[keep].copy()
    )
    missing = _MissingBatches(
        weekend_store=weekend_store,
        weekend_t=weekend_t,
        weekend_rows=int(in_weekend.sum()),
        late_store=late_store,
        late_t=list(range(days.n - LATE_FILE_DAYS, days.n)),
        late_rows=int(in_late.sum()),
    )
    return kept, missing


def _plant_resend(rng: np.random.Generator, days: _Days, rows: _SalesRows) -> _Resend:
    """Draws the re-sent file: rows of the month holding the middle day of the history.

    Args:
        rng: The generator everything is drawn from.
        days: The days of the history.
        rows: The sales rows (not changed).

    Returns:
        The re-sent rows, half of them (rounded up) with a different quantity.
    """
    month = days.month_key[rows.t]
    resend_key = int(days.month_key[days.n // 2])
    candidates = np.flatnonzero(month == resend_key)
    n_resend = min(RESEND_ROWS, candidates.size // 2)
    resend_idx = np.sort(rng.choice(candidates, size=n_resend, replace=False))
    n_conflict = n_resend - n_resend // 2
    conflict = np.zeros(n_resend, dtype=np.bool_)
    conflict[rng.choice(n_resend, size=n_conflict, replace=False)] = True
    original = np.array([int(q) for q in rows.quantity[resend_idx]], dtype=np.int64)
    delta = rng.integers(1, 6, size=n_resend)
    down = rng.random(n_resend) < 0.5
    corrected = np.where(down & (original - delta >= 0), original - delta, original + delta)
    resent_qty = np.where(conflict, corrected, original)
    resend_rows = [
        (str(rows.date[j]), str(rows.store[j]), str(rows.item[j]), str(int(q)))
        for j, q in zip(resend_idx, resent_qty, strict=True)
    ]
    conflict_rows = [
        {
            "sales_date": str(rows.date[j]),
            "store_id": str(rows.store[j]),
            "item_id": str(rows.item[j]),
            "original_quantity": int(o),
            "resent_quantity": int(q),
        }
        for j, o, q, c in zip(resend_idx, original, resent_qty, conflict, strict=True)
        if c
    ]
    return _Resend(resend_key, resend_idx, resend_rows, n_conflict, conflict_rows)


def _rewrite_rows(
    rng: np.random.Generator,
    days: _Days,
    rows: _SalesRows,
    candidates: Iterator[int],
    count: int,
    change: _LineChange,
) -> dict[str, int]:
    """Applies ``change`` to fresh rows, in place, until ``count`` distinct faulty lines exist.

    Args:
        rng: The generator everything is drawn from.
        days: The days of the history.
        rows: The sales rows, rewritten in place.
        candidates: Indices of rows no fault has touched yet; consumed.
        count: Number of faulty rows wanted.
        change: The rewrite of one row.

    Returns:
        Tally: ``rows`` rewritten, and how many have an empty store_id or item_id.
    """
    seen: set[_Line] = set()
    tally: dict[str, int] = {}
    while len(seen) < count:
        j = next(candidates, None)
        if j is None:
            break
        current = (str(rows.date[j]), str(rows.store[j]), str(rows.item[j]), str(rows.quantity[j]))
        line = change(rng, current, days.dates[int(rows.t[j])])
        # Two faulty rows must never collapse into one exact duplicate line, otherwise the
        # expected quarantine count would no longer equal the manifest count.
        if line in seen:
            continue
        seen.add(line)
        rows.date[j], rows.store[j], rows.item[j], rows.quantity[j] = line
        tally["rows"] = tally.get("rows", 0) + 1
        if line[1] == "":
            tally["empty_store_id"] = tally.get("empty_store_id", 0) + 1
        if line[2] == "":
            tally["empty_item_id"] = tally.get("empty_item_id", 0) + 1
    return tally


def _negative_quantity(rng: np.random.Generator, line: _Line, when: dt.date) -> _Line:
    d, s, i, _ = line
    return d, s, i, str(-int(rng.integers(1, 10)))


def _null_key(rng: np.random.Generator, line: _Line, when: dt.date) -> _Line:
    d, s, i, q = line
    return (d, "", i, q) if rng.random() < 0.5 else (d, s, "", q)


def _unparseable_date(rng: np.random.Generator, line: _Line, when: dt.date) -> _Line:
    _, s, i, q = line
    style = int(rng.integers(0, 3))
    if style == 0:
        text = when.strftime("%d/%m/%Y")
    elif style == 1:
        text = f"{when.year}-13-{int(rng.integers(32, 60))}"
    else:
        text = UNPARSEABLE_DATE_TEXT
    return text, s, i, q


def _unparseable_quantity(rng: np.random.Generator, line: _Line, when: dt.date) -> _Line:
    d, s, i, _ = line
    text = UNPARSEABLE_QUANTITY_TEXTS[int(rng.integers(0, len(UNPARSEABLE_QUANTITY_TEXTS)))]
    return d, s, i, text


def _absurd_quantity(rng: np.random.Generator, line: _Line, when: dt.date) -> _Line:
    d, s, i, _ = line
    return d, s, i, str(int(rng.integers(ABSURD_QUANTITY_MIN, ABSURD_QUANTITY_MAX + 1)))


# Planted in this order, each on rows none of the others touched.
_ROW_FAULT_PLANTERS = (
    _RowFaultPlanter(
        "negative_quantity",
        NEGATIVE_QUANTITY_RATE,
        0,
        _negative_quantity,
        "Rows whose quantity is a negative integer (e.g. -3).",
    ),
    _RowFaultPlanter(
        "null_key",
        NULL_KEY_RATE,
        0,
        _null_key,
        "Rows with an empty store_id or an empty item_id (never both).",
        lambda tally: {
            "count_empty_store_id": tally.get("empty_store_id", 0),
            "count_empty_item_id": tally.get("empty_item_id", 0),
        },
    ),
    _RowFaultPlanter(
        "unparseable_date",
        UNPARSEABLE_DATE_RATE,
        0,
        _unparseable_date,
        "Rows whose sales_date is not an ISO date: DD/MM/YYYY, a month of 13 "
        f"(e.g. 2024-13-45) or the text '{UNPARSEABLE_DATE_TEXT}'.",
    ),
    _RowFaultPlanter(
        "unparseable_quantity",
        UNPARSEABLE_QUANTITY_RATE,
        0,
        _unparseable_quantity,
        "Rows whose quantity is not an integer: "
        + ", ".join(repr(t) for t in UNPARSEABLE_QUANTITY_TEXTS)
        + ".",
    ),
    _RowFaultPlanter(
        "absurd_quantity",
        None,
        ABSURD_QUANTITY_COUNT,
        _absurd_quantity,
        f"Rows with an integer quantity of at least {ABSURD_QUANTITY_MIN:,} "
        "(fixed number of rows, not a rate).",
        lambda tally: {"threshold": ABSURD_QUANTITY_MIN},
    ),
)


def _duplicate_faults(resend: _Resend, n_within_file: int) -> list[dict[str, Any]]:
    """The manifest entries of the exact and the conflicting duplicates.

    Args:
        resend: The re-sent file.
        n_within_file: Number of rows copied later into their own monthly file.

    Returns:
        The ``exact_duplicate`` and ``conflicting_duplicate`` entries.
    """
    n_resend = len(resend.rows)
    n_same = n_resend - resend.n_conflict
    exact = {
        "fault": "exact_duplicate",
        "rate": EXACT_DUPLICATE_RATE,
        "count": int(n_within_file + n_same),
        "description": (
            "Data rows that repeat an earlier data row verbatim (all four fields), "
            "counting across sales files in file-name order. count_within_file copies sit "
            "later in the same monthly file as their original; count_in_resend_file rows "
            f"of {resend.file} carry the same quantity as the original row."
        ),
        "count_within_file": int(n_within_file),
        "count_in_resend_file": int(n_same),
    }
    conflicting = {
        "fault": "conflicting_duplicate",
        "rate": None,
        "count": int(resend.n_conflict),
        "description": (
            f"{resend.file} re-sends {n_resend} existing (sales_date, store_id, item_id) "
            f"keys; {resend.n_conflict} of them with a different quantity (counted here) and "
            f"{n_same} with the same quantity (counted as exact_duplicate). Rule: the row "
            "from the file whose name sorts last wins."
        ),
        "resend_file": resend.file,
        "resend_rows": int(n_resend),
        "rows": resend.conflict_rows,
    }
    return [exact, conflicting]


def _missing_batch_faults(days: _Days, missing: _MissingBatches) -> list[dict[str, Any]]:
    """The manifest entries of the missing weekend batch and of the late file."""
    weekend = {
        "fault": "missing_weekend_batch",
        "rate": None,
        "count": missing.weekend_rows,
        "description": (
            f"No rows at all for store {missing.weekend_store} on the Saturdays and Sundays of "
            f"{MISSING_WEEKENDS} consecutive weekends mid-history (the batch never "
            "arrived); count is the number of store x item rows missing."
        ),
        "store_id": missing.weekend_store,
        "dates": [days.dates[t].isoformat() for t in missing.weekend_t],
    }
    late = {
        "fault": "late_file",
        "rate": None,
        "count": missing.late_rows,
        "description": (
            f"The last {LATE_FILE_DAYS} days of store {missing.late_store} are absent (its last "
            "file had not arrived by the as-of date); count is the number of rows missing."
        ),
        "store_id": missing.late_store,
        "dates": [days.dates[t].isoformat() for t in missing.late_t],
    }
    return [weekend, late]


def _plant_faults(
    rng: np.random.Generator, days: _Days, rows: _SalesRows, store_ids: list[str]
) -> tuple[_SalesRows, IntArray, list[tuple[str, str, str, str]], str, list[dict[str, Any]], int]:
    """Mutates, removes and duplicates rows.

    Returns:
        (rows after removal and mutation, source index of each in-file duplicate, rows of the
        re-sent file, month label of the re-sent file, fault manifest entries, clean row count).
    """
    rows, missing = _remove_missing_batches(days, rows, store_ids)
    n_clean = len(rows.t)
    resend = _plant_resend(rng, days, rows)
    # Every remaining fault takes its rows from one shared permutation, so no row is hit twice.
    pool = rng.permutation(np.setdiff1d(np.arange(n_clean), resend.source_idx))
    n_dup = _fault_count(EXACT_DUPLICATE_RATE, n_clean)
    dup_src = np.sort(pool[:n_dup]).astype(np.int64)
    candidates = iter(int(j) for j in pool[n_dup:])
    row_faults = [
        planter.manifest_entry(
            _rewrite_rows(rng, days, rows, candidates, planter.count(n_clean), planter.change)
        )
        for planter in _ROW_FAULT_PLANTERS
    ]
    faults = [
        *_duplicate_faults(resend, int(dup_src.size)),
        *row_faults,
        *_missing_batch_faults(days, missing),
    ]
    return rows, dup_src, resend.rows, resend.month_label, faults, n_clean


# --- Writing -----------------------------------------------------------------------------------


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


def _cents(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def _readme(manifest: dict[str, Any]) -> str:
    cfg = manifest["config"]
    lines = [
        "# demandcast demo data",
        "",
        "Synthetic daily retail sales written by `python -m demandcast.tools.demo_data`.",
        f"Seed `{manifest['seed']}`, {cfg['n_stores']} stores x {cfg['n_items']} items, "
        f"{manifest['date_range']['start']} to {manifest['date_range']['end']} "
        f"({cfg['n_days']} days). The same configuration always produces byte-identical files.",
        "",
        "## Files",
        "",
        "- `sales/sales_YYYY-MM.csv`: `sales_date,store_id,item_id,quantity`, one row per store x "
        "item x day while the item is on sale in that store; a 0 means it sold nothing.",
        "- `prices.csv`: `effective_date,store_id,item_id,price,is_promotion`, a price-change log; "
        "a price holds until the next row of the same store x item.",
        "- `calendar_events.csv`: `event_date,event_name,event_type` (holiday, sporting, "
        "cultural).",
        "- `stores.csv`: `store_id,store_name,region,store_type,store_size` (size in sq ft).",
        "- `items.csv`: `item_id,item_name,department_id,category_id`.",
        "- `store_exogenous.csv`: `observation_date,store_id,temperature_c,"
        "local_unemployment_rate`, daily per store.",
        "- `faults.json`: this manifest in machine-readable form (row counts per file, faults).",
        "",
        f"{manifest['total_sales_rows']} sales rows in total.",
        "",
        "## Planted faults",
        "",
    ]
    if not manifest["faults"]:
        lines.append("None: generated with `plant_faults=False`.")
    else:
        lines += ["| fault | rate | count | description |", "|---|---|---|---|"]
        for fault in manifest["faults"]:
            rate = "fixed" if fault["rate"] is None else f"{fault['rate']:.2%}"
            lines.append(
                f"| {fault['fault']} | {rate} | {fault['count']} | {fault['description']} |"
            )
        lines += [
            "",
            "Rates are relative to the clean sales rows "
            f"({manifest['clean_sales_rows']}); each fault hits distinct rows, so the expected "
            "quarantine count per reason equals the count above.",
            "",
            "Pipeline rule for re-sent files: when the same (sales_date, store_id, item_id) "
            "appears in several sales files, the row from the file whose name sorts last wins.",
        ]
    return "\n".join(lines) + "\n"


def _validate(config: DemoConfig) -> None:
    if config.n_stores < 1 or config.n_items < 1 or config.n_days < MIN_DAYS:
        raise ValueError(f"need at least 1 store, 1 item and {MIN_DAYS} days, got {config!r}")


# --- Assembling the data set -------------------------------------------------------------------


@dataclass
class _World:
    """Everything simulated before any fault is planted or any file written."""

    days: _Days
    stores: _Stores
    items: _Items
    life: _Lifecycle
    temperature: FloatArray  # (T, S)
    unemployment: FloatArray  # (T, S)
    price_cents: IntArray  # (T, S, I)
    discount: FloatArray  # (T, S, I)
    active: BoolArray  # (T, S, I): the item is on sale in the store that day
    quantity: IntArray  # (T, S, I)


def _simulate_world(rng: np.random.Generator, config: DemoConfig) -> _World:
    """Draws the stores, the items, their drivers and the units sold, in a fixed order.

    Args:
        rng: The generator everything is drawn from.
        config: Size of the data set.

    Returns:
        The simulated world.
    """
    days = _make_days(config)
    stores = _make_stores(rng, config.n_stores)
    items = _make_items(rng, config.n_items)
    life = _make_lifecycle(rng, stores.n, items.n, days.n)
    temperature, mean_temp, unemployment = _make_exogenous(rng, days, stores)
    price_cents, regular_cents, discount, chain_regular = _make_prices(
        rng, days, stores, items, life
    )
    t_axis = np.arange(days.n)[:, None, None]
    active = (t_axis >= life.first_t[None]) & (t_axis <= life.last_t[None])
    quantity = _simulate_quantities(
        rng,
        days,
        stores,
        items,
        life,
        active,
        temperature,
        mean_temp,
        unemployment,
        price_cents,
        regular_cents,
        chain_regular,
    )
    return _World(
        days=days,
        stores=stores,
        items=items,
        life=life,
        temperature=temperature,
        unemployment=unemployment,
        price_cents=price_cents,
        discount=discount,
        active=active,
        quantity=quantity,
    )


def _sales_rows(world: _World) -> _SalesRows:
    """The clean sales rows: one per store x item x day while the item is on sale there."""
    t_idx, s_idx, i_idx = np.nonzero(world.active)
    store_arr = np.array(world.stores.ids, dtype=object)
    item_arr = np.array(world.items.ids, dtype=object)
    return _SalesRows(
        t=t_idx.astype(np.int64),
        store=store_arr[s_idx],
        item=item_arr[i_idx],
        date=world.days.iso[t_idx],
        quantity=world.quantity[world.active].astype(str).astype(object),
    )


def _sales_file_order(
    rng: np.random.Generator, month: IntArray, dup_src: IntArray
) -> tuple[IntArray, IntArray]:
    """Places each in-file duplicate at a random later line of the month file of its original.

    Args:
        rng: The generator everything is drawn from.
        month: Month key (YYYYMM) of each sales row, in row order.
        dup_src: Source row of each duplicate.

    Returns:
        (source row of each written line, month key of each written line), in file order.
    """
    month_end = np.searchsorted(month, month, side="right") - 1
    copy_pos = (dup_src + 0.5 + rng.random(dup_src.size) * (month_end[dup_src] - dup_src)).astype(
        np.float64
    )
    order = np.argsort(
        np.concatenate([np.arange(len(month), dtype=np.float64), copy_pos]), kind="stable"
    )
    all_src = np.concatenate([np.arange(len(month)), dup_src])[order]
    return all_src, month[all_src]


def _write_sales_files(
    out: Path,
    rows: _SalesRows,
    month: IntArray,
    file_order: tuple[IntArray, IntArray],
    resend_rows: list[_Line],
    resend_month: str,
) -> dict[str, int]:
    """Writes one sales file per month (and the re-sent file), after deleting stale ones.

    Args:
        out: The data folder.
        rows: The sales rows.
        month: Month key (YYYYMM) of each sales row.
        file_order: Source row and month key of each written line (``_sales_file_order``).
        resend_rows: Lines of the re-sent file; none = no such file.
        resend_month: Month label (YYYY-MM) of the re-sent file.

    Returns:
        Rows written per file, by path relative to ``out``.
    """
    all_src, all_month = file_order
    sales_dir = out / "sales"
    sales_dir.mkdir(parents=True, exist_ok=True)
    for stale in sorted(sales_dir.glob("sales_*.csv")):
        stale.unlink()
    files: dict[str, int] = {}
    columns = (rows.date, rows.store, rows.item, rows.quantity)
    bounds = np.flatnonzero(np.diff(all_month)) + 1
    for chunk in np.split(all_src, bounds):
        key = int(month[chunk[0]])
        rel = f"sales/sales_{key // 100:04d}-{key % 100:02d}.csv"
        data = list(zip(*(col[chunk].tolist() for col in columns), strict=True))
        files[rel] = _write_csv(out / rel, SALES_HEADER, data)
    if resend_rows:
        rel = f"sales/sales_{resend_month}_resend.csv"
        files[rel] = _write_csv(out / rel, SALES_HEADER, resend_rows)
    return files


def _price_log_rows(world: _World) -> list[tuple[str, str, str, str, str]]:
    """Price log: a row at the series' first day and whenever price or promo flag changes."""
    days, stores, items, price_cents = world.days, world.stores, world.items, world.price_cents
    promo = world.discount > 0
    changed = np.zeros_like(world.active)
    changed[1:] = (price_cents[1:] != price_cents[:-1]) | (promo[1:] != promo[:-1])
    t_axis = np.arange(days.n)[:, None, None]
    logged = world.active & (changed | (t_axis == world.life.first_t[None]))
    lt, ls, li = np.nonzero(logged.transpose(1, 2, 0))  # store, item, date order
    return [
        (
            days.iso[t],
            stores.ids[s],
            items.ids[i],
            _cents(int(price_cents[t, s, i])),
            "true" if promo[t, s, i] else "false",
        )
        for t, s, i in zip(li.tolist(), lt.tolist(), ls.tolist(), strict=True)
    ]


def _calendar_rows(days: _Days) -> list[tuple[str, str, str]]:
    """Every event of every calendar year of the history, by date."""
    return sorted(
        (event.rule(year).isoformat(), event.name, event.event_type)
        for year in range(days.dates[0].year, days.dates[-1].year + 1)
        for event in EVENTS
    )


def _store_rows(stores: _Stores) -> list[tuple[str, str, str, str, str]]:
    """The store master rows."""
    return [
        (
            stores.ids[k],
            stores.names[k],
            REGIONS[int(stores.region_idx[k])].name,
            stores.store_type[k],
            str(int(stores.size_sqft[k])),
        )
        for k in range(stores.n)
    ]


def _item_rows(items: _Items) -> list[tuple[str, str, str, str]]:
    """The item master rows."""
    return [
        (
            items.ids[k],
            items.names[k],
            items.department[k],
            CATEGORIES[int(items.category_idx[k])].category_id,
        )
        for k in range(items.n)
    ]


def _exogenous_rows(world: _World) -> list[tuple[str, str, str, str]]:
    """Daily temperature and unemployment rate per store."""
    return [
        (
            world.days.iso[t],
            world.stores.ids[s],
            f"{world.temperature[t, s]:.1f}",
            f"{world.unemployment[t, s]:.2f}",
        )
        for t in range(world.days.n)
        for s in range(world.stores.n)
    ]


def _write_reference_files(out: Path, world: _World) -> dict[str, int]:
    """Writes the price log, the calendar, the store and item masters and the exogenous file.

    Returns:
        Rows written per file, by file name.
    """
    tables: tuple[tuple[str, Sequence[str], Sequence[Sequence[str]]], ...] = (
        ("prices.csv", PRICES_HEADER, _price_log_rows(world)),
        ("calendar_events.csv", CALENDAR_HEADER, _calendar_rows(world.days)),
        ("stores.csv", STORES_HEADER, _store_rows(world.stores)),
        ("items.csv", ITEMS_HEADER, _item_rows(world.items)),
        ("store_exogenous.csv", EXOGENOUS_HEADER, _exogenous_rows(world)),
    )
    return {name: _write_csv(out / name, header, rows) for name, header, rows in tables}


def _lifecycle_manifest(world: _World) -> list[dict[str, Any]]:
    """The manifest entry of each launched or discontinued item."""
    days, stores, items, life = world.days, world.stores, world.items, world.life
    return [
        {
            "item_id": items.ids[i],
            "status": "launched" if i in set(life.launched.tolist()) else "discontinued",
            "first_sales_date_by_store": {
                stores.ids[s]: days.iso[int(life.first_t[s, i])] for s in range(stores.n)
            },
            "last_sales_date": days.iso[int(life.last_t[:, i].max())],
        }
        for i in sorted(life.launched.tolist() + life.discontinued.tolist())
    ]


def _manifest(
    config: DemoConfig,
    world: _World,
    files: dict[str, int],
    total_sales_rows: int,
    n_clean: int,
    faults: list[dict[str, Any]],
    shift: dict[str, Any] | None,
) -> dict[str, Any]:
    """The manifest written as ``faults.json``.

    Args:
        config: The configuration the data set was generated with.
        world: The simulated world.
        files: Rows written per file.
        total_sales_rows: Rows written to all sales files.
        n_clean: Sales rows before any fault was planted in a row.
        faults: The manifest entries of the planted faults.
        shift: The planted level shift, or ``None``.

    Returns:
        The manifest.
    """
    config_dict = dataclasses.asdict(config)
    config_dict["start_date"] = config.start_date.isoformat()
    return {
        "seed": config.seed,
        "config": config_dict,
        "date_range": {"start": world.days.iso[0], "end": world.days.iso[-1]},
        "as_of_date": world.days.iso[-1],
        "files": files,
        "total_sales_rows": total_sales_rows,
        "clean_sales_rows": n_clean,
        "faults": faults,
        "planted_shift": shift,
        "item_lifecycle": _lifecycle_manifest(world),
    }


# --- Public API --------------------------------------------------------------------------------


def generate_demo_data(out_dir: str | Path, config: DemoConfig = DEFAULT_CONFIG) -> dict[str, Any]:
    """Generates the demo data set and writes it into ``out_dir``.

    Existing ``sales/sales_*.csv`` files in ``out_dir`` are deleted first so that files of an
    earlier, larger run cannot leak into this one.

    Args:
        out_dir: Target directory, created if needed.
        config: Size, seed and fault switch.

    Returns:
        The fault manifest, also written as ``faults.json``.

    Raises:
        ValueError: If the configuration is too small to be meaningful.
    """
    _validate(config)
    out = Path(out_dir)
    rng = np.random.default_rng(config.seed)
    world = _simulate_world(rng, config)
    shift = _plant_shift(world.quantity, world.items, world.days, config)
    rows = _sales_rows(world)
    dup_src = np.zeros(0, dtype=np.int64)
    resend_rows: list[_Line] = []
    resend_month = ""
    faults: list[dict[str, Any]] = []
    n_clean = len(rows.t)
    if config.plant_faults:
        rows, dup_src, resend_rows, resend_month, faults, n_clean = _plant_faults(
            rng, world.days, rows, world.stores.ids
        )
    month = world.days.month_key[rows.t]
    file_order = _sales_file_order(rng, month, dup_src)
    files = _write_sales_files(out, rows, month, file_order, resend_rows, resend_month)
    total_sales_rows = sum(files.values())
    files.update(_write_reference_files(out, world))
    manifest = _manifest(config, world, files, total_sales_rows, n_clean, faults, shift)
    (out / "faults.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(_readme(manifest), encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments without the program name; ``None`` means ``sys.argv[1:]``.

    Returns:
        Process exit code.
    """
    parser = argparse.ArgumentParser(
        prog="python -m demandcast.tools.demo_data",
        description="Generate deterministic retail demo data (CSV) with planted faults.",
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--stores", type=int, default=DEFAULT_CONFIG.n_stores)
    parser.add_argument("--items", type=int, default=DEFAULT_CONFIG.n_items)
    parser.add_argument("--days", type=int, default=DEFAULT_CONFIG.n_days)
    parser.add_argument("--seed", type=int, default=DEFAULT_CONFIG.seed)
    parser.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=DEFAULT_CONFIG.start_date,
        help="first date (YYYY-MM-DD)",
    )
    parser.add_argument("--no-faults", action="store_true", help="do not plant data faults")
    args = parser.parse_args(argv)
    config = DemoConfig(
        n_stores=args.stores,
        n_items=args.items,
        start_date=args.start,
        n_days=args.days,
        seed=args.seed,
        plant_faults=not args.no_faults,
    )
    try:
        _validate(config)
    except ValueError as exc:
        parser.error(str(exc))
    manifest = generate_demo_data(args.out, config)
    n_sales = sum(1 for f in manifest["files"] if f.startswith("sales/"))
    n_faulty = sum(int(f["count"]) for f in manifest["faults"])
    print(
        f"demo data written to {args.out}: {len(manifest['files'])} CSV files "
        f"({n_sales} sales files, {manifest['total_sales_rows']} sales rows, "
        f"{n_faulty} rows affected by planted faults, seed {config.seed})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
