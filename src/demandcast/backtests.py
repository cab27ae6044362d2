"""What every algorithm's forecast rows share: their columns, the backtest origins and the
stored backtests a registered version scores with.

The origin rule itself is SQL's (int_forecast_cutoffs flags ``is_backtest_origin``); here
the flags are only read. XGBoost (demandcast.xgboost_model) and Prophet
(demandcast.prophet_models) both write OUTPUT_COLUMNS, so forecast_candidates stacks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

from demandcast.artifacts import from_parquet_bytes

KEY_COLUMNS = ["store_id", "item_id", "cutoff_date", "horizon_step", "target_date"]
TARGET = "target_quantity"
OUTPUT_COLUMNS = [
    *KEY_COLUMNS,
    "model_name",
    "model_version",
    "is_backtest",
    "predicted_quantity",
    "actual_quantity",
]


def no_forecast() -> pd.DataFrame:
    """A forecast model's output when it scores nothing (int_training_history: too little
    history to train): no rows, the columns of OUTPUT_COLUMNS with their warehouse types."""
    text = ["store_id", "item_id", "model_name", "model_version"]
    dtypes: dict[str, Any] = {
        **{column: "string" for column in text},
        "cutoff_date": "date32[pyarrow]",
        "target_date": "date32[pyarrow]",
        "horizon_step": "int32",
        "is_backtest": "bool",
    }
    frame = pd.DataFrame(columns=OUTPUT_COLUMNS)
    return frame.astype({c: dtypes.get(c, "float64") for c in OUTPUT_COLUMNS})


ARROW_STRING = pd.StringDtype("pyarrow")
ARROW_DATE = pd.ArrowDtype(pa.date32())


def typed_output(frame: pd.DataFrame, columns: list[str], types: Mapping[str, str]) -> pd.DataFrame:
    """``columns`` of a per-row output keyed by KEY_COLUMNS (explanations, scenarios) with
    ``types``, cutoff_date and target_date as Arrow dates (the warehouse types them DATE,
    as no_forecast). Text is Arrow-backed whatever the pandas version (:func:`compact`):
    on pandas 2 plain "string" holds one Python object per value, about five times the
    memory (M5 scale: 4.3 M explanation rows, 2.7 GB)."""
    out = compact(frame[columns], types)
    for column in ("cutoff_date", "target_date"):
        out[column] = pd.to_datetime(out[column]).astype(ARROW_DATE)
    return out


def compact(frame: pd.DataFrame, types: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with ``types`` for the columns it has, "string" as Arrow-backed text."""
    wanted = {
        column: ARROW_STRING if kind == "string" else kind
        for column, kind in types.items()
        if column in frame.columns
    }
    return frame.astype(wanted)


def empty_output(columns: list[str], types: Mapping[str, str]) -> pd.DataFrame:
    """No rows: ``columns`` with their warehouse types (typed_output)."""
    empty = pd.DataFrame({column: pd.Series([], dtype=object) for column in columns})
    return typed_output(empty, columns, types)


def with_integer_origins(mapping: dict[str, Any]) -> dict[str, Any]:
    """A config mapping with ``backtest_origins`` as an integer (dbt renders the var into
    the config as text)."""
    if "backtest_origins" in mapping:
        return {**mapping, "backtest_origins": int(mapping["backtest_origins"])}
    return mapping


def choose_origins(frame: pd.DataFrame, count: int) -> list[pd.Timestamp]:
    """The backtest origins, latest first: the cut-offs int_forecast_features flags as
    ``is_backtest_origin`` (the one rule, in int_forecast_cutoffs; at most ``count``)."""
    if "is_backtest_origin" not in frame.columns:
        raise ValueError(
            "the forecast rows lack column is_backtest_origin: the backtest origins are"
            " flagged by int_forecast_cutoffs (read int_forecast_features)"
        )
    flagged = frame.loc[frame["is_backtest_origin"].astype(bool), "cutoff_date"]
    return sorted(pd.to_datetime(flagged.unique()), reverse=True)[:count]


def required_origins(frame: pd.DataFrame, count: int) -> list[pd.Timestamp]:
    """:func:`choose_origins`, and an error when there is none: a candidate without a
    backtest cannot be compared with the champion."""
    origins = choose_origins(frame, count)
    if not origins:
        raise ValueError("no cut-off has a fully known horizon: nothing to backtest")
    return origins


def as_dates(result: pd.DataFrame) -> pd.DataFrame:
    """The frame with its cut-off and target dates as dates (DATE in the warehouse)."""
    for column in ("cutoff_date", "target_date"):
        result[column] = pd.to_datetime(result[column]).dt.date
    return result


def with_stored_backtest(row: Mapping[str, Any], published: pd.DataFrame) -> pd.DataFrame:
    """A registered version's output: the backtest rows stored with it, then the rows it
    published this run (both OUTPUT_COLUMNS)."""
    backtest = from_parquet_bytes(row["backtest_predictions"])
    return pd.concat([backtest[OUTPUT_COLUMNS], published[OUTPUT_COLUMNS]], ignore_index=True)
