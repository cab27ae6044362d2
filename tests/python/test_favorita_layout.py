"""The Favorita layout (Kaggle "Store Sales - Time Series Forecasting", Ecuador) end to end.

We do not ship the competition's files: each test writes a small synthetic folder in
that layout (a few stores in a few cities, ~15 months daily) and builds the project on it
with the `favorita` preset. What the layout brings that the other presets do not: a
national series without a store key (oil), holidays with a locale (national, regional =
a state, local = a city) and transferred holidays (celebrated on another day).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import pytest
from conftest import FULL_BUILD, BuildFn, Warehouse

from demandcast.tools.cli import main
from demandcast.tools.presets import favorita_vars
from demandcast.tools.project import run_dbt

pytestmark = pytest.mark.integration

FIRST_DATE = dt.date(2016, 1, 1)
LAST_DATE = dt.date(2017, 3, 31)
# store_nbr, city, state, type, cluster: two stores in Quito, one in Guayaquil, one in Cuenca.
STORES = [
    ("1", "Quito", "Pichincha", "D", "13"),
    ("2", "Quito", "Pichincha", "D", "13"),
    ("3", "Guayaquil", "Guayas", "D", "8"),
    ("4", "Cuenca", "Azuay", "B", "6"),
]
FAMILIES = ["GROCERY I", "BEVERAGES", "BREAD/BAKERY"]
# date, type, locale, locale_name, description, transferred (the file's own spelling).
HOLIDAYS = [
    ("2016-01-01", "Holiday", "National", "Ecuador", "Primer dia del ano", "False"),
    ("2016-04-16", "Event", "National", "Ecuador", "Terremoto Manabi", "False"),
    ("2016-04-25", "Holiday", "Regional", "Cotopaxi", "Provincializacion de Cotopaxi", "False"),
    ("2016-07-05", "Holiday", "Local", "Manta", "Fundacion de Manta", "False"),
    # A national holiday moved two days: not celebrated on the 10th, on the 12th instead.
    ("2016-08-10", "Holiday", "National", "Ecuador", "Primer Grito de Independencia", "True"),
    (
        "2016-08-12",
        "Transfer",
        "National",
        "Ecuador",
        "Traslado Primer Grito de Independencia",
        "False",
    ),
    # A local holiday moved a day: Guayaquil celebrates on the 10th, not the 9th.
    ("2016-10-09", "Holiday", "Local", "Guayaquil", "Independencia de Guayaquil", "True"),
    (
        "2016-10-10",
        "Transfer",
        "Local",
        "Guayaquil",
        "Traslado Independencia de Guayaquil",
        "False",
    ),
    ("2016-11-03", "Holiday", "Local", "Cuenca", "Independencia de Cuenca", "False"),
    ("2016-11-10", "Holiday", "Regional", "Azuay", "Provincializacion de Azuay", "False"),
    ("2016-11-25", "Event", "National", "Ecuador", "Black Friday", "False"),
    ("2016-12-06", "Holiday", "Local", "Quito", "Fundacion de Quito", "False"),
    ("2016-12-24", "Additional", "National", "Ecuador", "Navidad-1", "False"),
    ("2016-12-25", "Holiday", "National", "Ecuador", "Navidad", "False"),
    ("2017-01-02", "Bridge", "National", "Ecuador", "Puente Primer dia del ano", "False"),
    (
        "2017-01-14",
        "Work Day",
        "National",
        "Ecuador",
        "Recupero Puente Primer dia del ano",
        "False",
    ),
    ("2017-02-27", "Holiday", "National", "Ecuador", "Carnaval", "False"),
    # After the last sales date: known in advance, it reaches the scoring rows.
    ("2017-04-14", "Holiday", "National", "Ecuador", "Viernes Santo", "False"),
    ("2017-04-20", "Holiday", "Local", "Quito", "Dia de la Virgen de Quito", "False"),
]


def _dates() -> list[dt.date]:
    days = (LAST_DATE - FIRST_DATE).days + 1
    # Stores close on Christmas day: the file has no rows for it.
    return [
        day
        for day in (FIRST_DATE + dt.timedelta(days=n) for n in range(days))
        if (day.month, day.day) != (12, 25)
    ]


def _write_csv(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_favorita(folder: Path, *, with_train: bool = True) -> Path:
    """A small folder in the Favorita layout; transactions.csv instead of train.csv when
    with_train is false. Deterministic: no random numbers."""
    folder.mkdir(parents=True, exist_ok=True)
    dates = _dates()
    if with_train:
        rows: list[tuple[object, ...]] = []
        for day in dates:
            for store, *_ in STORES:
                for f, family in enumerate(FAMILIES):
                    level = 40 + 15 * f + 5 * int(store)
                    weekly = 1.0 + 0.3 * math.sin(2 * math.pi * day.weekday() / 7)
                    yearly = 1.0 + 0.2 * math.cos(2 * math.pi * day.timetuple().tm_yday / 365)
                    sales = round(level * weekly * yearly + (day.toordinal() * 7 + f) % 11, 3)
                    promotion = (day.toordinal() + int(store) + f) % 5
                    rows.append((len(rows), day.isoformat(), store, family, sales, promotion))
        _write_csv(
            folder / "train.csv",
            ["id", "date", "store_nbr", "family", "sales", "onpromotion"],
            rows,
        )
    else:
        _write_csv(
            folder / "transactions.csv",
            ["date", "store_nbr", "transactions"],
            [
                (day.isoformat(), store, 900 + 50 * int(store) + (day.toordinal() * 13) % 97)
                for day in dates
                for store, *_ in STORES
            ],
        )
    _write_csv(folder / "stores.csv", ["store_nbr", "city", "state", "type", "cluster"], STORES)
    # Oil prices: weekdays only, with gaps (an empty value), no store column.
    oil_days = [
        FIRST_DATE + dt.timedelta(days=n)
        for n in range((LAST_DATE - FIRST_DATE).days + 1)
        if (FIRST_DATE + dt.timedelta(days=n)).weekday() < 5
    ]
    _write_csv(
        folder / "oil.csv",
        ["date", "dcoilwtico"],
        [
            (day.isoformat(), "" if n % 9 == 4 else round(40 + 0.01 * n, 2))
            for n, day in enumerate(oil_days)
        ],
    )
    _write_csv(
        folder / "holidays_events.csv",
        ["date", "type", "locale", "locale_name", "description", "transferred"],
        HOLIDAYS,
    )
    return folder


def test_preset_maps_train_or_transactions(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = write_favorita(tmp_path / "train", with_train=True)
    with_train = favorita_vars(folder)
    assert with_train["sales_path"] == str(folder / "train.csv")
    assert with_train["sales_columns"]["item_id"] == "family"
    assert with_train["exogenous_columns"]["store_id"] is None
    assert with_train["events_columns"]["is_transferred"] == "transferred"
    assert main(["vars", "favorita", str(folder)]) == 0
    assert json.loads(capsys.readouterr().out) == with_train

    only_transactions = favorita_vars(write_favorita(tmp_path / "tx", with_train=False))
    assert only_transactions["sales_path"].endswith("transactions.csv")
    assert only_transactions["sales_columns"]["item_id"] is None
    assert only_transactions["sales_columns"]["quantity"] == "transactions"

    with pytest.raises(FileNotFoundError, match=r"train\.csv"):
        favorita_vars(tmp_path / "empty")


def test_transactions_only_folder_builds_store_only_series(tmp_path: Path, build: BuildFn):
    folder = write_favorita(tmp_path / "favorita", with_train=False)
    warehouse = build(favorita_vars(folder))
    assert warehouse.rows("select distinct item_id from stg_sales") == [("store_total",)]
    assert warehouse.scalar("select count(distinct store_id) from stg_sales") == len(STORES)
    assert warehouse.reasons() == {}
    assert warehouse.rows("select store_id, city, region from stg_stores order by 1") == [
        (store, city, state) for store, city, state, *_ in STORES
    ]


@pytest.fixture(scope="module")
def favorita_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The whole project built once on the synthetic Favorita folder (train.csv)."""
    folder = write_favorita(tmp_path_factory.mktemp("favorita"))
    database = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    result = run_dbt(["build", *FULL_BUILD], database_path=database, dbt_vars=favorita_vars(folder))
    assert result.ok, result.output[-6000:]
    return Warehouse(database, result)


