"""Prophet on aggregate series, fitted in parallel, disaggregated to the series.

Prophet is fitted per aggregate (a store, store x category or store x department total:
var ``prophet_level``), with the calendar's events as holidays. An aggregate forecast is
split over its series by each series' share of the aggregate over a trailing window known
at the cut-off (``int_aggregate_shares``), so Prophet competes with the other models on
the same series rows. The number of aggregates is bounded (the largest by volume are
kept) and fits run in a process pool with the "forkserver" start method; progress is
printed, which dbt shows in its log. Models are stored as Prophet's own JSON
serialisation, never pickled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from demandcast import forecasting
from demandcast.forecasting import choose_origins, with_integer_origins

FORECAST_ROW_COLUMNS = [
    "store_id",
    "item_id",
    "cutoff_date",
    "horizon_step",
    "target_date",
    "target_quantity",
    "is_scoring_row",
    "is_backtest_origin",
]
OUTPUT_COLUMNS = forecasting.OUTPUT_COLUMNS  # the same rows as XGBoost's


@dataclass(frozen=True)
class ProphetConfig:
    """Settings of the Prophet forecasts (YAML config key ``prophet``).

    Attributes:
        max_series: At most this many aggregates are fitted (the largest by volume).
        workers: Processes fitting in parallel; 0 = one per core.
        backtest_origins: Rolling origins, as for XGBoost (the same choice rule).
        seasonality_mode: additive or multiplicative.
        changepoint_prior_scale: Trend flexibility.
        history_periods: Periods of history each fit sees (0 = all).
    """

    max_series: int = 40
    workers: int = 0
    backtest_origins: int = 3
    seasonality_mode: str = "multiplicative"
    changepoint_prior_scale: float = 0.05
    history_periods: int = 0

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any] | None) -> ProphetConfig:
        """Build from a plain mapping (dbt config); unknown keys are an error."""
        values = dict(mapping or {})
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown prophet config keys: {sorted(unknown)}")
        return cls(**with_integer_origins(values))


@dataclass(frozen=True)
class FitTask:
    """One Prophet fit: an aggregate's history up to an origin, and the dates to forecast."""

    level_id: str
    origin: pd.Timestamp
    history: pd.DataFrame  # ds, y
    future: list[pd.Timestamp]
    holidays: pd.DataFrame  # ds, holiday
    frequency: str
    config: ProphetConfig
    keep_model: bool


def _quiet() -> None:
    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # Prophet's optional plotting module logs an error when plotly is absent.
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)


def fit_one(task: FitTask) -> tuple[str, pd.Timestamp, np.ndarray, str | None]:
    """Fit one aggregate and forecast its future dates.

    Returns:
        level_id, origin, forecasts for task.future (never negative unless the history
        is), and the model as Prophet JSON when task.keep_model.
    """
    _quiet()
    from prophet import Prophet
    from prophet.serialize import model_to_json

    model = Prophet(
        growth="linear",
        yearly_seasonality=len(task.history) * (7 if task.frequency == "week" else 1) >= 730,
        weekly_seasonality=task.frequency == "day",
        daily_seasonality=False,
        seasonality_mode=task.config.seasonality_mode,  # type: ignore[arg-type]
        changepoint_prior_scale=task.config.changepoint_prior_scale,
        holidays=task.holidays if len(task.holidays) else None,
        uncertainty_samples=0,
    )
    model.fit(task.history)
    predicted = model.predict(pd.DataFrame({"ds": task.future}))["yhat"].to_numpy()
    if (task.history["y"] >= 0).all():
        predicted = np.maximum(predicted, 0.0)
    return task.level_id, task.origin, predicted, model_to_json(model) if task.keep_model else None


def predict_stored(
    model_json: str, future: Sequence[pd.Timestamp], nonnegative: bool
) -> np.ndarray:
    """Forecast dates with a model stored as Prophet JSON."""
    _quiet()
    from prophet.serialize import model_from_json

    predicted = model_from_json(model_json).predict(pd.DataFrame({"ds": list(future)}))["yhat"]
    values = predicted.to_numpy()
    return np.maximum(values, 0.0) if nonnegative else values


