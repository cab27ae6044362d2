"""Prophet on aggregate series, fitted in parallel, disaggregated to the series.

Prophet is fitted per aggregate (a store, store x category or store x department total:
var ``prophet_level``), with the calendar's events as holidays. An aggregate forecast is
split over its series by each series' share of the aggregate over a trailing window known
at the cut-off (``int_aggregate_shares``), so Prophet competes with the other models on
the same series rows.

The number of fitted aggregates is bounded (``max_series``, var ``prophet_max_series``);
every series still gets a forecast through the level chain of ``int_aggregate_sales``
(macro ``prophet_level_chain``: var prophet_level, then coarser levels up to the total,
``chain_position`` 0, 1, ...): a series is forecast from the finest fitted aggregate it
belongs to, times its share of that aggregate (:func:`select_aggregates`,
:func:`assign_aggregates`). Fits run in a process pool with the "forkserver" start
method; progress is printed, which dbt shows in its log. Models are stored as Prophet's
own JSON serialisation, never pickled.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, overload

import numpy as np
import pandas as pd

from demandcast.artifacts import content_hash
from demandcast.backtests import (
    OUTPUT_COLUMNS,
    as_dates,
    required_origins,
    with_integer_origins,
    with_stored_backtest,
)
from demandcast.registry import Calibration, Candidate, checked_config

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
# The grain of a share, below the aggregate level (int_aggregate_shares).
SHARE_KEYS = ["store_id", "item_id", "cutoff_date", "horizon_step"]


# One fit's result: aggregate key, origin, forecasts of its future dates, the model as
# Prophet JSON (kept for the final origin only).
FitResult = tuple[str, pd.Timestamp, np.ndarray, str | None]

TRANSFORMS = ("none", "log1p")
SEASONALITY_MODES = ("additive", "multiplicative")


@dataclass(frozen=True)
class ProphetConfig:
    """Settings of the Prophet forecasts, every one from the YAML config (key ``prophet``
    in python_models/_python_models.yml): no setting has a default here.

    Attributes:
        max_series: At most this many aggregates are fitted per origin (var
            ``prophet_max_series``); see :func:`select_aggregates`.
        workers: Processes fitting in parallel; 0 = the model's share of the machine
            (ProphetForecaster's ``workers``, var model_threads).
        backtest_origins: Rolling origins, as for XGBoost (the same choice rule).
        seasonality_mode: additive or multiplicative.
        changepoint_prior_scale: Trend flexibility.
        history_periods: Periods of history each fit sees (0 = all).
        yearly_min_days: Yearly seasonality only when a fit's history spans at least
            this many days.
        transform: ``none``, or ``log1p``: fit log(1 + y) and forecast exp(.) - 1
            (aggregates with a negative value are fitted untransformed).
    """

    max_series: int
    workers: int
    backtest_origins: int
    seasonality_mode: str
    changepoint_prior_scale: float
    history_periods: int
    yearly_min_days: int
    transform: str

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any] | None) -> ProphetConfig:
        """Build from a plain mapping (dbt config); unknown keys and bad values are an
        error (max_series is var prophet_max_series, rendered as text by dbt)."""
        values = with_integer_origins(
            checked_config("prophet", mapping, list(cls.__dataclass_fields__), complete=True)
        )
        if "max_series" in values:
            try:
                values["max_series"] = int(values["max_series"])
            except (TypeError, ValueError):
                raise ValueError(
                    f"var prophet_max_series must be a whole number, got {values['max_series']!r}"
                ) from None
        config = cls(**values)
        if config.max_series < 1:
            raise ValueError(f"var prophet_max_series must be at least 1, got {config.max_series}")
        if config.transform not in TRANSFORMS:
            raise ValueError(
                f"prophet transform must be one of {TRANSFORMS}, got {config.transform!r}"
            )
        if config.seasonality_mode not in SEASONALITY_MODES:
            raise ValueError(
                f"prophet seasonality_mode must be one of {SEASONALITY_MODES}, "
                f"got {config.seasonality_mode!r}"
            )
        return config


@dataclass(frozen=True)
class FitTask:
    """One Prophet fit: an aggregate's history up to an origin, and the dates to forecast.

    ``level_id`` is the aggregate's key (:func:`aggregate_key`); ``period_days`` the
    length of a period (stg_run_context.period_days, derived once by the dbt macro)."""

    level_id: str
    origin: pd.Timestamp
    history: pd.DataFrame  # ds, y
    future: list[pd.Timestamp]
    holidays: pd.DataFrame  # ds, holiday
    frequency: str
    period_days: int
    config: ProphetConfig
    keep_model: bool


def _quiet() -> None:
    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # Prophet's optional plotting module logs an error when plotly is absent.
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)


def uses_log1p(config: ProphetConfig, history: pd.Series) -> bool:
    """Whether a fit on this history is on log(1 + y): the config asks and no y is negative."""
    return config.transform == "log1p" and bool((history >= 0).all())


def fit_one(task: FitTask) -> FitResult:
    """Fit one aggregate and forecast its future dates.

    Returns:
        level_id, origin, forecasts for task.future (never negative unless the history
        is), and the model as Prophet JSON when task.keep_model.
    """
    from prophet import Prophet
    from prophet.serialize import model_to_json

    # After the import: importing prophet sets its loggers' levels.
    _quiet()

    span_days = (task.history["ds"].max() - task.history["ds"].min()).days
    # n periods of history cover their dates' span plus one period.
    span_days += task.period_days
    model = Prophet(
        growth="linear",
        yearly_seasonality=span_days >= task.config.yearly_min_days,
        weekly_seasonality=task.frequency == "day",
        daily_seasonality=False,
        seasonality_mode=task.config.seasonality_mode,  # type: ignore[arg-type]
        changepoint_prior_scale=task.config.changepoint_prior_scale,
        holidays=task.holidays if len(task.holidays) else None,
        uncertainty_samples=0,
    )
    log1p = uses_log1p(task.config, task.history["y"])
    history = task.history.assign(y=np.log1p(task.history["y"])) if log1p else task.history
    model.fit(history)
    predicted = model.predict(pd.DataFrame({"ds": task.future}))["yhat"].to_numpy()
    if log1p:
        predicted = np.expm1(predicted)
    if (task.history["y"] >= 0).all():
        predicted = np.maximum(predicted, 0.0)
    return task.level_id, task.origin, predicted, model_to_json(model) if task.keep_model else None


def predict_stored(
    model_json: str, future: Sequence[pd.Timestamp], nonnegative: bool, log1p: bool = False
) -> np.ndarray:
    """Forecast dates with a model stored as Prophet JSON (fitted on log(1 + y) when
    log1p)."""
    _quiet()
    from prophet.serialize import model_from_json

    predicted = model_from_json(model_json).predict(pd.DataFrame({"ds": list(future)}))["yhat"]
    values = predicted.to_numpy()
    if log1p:
        values = np.expm1(values)
    return np.maximum(values, 0.0) if nonnegative else values


def run_fits(tasks: Sequence[FitTask], workers: int) -> list[FitResult]:
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


@overload
def aggregate_key(aggregate_level: str, level_id: str) -> str: ...
@overload
def aggregate_key(aggregate_level: pd.Series, level_id: pd.Series) -> pd.Series: ...
def aggregate_key(aggregate_level: pd.Series | str, level_id: pd.Series | str) -> pd.Series | str:
    """The key of an aggregate across the chain's levels: 'store:S01', 'total:all' (of one
    aggregate, or of every row of text columns)."""
    return aggregate_level + ":" + level_id


def _with_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        aggregate_key=aggregate_key(
            frame["aggregate_level"].astype(str), frame["level_id"].astype(str)
        )
    )


def select_aggregates(history: pd.DataFrame, max_series: int) -> list[str]:
    """The aggregates to fit, at most max_series (keys, sorted).

    Every aggregate of the finest level of the chain that fits whole in the budget
    (the total, one aggregate, always does), then, with the budget left, the largest
    aggregates by total absolute volume of the next finer level (ties by id, so the
    choice is deterministic). With level store, 54 stores and 40 fits: the total and the
    39 largest stores; a series of another store is the total's forecast x its share of
    the total.

    Args:
        history: int_aggregate_sales (aggregate_level, chain_position, level_id,
            period_end_date, quantity).
        max_series: The budget.
    """
    keyed = _with_keys(history)
    volume = keyed.groupby(["chain_position", "aggregate_key"])["quantity"].apply(
        lambda q: q.abs().sum()
    )
    counts = volume.groupby(level=0).size().sort_index()
    whole = min(int(str(position)) for position, count in counts.items() if count <= max_series)
    chosen = [str(key) for key in volume.loc[whole].index]
    if whole > 0:
        finer = volume.loc[whole - 1]
        ranked = sorted(finer.items(), key=lambda item: (-item[1], item[0]))
        chosen += [str(key) for key, _ in ranked[: max_series - len(chosen)]]
    return sorted(chosen)


def assign_aggregates(shares: pd.DataFrame, fitted: Sequence[str]) -> pd.DataFrame:
    """Each series' aggregate at each cut-off: the finest fitted aggregate it belongs to,
    with its share of that aggregate.

    Args:
        shares: int_aggregate_shares (store_id, item_id, cutoff_date, aggregate_level,
            chain_position, level_id, horizon_step, series_share).
        fitted: Keys of the fitted aggregates.

    Returns:
        store_id, item_id, cutoff_date, horizon_step, aggregate_key, series_share: one row
        per series, cut-off and step that belongs to a fitted aggregate.
    """
    keyed = _with_keys(shares)
    keyed = keyed[keyed["aggregate_key"].isin(set(fitted))]
    keyed = keyed.sort_values([*SHARE_KEYS, "chain_position"])
    finest = keyed.drop_duplicates(SHARE_KEYS, keep="first")
    return finest[[*SHARE_KEYS, "aggregate_key", "series_share"]]


def holidays_frame(
    events: pd.DataFrame, frequency: str = "day", period_end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Prophet's holidays frame (ds, holiday) from events (event_date, event_name): the
    rows of int_calendar_events that apply to every store.

    With weekly data an event is dated by the end of its week (the period ending on
    period_end's weekday), the dates Prophet sees."""
    if events.empty:
        return pd.DataFrame(columns=["ds", "holiday"])
    dates = pd.to_datetime(events["event_date"])
    if frequency == "week" and period_end is not None:
        dates = dates + pd.to_timedelta((pd.Timestamp(period_end) - dates).dt.days % 7, unit="D")
    frame = pd.DataFrame({"ds": dates, "holiday": events["event_name"].astype(str)})
    return frame.drop_duplicates().sort_values(["ds", "holiday"]).reset_index(drop=True)