def _holiday_stores(warehouse: Warehouse, day: str) -> list[str]:
    return [
        store
        for (store,) in warehouse.rows(
            "select store_id from int_calendar_features "
            f"where period_end_date = '{day}' and is_holiday_period order by store_id"
        )
    ]


def _event_stores(warehouse: Warehouse, day: str) -> list[str]:
    return [
        store
        for (store,) in warehouse.rows(
            "select store_id from int_calendar_features "
            f"where period_end_date = '{day}' and event_count > 0 order by store_id"
        )
    ]


def test_full_build_passes_and_every_raw_row_is_accounted_for(favorita_warehouse: Warehouse):
    accounting = favorita_warehouse.accounting("sales")
    assert accounting["raw_rows"] == len(_dates()) * len(STORES) * len(FAMILIES)
    assert accounting["clean_rows"] == accounting["raw_rows"]
    assert favorita_warehouse.accounting("events")["clean_rows"] == len(HOLIDAYS)
    assert favorita_warehouse.scalar("select count(*) from fct_forecasts") > 0


def test_local_and_regional_holidays_reach_only_their_stores(favorita_warehouse: Warehouse):
    everyone = ["1", "2", "3", "4"]
    assert _holiday_stores(favorita_warehouse, "2016-12-06") == ["1", "2"]  # Quito
    assert _holiday_stores(favorita_warehouse, "2016-11-03") == ["4"]  # Cuenca (city)
    assert _holiday_stores(favorita_warehouse, "2016-11-10") == ["4"]  # Azuay (state)
    assert _event_stores(favorita_warehouse, "2016-04-25") == []  # Cotopaxi: no store
    assert _event_stores(favorita_warehouse, "2016-07-05") == []  # Manta: no store
    assert _holiday_stores(favorita_warehouse, "2016-01-01") == everyone
    # A future local holiday reaches the scoring rows of its city's stores only.
    assert favorita_warehouse.rows(
        "select distinct store_id from int_forecast_features "
        "where is_scoring_row and target_date = '2017-04-20' and target_is_holiday_period "
        "order by 1"
    ) == [("1",), ("2",)]
    assert favorita_warehouse.rows(
        "select distinct target_days_to_next_event from int_forecast_features "
        "where is_scoring_row and target_date = '2017-04-15' and store_id in ('1', '3') "
        "order by 1"
    ) == [(5,), (None,)]