def run_fits(
    tasks: Sequence[FitTask], workers: int
) -> list[tuple[str, pd.Timestamp, np.ndarray, str | None]]:
    """Run fits in a forkserver process pool (or inline with one worker), printing
    progress about every tenth of the work."""
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    step = max(1, len(tasks) // 10)
    results = []
    if workers == 1 or len(tasks) <= 1:
        iterator = map(fit_one, tasks)
        for done, result in enumerate(iterator, start=1):
            results.append(result)
            _progress(done, len(tasks), step, started)
        return results
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for done, result in enumerate(pool.map(fit_one, tasks, chunksize=1), start=1):
            results.append(result)
            _progress(done, len(tasks), step, started)
    return results


def _progress(done: int, total: int, step: int, started: float) -> None:
    if done % step == 0 or done == total:
        elapsed = time.perf_counter() - started
        print(
            f"prophet: {done}/{total} fits, {elapsed:.1f} s, {done / elapsed:.2f} fits/s",
            flush=True,
        )


def select_levels(history: pd.DataFrame, max_series: int) -> list[str]:
    """The aggregates to fit: the max_series largest by total absolute volume (ties by
    id, so the choice is deterministic)."""
    volume = history.groupby("level_id")["quantity"].apply(lambda q: q.abs().sum())
    ranked = sorted(volume.items(), key=lambda item: (-item[1], item[0]))
    return sorted(str(level) for level, _ in ranked[:max_series])


def holidays_frame(events: pd.DataFrame) -> pd.DataFrame:
    """Prophet's holidays frame (ds, holiday) from events (event_date, event_name): the
    rows of int_calendar_events that apply to every store."""
    if events.empty:
        return pd.DataFrame(columns=["ds", "holiday"])
    frame = pd.DataFrame(
        {"ds": pd.to_datetime(events["event_date"]), "holiday": events["event_name"].astype(str)}
    )
    return frame.drop_duplicates().sort_values(["ds", "holiday"]).reset_index(drop=True)


def _tasks(
    history: pd.DataFrame,
    levels: Sequence[str],
    origins: Sequence[pd.Timestamp],
    future_by_origin: dict[pd.Timestamp, list[pd.Timestamp]],
    holidays: pd.DataFrame,
    frequency: str,
    config: ProphetConfig,
    final_origin: pd.Timestamp | None,
) -> list[FitTask]:
    tasks = []
    by_level = {level: rows for level, rows in history.groupby("level_id")}
    for level in levels:
        rows = by_level[level].dropna(subset=["quantity"])
        for origin in origins:
            known = rows[rows["period_end_date"] <= origin]
            if config.history_periods:
                known = known.tail(config.history_periods)
            if len(known) < 2:
                continue
            tasks.append(
                FitTask(
                    level_id=level,
                    origin=origin,
                    history=pd.DataFrame({"ds": known["period_end_date"], "y": known["quantity"]}),
                    future=future_by_origin[origin],
                    holidays=holidays,
                    frequency=frequency,
                    config=config,
                    keep_model=origin == final_origin,
                )
            )
    return tasks


def _series_rows(
    results: Sequence[tuple[str, pd.Timestamp, np.ndarray, str | None]],
    future_by_origin: dict[pd.Timestamp, list[pd.Timestamp]],
    rows: pd.DataFrame,
    shares: pd.DataFrame,
) -> pd.DataFrame:
    """Aggregate forecasts split over the series by their shares at the cut-off."""
    aggregate = pd.DataFrame(
        [
            {"level_id": level, "cutoff_date": origin, "target_date": date, "aggregate": value}
            for level, origin, values, _ in results
            for date, value in zip(future_by_origin[origin], values, strict=True)
        ],
        columns=["level_id", "cutoff_date", "target_date", "aggregate"],
    )
    merged = rows.merge(shares, on=["store_id", "item_id", "cutoff_date"], how="inner")
    merged = merged.merge(aggregate, on=["level_id", "cutoff_date", "target_date"], how="inner")
    merged["predicted_quantity"] = merged["aggregate"] * merged["series_share"].fillna(0.0)
    return merged


def _finish(merged: pd.DataFrame, version: str, backtest: bool) -> pd.DataFrame:
    out = merged.copy()
    out["model_name"] = "prophet"
    out["model_version"] = version
    out["is_backtest"] = backtest
    for column in ("lower_80", "upper_80", "lower_95", "upper_95"):
        out[column] = np.nan
    out["actual_quantity"] = out["target_quantity"]
    for column in ("cutoff_date", "target_date"):
        out[column] = pd.to_datetime(out[column]).dt.date
    return out[OUTPUT_COLUMNS].sort_values(OUTPUT_COLUMNS[:4]).reset_index(drop=True)


def _typed_rows(rows: pd.DataFrame, shares: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = rows.assign(
        cutoff_date=pd.to_datetime(rows["cutoff_date"]),
        target_date=pd.to_datetime(rows["target_date"]),
    )
    return rows, shares.assign(cutoff_date=pd.to_datetime(shares["cutoff_date"]))


def _typed_inputs(
    history: pd.DataFrame, rows: pd.DataFrame, shares: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    history = history.assign(period_end_date=pd.to_datetime(history["period_end_date"]))
    history = history.sort_values(["level_id", "period_end_date"]).reset_index(drop=True)
    return (history, *_typed_rows(rows, shares))


def _future(
    rows: pd.DataFrame, origins: Sequence[pd.Timestamp]
) -> dict[pd.Timestamp, list[pd.Timestamp]]:
    return {
        origin: sorted(rows.loc[rows["cutoff_date"] == origin, "target_date"].unique())
        for origin in origins
    }


def prophet_candidate(
    history: pd.DataFrame,
    rows: pd.DataFrame,
    shares: pd.DataFrame,
    events: pd.DataFrame,
    mapping: dict[str, Any],
    frequency: str,
) -> Any:
    """Backtest and train one Prophet configuration: a registry Candidate.

    Args:
        history: int_aggregate_sales (level_id, period_end_date, quantity).
        rows: Forecast rows (store_id, item_id, cutoff_date, horizon_step, target_date,
            target_quantity, is_scoring_row) of int_forecast_features.
        shares: int_aggregate_shares (store_id, item_id, cutoff_date, level_id, series_share).
        events: The national rows of int_calendar_events (event_date, event_name).
        mapping: The ``prophet`` config.
        frequency: day or week.
    """
    from demandcast.registry import Candidate

    config = ProphetConfig.from_mapping(mapping)
    history, rows, shares = _typed_inputs(history, rows, shares)
    origins = choose_origins(rows, config.backtest_origins)
    if not origins:
        raise ValueError("no cut-off has a fully known horizon: nothing to backtest")
    scoring_cutoff = rows.loc[rows["is_scoring_row"], "cutoff_date"].max()
    final_origin = history["period_end_date"].max()
    levels = select_levels(history, config.max_series)
    holidays = holidays_frame(events)
    future = _future(rows, [*origins, scoring_cutoff])
    future[final_origin] = future[scoring_cutoff]
    tasks = _tasks(
        history, levels, [*origins, final_origin], future, holidays, frequency, config, final_origin
    )
    print(f"prophet: {len(levels)} aggregates x {len(origins) + 1} origins = {len(tasks)} fits")
    results = run_fits(tasks, config.workers)

    digest = hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode())
    digest.update(pd.util.hash_pandas_object(history, index=False).to_numpy().tobytes())
    digest.update(json.dumps(levels).encode())
    version = "prophet-" + digest.hexdigest()[:16]

    backtest_rows = rows[rows["cutoff_date"].isin(origins) & rows["target_quantity"].notna()]
    backtest_results = [result for result in results if result[1] != final_origin]
    backtest = _finish(_series_rows(backtest_results, future, backtest_rows, shares), version, True)
    models = {
        level: model for level, origin, _, model in results if origin == final_origin and model
    }
    known = history.dropna(subset=["quantity"])
    return Candidate(
        version=version,
        algorithm="prophet",
        config=asdict(config),
        features=[],
        data_fingerprint=digest.hexdigest()[16:32],
        training_start=known["period_end_date"].min().date(),
        training_end=known["period_end_date"].max().date(),
        backtest=backtest,
        calibration={
            "levels": levels,
            "nonnegative": bool((known["quantity"] >= 0).all()),
        },
        artifact_format="prophet-json",
        artifact=json.dumps(models, sort_keys=True).encode(),
    )


def score_registered(row: dict[str, Any], rows: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Stored backtests and the published forecast of a registered Prophet version: its
    stored models forecast the scoring rows' dates, split by the current shares."""
    from demandcast.registry import from_parquet_bytes

    rows, shares = _typed_rows(rows, shares)
    scoring = rows[rows["is_scoring_row"]]
    calibration = json.loads(row["calibration_json"])
    models = json.loads(bytes(row["artifact"]).decode())
    cutoff = scoring["cutoff_date"].max()
    future = {cutoff: sorted(scoring["target_date"].unique())}
    results = [
        (level, cutoff, predict_stored(model, future[cutoff], calibration["nonnegative"]), None)
        for level, model in sorted(models.items())
    ]
    published = _finish(_series_rows(results, future, scoring, shares), row["model_version"], False)
    backtest = from_parquet_bytes(row["backtest_predictions"])
    return pd.concat([backtest[OUTPUT_COLUMNS], published], ignore_index=True)