def _tasks(
    history: pd.DataFrame,
    keys: Sequence[str],
    origins: Sequence[pd.Timestamp],
    future_by_origin: dict[pd.Timestamp, list[pd.Timestamp]],
    holidays: pd.DataFrame,
    frequency: str,
    period_days: int,
    config: ProphetConfig,
    final_origin: pd.Timestamp | None,
) -> list[FitTask]:
    tasks = []
    by_key = {key: rows for key, rows in _with_keys(history).groupby("aggregate_key")}
    for key in keys:
        rows = by_key[key].dropna(subset=["quantity"])
        for origin in origins:
            known = rows[rows["period_end_date"] <= origin]
            if config.history_periods:
                known = known.tail(config.history_periods)
            if len(known) < 2:
                continue
            tasks.append(
                FitTask(
                    level_id=key,
                    origin=origin,
                    history=pd.DataFrame({"ds": known["period_end_date"], "y": known["quantity"]}),
                    future=future_by_origin[origin],
                    holidays=holidays,
                    frequency=frequency,
                    period_days=period_days,
                    config=config,
                    keep_model=origin == final_origin,
                )
            )
    return tasks


def _series_rows(
    results: Sequence[FitResult],
    future_by_origin: dict[pd.Timestamp, list[pd.Timestamp]],
    rows: pd.DataFrame,
    assigned: pd.DataFrame,
) -> pd.DataFrame:
    """Aggregate forecasts split over the series by their shares at the cut-off.

    Every row gets a forecast: a row whose aggregates had no fit at its origin (too
    short a history) falls back to the next fitted aggregate up the chain, and a series
    without a share row (no period in the share window) gets 0."""
    aggregate = pd.DataFrame(
        [
            {"aggregate_key": key, "cutoff_date": origin, "target_date": date, "aggregate": value}
            for key, origin, values, _ in results
            for date, value in zip(future_by_origin[origin], values, strict=True)
        ],
        columns=["aggregate_key", "cutoff_date", "target_date", "aggregate"],
    )
    merged = rows.merge(assigned, on=SHARE_KEYS, how="left")
    merged = merged.merge(aggregate, on=["aggregate_key", "cutoff_date", "target_date"], how="left")
    merged["predicted_quantity"] = (
        merged["aggregate"].fillna(0.0) * merged["series_share"].fillna(0.0)
    ).astype("float64")
    return merged