def test_transferred_holidays_are_celebrated_on_their_transfer_day(favorita_warehouse: Warehouse):
    everyone = ["1", "2", "3", "4"]
    assert _event_stores(favorita_warehouse, "2016-08-10") == []
    assert _holiday_stores(favorita_warehouse, "2016-08-12") == everyone
    assert _event_stores(favorita_warehouse, "2016-10-09") == []
    assert _holiday_stores(favorita_warehouse, "2016-10-10") == ["3"]  # Guayaquil
    # Additional and bridge days are days off; a work day is an event, not a holiday.
    assert _holiday_stores(favorita_warehouse, "2016-12-24") == everyone
    assert _holiday_stores(favorita_warehouse, "2017-01-02") == everyone
    assert _holiday_stores(favorita_warehouse, "2017-01-14") == []
    assert _event_stores(favorita_warehouse, "2017-01-14") == everyone


def test_oil_price_is_one_national_series_for_every_store(favorita_warehouse: Warehouse):
    per_period = favorita_warehouse.rows(
        "select period_end_date, count(distinct store_id), count(distinct exog_dcoilwtico), "
        "count(exog_dcoilwtico) from int_exogenous_features group by 1 order by 1"
    )
    assert {stores for _, stores, _, _ in per_period} == {len(STORES)}
    # One value per period, on every store, from the first oil date on (a gap or a
    # weekend carries the last price forward).
    assert {values for _, _, values, _ in per_period[1:]} == {1}
    assert {known for _, _, _, known in per_period[1:]} == {len(STORES)}
    assert (
        favorita_warehouse.scalar(
            "select count(*) from int_forecast_features where exog_dcoilwtico is null "
            "and cutoff_date > '2016-01-01'"
        )
        == 0
    )
