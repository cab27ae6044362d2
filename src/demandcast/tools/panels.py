"""Raw data folders read straight into one long panel, without the dbt project.

The accuracy benchmark needs the actual quantities after the forecast origin, and the peers
need the history up to it, from the files themselves: reading them through the project
would let a bug in staging hide from the very benchmark meant to catch it.

A panel is one row per store_id, item_id, period_date with ``quantity`` and ``is_holiday``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SERIES_COLUMNS = ["store_id", "item_id"]
PANEL_COLUMNS = [*SERIES_COLUMNS, "period_date", "quantity", "is_holiday"]

# The project's defaults (dbt_project.yml): event types that make a period a holiday, the
# largest plausible quantity, and the text that means true.
HOLIDAY_EVENT_TYPES = frozenset({"holiday", "national"})
MAX_ABS_QUANTITY = 10_000_000
TRUE_TEXTS = frozenset({"true", "t", "1", "yes", "y"})


@dataclass(frozen=True)
class Panel:
    """A data folder's sales as one long frame.

    Attributes:
        frame: ``PANEL_COLUMNS``, one row per series and period, sorted.
        frequency: ``day`` or ``week``.
        has_holiday_flag: Whether the folder says which periods are holidays (a sales
            column or a calendar of events); without it ``is_holiday`` is all false.
    """

    frame: pd.DataFrame
    frequency: str
    has_holiday_flag: bool

    @property
    def period(self) -> pd.Timedelta:
        """Length of one period."""
        return pd.Timedelta(days=7 if self.frequency == "week" else 1)

    @property
    def last_date(self) -> dt.date:
        """The latest period in the data."""
        return pd.Timestamp(self.frame["period_date"].max()).date()


def _is_true(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower().isin(TRUE_TEXTS).astype(bool)


def _finish(frame: pd.DataFrame, frequency: str, has_holiday_flag: bool) -> Panel:
    frame = frame[PANEL_COLUMNS].sort_values([*SERIES_COLUMNS, "period_date"], kind="stable")
    return Panel(frame.reset_index(drop=True), frequency, has_holiday_flag)


def read_walmart(data_dir: Path) -> Panel:
    """Walmart Store Sales layout: ``train.csv`` (Store, Dept, Date, Weekly_Sales, IsHoliday).

    Dept plays the item, as in the project's ``walmart_vars`` preset; negative sales are
    returns and are kept.
    """
    raw = pd.read_csv(data_dir / "train.csv", dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "store_id": raw["Store"].str.strip(),
            "item_id": raw["Dept"].str.strip(),
            "period_date": pd.to_datetime(raw["Date"], format="%Y-%m-%d"),
            "quantity": pd.to_numeric(raw["Weekly_Sales"]).astype("float64"),
            "is_holiday": _is_true(raw["IsHoliday"]),
        }
    )
    return _finish(frame, "week", has_holiday_flag=True)


def _holiday_dates(events: pd.DataFrame, date_column: str, type_columns: list[str]) -> set:
    holiday = np.zeros(len(events), dtype=bool)
    for column in type_columns:
        kind = events[column].astype("string").str.strip().str.lower()
        holiday |= kind.isin(HOLIDAY_EVENT_TYPES).fillna(False).to_numpy(dtype=bool)
    dates = pd.to_datetime(events.loc[holiday, date_column], format="%Y-%m-%d", errors="coerce")
    return set(dates.dropna())


def read_m5(data_dir: Path) -> Panel:
    """M5 layout: ``calendar.csv`` and ``sales_train_*.csv`` (evaluation preferred, as the
    project's ``m5_vars`` preset does). Holidays are days with a national event."""
    sales_files = sorted(
        data_dir.glob("sales_train_*.csv"), key=lambda path: "evaluation" in path.name
    )
    if not sales_files:
        raise FileNotFoundError(f"no sales_train_*.csv in {data_dir}")
    calendar = pd.read_csv(data_dir / "calendar.csv", dtype=str, keep_default_na=False)
    wide = pd.read_csv(sales_files[-1], dtype={"store_id": str, "item_id": str})
    day_columns = [column for column in wide.columns if column.startswith("d_")]
    long = wide.melt(
        id_vars=SERIES_COLUMNS, value_vars=day_columns, var_name="d", value_name="quantity"
    )
    dates = dict(
        zip(calendar["d"], pd.to_datetime(calendar["date"], format="%Y-%m-%d"), strict=True)
    )
    long["period_date"] = long["d"].map(dates)
    holidays = _holiday_dates(calendar, "date", ["event_type_1", "event_type_2"])
    long["is_holiday"] = long["period_date"].isin(holidays)
    long["quantity"] = long["quantity"].astype("float64")
    long = long.dropna(subset=["period_date", "quantity"])
    return _finish(long, "day", has_holiday_flag=bool(holidays))


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype("string")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_canonical(data_dir: Path) -> Panel:
    """Canonical layout (the demo data's): ``sales/*.csv|parquet`` and an optional
    ``calendar_events`` file, daily.

    The project's default cleaning, simplified: rows with a missing key, an unparseable
    date or quantity, a negative or absurd quantity are left out; of rows sharing a key the
    one from the file whose name sorts last, then the last row, is kept.
    """
    files = sorted((data_dir / "sales").glob("*.csv")) + sorted(
        (data_dir / "sales").glob("*.parquet")
    )
    if not files:
        raise FileNotFoundError(f"no sales/*.csv or sales/*.parquet in {data_dir}")
    raw = pd.concat([_read_table(path) for path in files], ignore_index=True)
    frame = pd.DataFrame(
        {
            "store_id": raw["store_id"].str.strip(),
            "item_id": raw["item_id"].str.strip(),
            "period_date": pd.to_datetime(
                raw["sales_date"].str.strip(), format="%Y-%m-%d", errors="coerce"
            ),
            "quantity": pd.to_numeric(raw["quantity"].str.strip(), errors="coerce"),
        }
    )
    has_sales_flag = "is_holiday" in raw.columns
    frame["is_holiday"] = _is_true(raw["is_holiday"]) if has_sales_flag else False
    valid = (
        (frame["store_id"].fillna("") != "")
        & (frame["item_id"].fillna("") != "")
        & frame["period_date"].notna()
        & np.isfinite(frame["quantity"].astype("float64"))
        & (frame["quantity"] >= 0)
        & (frame["quantity"] <= MAX_ABS_QUANTITY)
    )
    frame = frame[valid].drop_duplicates(subset=[*SERIES_COLUMNS, "period_date"], keep="last")
    frame["quantity"] = frame["quantity"].astype("float64")
    has_flag = has_sales_flag
    events_files = [
        data_dir / f"calendar_events.{ext}"
        for ext in ("csv", "parquet")
        if (data_dir / f"calendar_events.{ext}").exists()
    ]
    if events_files:
        events = _read_table(events_files[0])
        if "event_type" in events.columns:
            holidays = _holiday_dates(events, "event_date", ["event_type"])
            frame["is_holiday"] = frame["is_holiday"] | frame["period_date"].isin(holidays)
            has_flag = True
    return _finish(frame, "day", has_holiday_flag=has_flag)


READERS = {"walmart": read_walmart, "m5": read_m5, "canonical": read_canonical}


def read_panel(data_dir: str | Path, layout: str) -> Panel:
    """The sales of a data folder in a known layout (``walmart``, ``m5`` or ``canonical``)."""
    if layout not in READERS:
        raise ValueError(f"unknown layout {layout!r}; known: {sorted(READERS)}")
    return READERS[layout](Path(data_dir))
