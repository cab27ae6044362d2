"""Var presets that point the dbt project at data in well-known layouts.

Each function takes the folder holding the files and returns the ``--vars`` mapping for
``dbt build``. Nothing here depends on particular stores or dates: the same preset serves any
folder in that layout.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EMPTY_CANONICAL_INPUTS: dict[str, str] = {
    "prices_path": "",
    "events_path": "",
    "stores_path": "",
    "items_path": "",
    "exogenous_path": "",
}


def canonical_vars(data_dir: str | Path) -> dict[str, Any]:
    """Vars for a folder in the canonical layout (the demo data's).

    Args:
        data_dir: Folder with ``sales/*.csv`` (or ``sales/*.parquet``) and the optional
            ``prices``, ``calendar_events``, ``stores``, ``items`` and ``store_exogenous``
            files, each ``.csv`` or ``.parquet``.

    Returns:
        The vars mapping; optional files that are absent are left unset.
    """
    root = Path(data_dir)
    optional = {
        "prices_path": "prices",
        "events_path": "calendar_events",
        "stores_path": "stores",
        "items_path": "items",
        "exogenous_path": "store_exogenous",
    }
    sales_format = "parquet" if list((root / "sales").glob("*.parquet")) else "csv"
    result: dict[str, Any] = {
        "input_format": "canonical",
        "sales_path": str(root / "sales" / f"*.{sales_format}"),
    }
    for var_name, stem in optional.items():
        found = [
            root / f"{stem}.{ext}"
            for ext in ("csv", "parquet")
            if (root / f"{stem}.{ext}").exists()
        ]
        result[var_name] = str(found[0]) if found else ""
    return result


def walmart_vars(data_dir: str | Path) -> dict[str, Any]:
    """Vars for a folder in the Walmart "Store Sales Forecasting" layout.

    Weekly sales by store and department (Dept plays the item), store master and the
    store-level features file as exogenous series. Negative Weekly_Sales are returns.

    Args:
        data_dir: Folder with ``train.csv`` and, when present, ``stores.csv`` and
            ``features.csv``.

    Returns:
        The vars mapping.
    """
    root = Path(data_dir)
    result: dict[str, Any] = {
        **EMPTY_CANONICAL_INPUTS,
        "input_format": "canonical",
        "frequency": "week",
        "negative_quantity_policy": "keep",
        "sales_path": str(root / "train.csv"),
        "sales_columns": {
            "sales_date": "Date",
            "store_id": "Store",
            "item_id": "Dept",
            "quantity": "Weekly_Sales",
            "is_holiday": "IsHoliday",
        },
    }
    if (root / "stores.csv").exists():
        result["stores_path"] = str(root / "stores.csv")
        result["stores_columns"] = {"store_id": "Store", "store_type": "Type", "store_size": "Size"}
    if (root / "features.csv").exists():
        result["exogenous_path"] = str(root / "features.csv")
        result["exogenous_columns"] = {
            "observation_date": "Date",
            "store_id": "Store",
            "exclude": ["IsHoliday"],
        }
    return result


def m5_vars(data_dir: str | Path) -> dict[str, Any]:
    """Vars for a folder in the M5 competition layout.

    Args:
        data_dir: Folder with ``calendar.csv``, ``sales_train_*.csv`` (evaluation is used
            when present: it extends validation by 28 days) and optionally
            ``sell_prices.csv``.

    Returns:
        The vars mapping.

    Raises:
        FileNotFoundError: When the folder has no ``sales_train_*.csv``.
    """
    root = Path(data_dir)
    sales_files = sorted(root.glob("sales_train_*.csv"), key=lambda path: "evaluation" in path.name)
    if not sales_files:
        raise FileNotFoundError(f"no sales_train_*.csv in {root}: not an M5-layout folder")
    prices = root / "sell_prices.csv"
    return {
        "input_format": "m5",
        "frequency": "day",
        "m5_calendar_path": str(root / "calendar.csv"),
        "m5_sales_path": str(sales_files[-1]),
        "m5_prices_path": str(prices) if prices.exists() else "",
    }


def preset_functions() -> dict[str, Callable[[str | Path], dict[str, Any]]]:
    """Every preset of this module, by name: each function ``<name>_vars(data_dir)``.

    Found by name so that a preset added here is known everywhere that asks (the
    benchmark's ``--preset``) without a second list to keep in step.
    """
    module = sys.modules[__name__]
    return {
        name.removesuffix("_vars"): function
        for name, function in sorted(vars(module).items())
        if name.endswith("_vars")
        and inspect.isfunction(function)
        and function.__module__ == __name__
    }


def vars_for_preset(name: str, data_dir: str | Path) -> dict[str, Any]:
    """The vars of one preset (a key of ``preset_functions``) for a data folder.

    Raises:
        ValueError: When no preset has that name.
    """
    functions = preset_functions()
    if name not in functions:
        raise ValueError(f"unknown preset {name!r}; known: {sorted(functions)}")
    return functions[name](data_dir)


def favorita_vars(data_dir: str | Path) -> dict[str, Any]:
    """Vars for a folder in the Favorita layout (Kaggle "Store Sales - Time Series
    Forecasting", Corporacion Favorita, Ecuador).

    Daily sales by store and product family (the family plays the item) from
    ``train.csv``; without it, store-level ``transactions.csv`` as store-only series. The
    store master (city; the state is the region), oil prices as one global exogenous
    series (no store key) and the holidays with their locale (national, regional = a
    state, local = a city) and transferred flag, when those files are present.

    Args:
        data_dir: Folder with ``train.csv`` or ``transactions.csv`` and, when present,
            ``stores.csv``, ``oil.csv`` and ``holidays_events.csv``.

    Returns:
        The vars mapping.

    Raises:
        FileNotFoundError: When the folder has neither ``train.csv`` nor ``transactions.csv``.
    """
    root = Path(data_dir)
    result: dict[str, Any] = {
        **EMPTY_CANONICAL_INPUTS,
        "input_format": "canonical",
        "frequency": "day",
        **_favorita_sales_inputs(root),
    }
    for file_name, inputs_of in _FAVORITA_OPTIONAL_FILES:
        if (root / file_name).exists():
            result.update(inputs_of(root / file_name))
    return result


# Helpers' names must not end in "_vars": preset_functions() would take them for presets.


# The sales files of the Favorita layout, first found wins: (file, item column, quantity
# column). transactions.csv has no item: store-only series.
_FAVORITA_SALES_FILES: tuple[tuple[str, str | None, str], ...] = (
    ("train.csv", "family", "sales"),
    ("transactions.csv", None, "transactions"),
)


def _favorita_sales_inputs(root: Path) -> dict[str, Any]:
    """The sales vars: ``train.csv`` by product family, else store-level transactions.

    Raises:
        FileNotFoundError: When the folder has neither ``train.csv`` nor ``transactions.csv``.
    """
    for file_name, item_column, quantity_column in _FAVORITA_SALES_FILES:
        if (root / file_name).exists():
            return {
                "sales_path": str(root / file_name),
                "sales_columns": {
                    "sales_date": "date",
                    "store_id": "store_nbr",
                    "item_id": item_column,
                    "quantity": quantity_column,
                },
            }
    raise FileNotFoundError(
        f"neither train.csv nor transactions.csv in {root}: not a Favorita-layout folder"
    )


def _favorita_store_inputs(path: Path) -> dict[str, Any]:
    """The store master vars of ``stores.csv`` (the state is the region)."""
    return {
        "stores_path": str(path),
        "stores_columns": {
            "store_id": "store_nbr",
            "city": "city",
            "region": "state",
            "store_type": "type",
        },
    }


def _favorita_oil_inputs(path: Path) -> dict[str, Any]:
    """The exogenous vars of ``oil.csv``: one global series, no store key."""
    return {
        "exogenous_path": str(path),
        "exogenous_columns": {"observation_date": "date", "store_id": None},
    }


def _favorita_holiday_inputs(path: Path) -> dict[str, Any]:
    """The event vars of ``holidays_events.csv``, with locale and transferred flag."""
    return {
        "events_path": str(path),
        "events_columns": {
            "event_date": "date",
            "event_name": "description",
            "event_type": "type",
            "locale_level": "locale",
            "locale_name": "locale_name",
            "is_transferred": "transferred",
        },
        # Regional holidays name a state (stg_stores.region), local ones a city.
        "event_locale_store_columns": {"regional": "region", "local": "city"},
        # A Transfer row is the day a moved holiday is celebrated; Additional and Bridge
        # days are days off too. Work Day (a Saturday worked to pay back a bridge) and
        # Event (Black Friday, an earthquake) are events, not holidays.
        "holiday_event_types": ["holiday", "transfer", "additional", "bridge"],
    }


# The optional files of the Favorita layout and the vars each sets, in the preset's key order.
_FAVORITA_OPTIONAL_FILES: tuple[tuple[str, Callable[[Path], dict[str, Any]]], ...] = (
    ("stores.csv", _favorita_store_inputs),
    ("oil.csv", _favorita_oil_inputs),
    ("holidays_events.csv", _favorita_holiday_inputs),
)