def _finish(merged: pd.DataFrame, version: str, backtest: bool) -> pd.DataFrame:
    out = merged.copy()
    out["model_name"] = "prophet"
    out["model_version"] = version
    out["is_backtest"] = backtest
    out["actual_quantity"] = out["target_quantity"]
    return as_dates(out)[OUTPUT_COLUMNS].sort_values(OUTPUT_COLUMNS[:4]).reset_index(drop=True)


def _typed_rows(rows: pd.DataFrame, shares: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = rows.assign(
        cutoff_date=pd.to_datetime(rows["cutoff_date"]),
        target_date=pd.to_datetime(rows["target_date"]),
    )
    return rows, shares.assign(cutoff_date=pd.to_datetime(shares["cutoff_date"]))


def _typed_history(history: pd.DataFrame) -> pd.DataFrame:
    history = history.assign(period_end_date=pd.to_datetime(history["period_end_date"]))
    history = history.sort_values(["chain_position", "level_id", "period_end_date"])
    return history.reset_index(drop=True)


def _future(
    rows: pd.DataFrame, origins: Sequence[pd.Timestamp], final_origin: pd.Timestamp
) -> dict[pd.Timestamp, list[pd.Timestamp]]:
    """The target dates to forecast from each backtest origin, and from the final origin
    (the latest history date): the scoring rows' dates."""
    scoring_cutoff = rows.loc[rows["is_scoring_row"], "cutoff_date"].max()
    future = {
        origin: sorted(rows.loc[rows["cutoff_date"] == origin, "target_date"].unique())
        for origin in [*origins, scoring_cutoff]
    }
    future[final_origin] = future[scoring_cutoff]
    return future


def _fitted_by_origin(
    results: Sequence[FitResult],
) -> dict[pd.Timestamp, list[str]]:
    fitted: dict[pd.Timestamp, list[str]] = {}
    for key, origin, _, _ in results:
        fitted.setdefault(origin, []).append(key)
    return fitted


def _assigned_by_origin(
    shares: pd.DataFrame, fitted: dict[pd.Timestamp, list[str]], cutoff_of: dict[Any, Any]
) -> pd.DataFrame:
    """Assignments per cut-off, each from the aggregates fitted at that cut-off's origin."""
    parts = [
        assign_aggregates(shares[shares["cutoff_date"] == cutoff], fitted.get(origin, []))
        for cutoff, origin in cutoff_of.items()
    ]
    return pd.concat(parts, ignore_index=True) if parts else assign_aggregates(shares, [])


@dataclass(frozen=True)
class ProphetTraining:
    """What Prophet trains on besides the forecast rows and shares.

    Attributes:
        history: int_aggregate_sales (aggregate_level, chain_position, level_id,
            period_end_date, quantity).
        events: The national rows of int_calendar_events (event_date, event_name).
        frequency: day or week.
        period_days: Length of a period in days (stg_run_context.period_days).
    """

    history: pd.DataFrame
    events: pd.DataFrame
    frequency: str
    period_days: int


class ProphetForecaster:
    """Prophet on aggregates behind the algorithm interface (demandcast.algorithm).

    Args:
        rows: Forecast rows (FORECAST_ROW_COLUMNS) of int_forecast_features: every row
            to train, the scoring rows to score.
        shares: int_aggregate_shares (store_id, item_id, cutoff_date, aggregate_level,
            chain_position, level_id, horizon_step, series_share).
        training: The aggregates' history and calendar; needed by :meth:`train` only
            (scoring reads stored models), so the scoring model does not read them.
        workers: Processes fitting in parallel when the config's ``workers`` is 0
            (demandcast.compute; 0 here too = one per core).
    """

    name = "prophet"

    def __init__(
        self,
        rows: pd.DataFrame,
        shares: pd.DataFrame,
        training: ProphetTraining | None = None,
        workers: int = 0,
    ) -> None:
        self.rows, self.shares = _typed_rows(rows, shares)
        self.training = training
        self.workers = workers

    def train(self, mapping: Mapping[str, Any]) -> Candidate:
        """Backtest and train one configuration (the ``prophet`` config): a registry
        Candidate."""
        if self.training is None:
            raise ValueError("ProphetForecaster.train needs the training inputs (ProphetTraining)")
        config = ProphetConfig.from_mapping(dict(mapping))
        history = _typed_history(self.training.history)
        origins = required_origins(self.rows, config.backtest_origins)
        final_origin = history["period_end_date"].max()
        keys = select_aggregates(history, config.max_series)
        future = _future(self.rows, origins, final_origin)
        results = run_fits(
            self._tasks(history, keys, origins, future, config, final_origin),
            config.workers or self.workers,
        )
        digest = content_hash(json.dumps(asdict(config), sort_keys=True), history, json.dumps(keys))
        version = "prophet-" + digest[:16]
        models = {
            key: model for key, origin, _, model in results if origin == final_origin and model
        }
        known = history.dropna(subset=["quantity"])
        return Candidate(
            version=version,
            algorithm=self.name,
            config=asdict(config),
            features=[],
            data_fingerprint=digest[16:32],
            training_start=known["period_end_date"].min().date(),
            training_end=known["period_end_date"].max().date(),
            backtest=self._backtest(results, future, origins, final_origin, version),
            calibration=_calibration(known, keys, models, config),
            artifact_format="prophet-json",
            artifact=json.dumps(models, sort_keys=True).encode(),
        )

    def _tasks(
        self,
        history: pd.DataFrame,
        keys: Sequence[str],
        origins: Sequence[pd.Timestamp],
        future: dict[pd.Timestamp, list[pd.Timestamp]],
        config: ProphetConfig,
        final_origin: pd.Timestamp,
    ) -> list[FitTask]:
        """The fits: every chosen aggregate at every backtest origin and the final one."""
        assert self.training is not None
        frequency = self.training.frequency
        tasks = _tasks(
            history,
            keys,
            [*origins, final_origin],
            future,
            holidays_frame(self.training.events, frequency, final_origin),
            frequency,
            self.training.period_days,
            config,
            final_origin,
        )
        print(f"prophet: {len(keys)} aggregates x {len(origins) + 1} origins = {len(tasks)} fits")
        return tasks

    def _backtest(
        self,
        results: Sequence[FitResult],
        future: dict[pd.Timestamp, list[pd.Timestamp]],
        origins: Sequence[pd.Timestamp],
        final_origin: pd.Timestamp,
        version: str,
    ) -> pd.DataFrame:
        """The backtest rows: each origin's aggregate forecasts split by its shares."""
        rows = self.rows[
            self.rows["cutoff_date"].isin(origins) & self.rows["target_quantity"].notna()
        ]
        backtest_results = [result for result in results if result[1] != final_origin]
        assigned = _assigned_by_origin(
            self.shares, _fitted_by_origin(backtest_results), {origin: origin for origin in origins}
        )
        return _finish(_series_rows(backtest_results, future, rows, assigned), version, True)

    def score(self, row: Mapping[str, Any]) -> pd.DataFrame:
        """Stored backtests and the published forecast of a registered version: its
        stored models forecast the scoring rows' dates, split by the current shares."""
        scoring = self.rows[self.rows["is_scoring_row"]]
        calibration = json.loads(row["calibration_json"])
        log1p_levels = set(calibration.get("log1p_levels", []))
        models = json.loads(bytes(row["artifact"]).decode())
        cutoff = scoring["cutoff_date"].max()
        future = {cutoff: sorted(scoring["target_date"].unique())}
        results = [
            (
                _stored_key(key, self.shares),
                cutoff,
                predict_stored(
                    model, future[cutoff], calibration["nonnegative"], key in log1p_levels
                ),
                None,
            )
            for key, model in sorted(models.items())
        ]
        assigned = assign_aggregates(
            self.shares[self.shares["cutoff_date"] == cutoff], [key for key, *_ in results]
        )
        published = _finish(
            _series_rows(results, future, scoring, assigned), row["model_version"], False
        )
        return with_stored_backtest(row, published)


def _calibration(
    known: pd.DataFrame, keys: list[str], models: Mapping[str, str], config: ProphetConfig
) -> Calibration:
    """What scoring with the stored models needs: the fitted aggregates, whether to clip
    at 0, and which aggregates were fitted on log(1 + y)."""
    keyed = _with_keys(known)
    return {
        "levels": keys,
        "nonnegative": bool((known["quantity"] >= 0).all()),
        "log1p_levels": sorted(
            str(key)
            for key, values in keyed.groupby("aggregate_key")["quantity"]
            if key in models and uses_log1p(config, values)
        ),
    }


def _stored_key(key: str, shares: pd.DataFrame) -> str:
    """A stored model's key; versions from before the level chain stored the bare level_id
    of var prophet_level (chain position 0)."""
    if ":" in key:
        return key
    finest = shares.loc[shares["chain_position"] == 0, "aggregate_level"]
    return aggregate_key(str(finest.iloc[0]), key) if len(finest) else key
