"""Peer forecasters for the accuracy benchmark: what a practitioner would run instead of us.

- ``seasonal_naive``: the same period one season earlier (plain pandas).
- ``mlforecast_lightgbm``: one global LightGBM model on lags and rolling means, forecasting
  recursively (Nixtla mlforecast).
- ``mlforecast_lightgbm_cv``: the equal-work peer. The same model backtested with
  ``MLForecast.cross_validation`` at the build's own backtest origins (refit at each, as the
  build refits XGBoost at each), then fit and forecast as ``mlforecast_lightgbm``: the work
  ``dbt build`` does for its XGBoost candidate, so that the two wall times compare.
- ``statsforecast_autoets``: one ETS model per series, chosen by AICc (Nixtla statsforecast).
- ``prophet``: one default ``Prophet()`` per series (weekly and yearly seasonality on
  Prophet's own auto rules), on a deterministic sample of at most ``PROPHET_MAX_SERIES``
  series (:func:`peer_sample`): the benchmark scores every model on that sample.

Every peer takes the history as a long frame (series columns, ``period_date``, ``quantity``)
already gap-filled up to the origin (``fill_missing_periods``) and returns one row per series
x horizon step: the series columns, ``target_date`` and ``predicted_quantity``. The model
libraries are imported only when their peer runs, so this module imports without the
``bench`` extra.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import itertools
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

PREDICTION_COLUMNS = ["target_date", "predicted_quantity"]


@dataclass(frozen=True)
class PeerSettings:
    """How the peers are set up for one frequency.

    Attributes:
        frequency: ``day`` or ``week``.
        season: Season length in periods (seasonal naive, ETS, MASE).
        lags: Target lags of the LightGBM model.
        rolling_lag: The lag whose rolling means are features.
        rolling_windows: Windows of those rolling means.
        seed: LightGBM's random seed.
        threads: Threads of LightGBM, processes of statsforecast.
        lightgbm_params: More LGBMRegressor parameters.
        backtest_origins: The build's backtest origins (``int_forecast_cutoffs`` rows with
            ``is_backtest_origin``, read from the built warehouse): where the equal-work
            peer cross-validates. Empty: that peer cannot run.
    """

    frequency: str
    season: int
    lags: tuple[int, ...]
    rolling_lag: int
    rolling_windows: tuple[int, ...]
    seed: int = 20261123
    # One thread: on a shared 2-core machine LightGBM's OpenMP threads wait on each other
    # (10x slower with 2 threads on a small panel while other jobs ran).
    threads: int = 1
    lightgbm_params: tuple[tuple[str, Any], ...] = ()
    backtest_origins: tuple[dt.date, ...] = ()

    @property
    def period(self) -> pd.Timedelta:
        """Length of one period."""
        return pd.Timedelta(days=7 if self.frequency == "week" else 1)

    def pandas_frequency(self, origin: dt.date) -> str:
        """The pandas offset alias of the periods (weeks end on the origin's weekday)."""
        if self.frequency == "week":
            return "W-" + pd.Timestamp(origin).strftime("%a").upper()
        return "D"


WEEKLY = PeerSettings(
    frequency="week", season=52, lags=(1, 2, 4, 52), rolling_lag=1, rolling_windows=(4, 13)
)
DAILY = PeerSettings(
    frequency="day", season=7, lags=(7, 14, 28), rolling_lag=7, rolling_windows=(7, 28)
)


def settings_for(frequency: str) -> PeerSettings:
    """The default peer settings of a frequency (``day`` or ``week``)."""
    if frequency not in ("day", "week"):
        raise ValueError(f"frequency must be day or week, got {frequency!r}")
    return WEEKLY if frequency == "week" else DAILY


def fill_missing_periods(
    history: pd.DataFrame,
    series_columns: list[str],
    origin: dt.date,
    period: pd.Timedelta,
) -> pd.DataFrame:
    """Every period of every series from its first row to the origin, missing ones as 0.

    A series whose rows stop before the origin is carried to the origin with zeros too, so
    that every peer's forecast starts at the period after the origin. Rows after the origin
    are dropped.

    Args:
        history: Series columns, ``period_date`` and ``quantity``.
        series_columns: Columns identifying a series.
        origin: The forecast origin (the last period a forecast may see).
        period: Length of one period; every date must lie a whole number of periods from
            the origin.

    Returns:
        Series columns, ``period_date``, ``quantity`` and ``is_filled``, sorted.
    """
    origin_ts = pd.Timestamp(origin)
    known = history.loc[history["period_date"] <= origin_ts, [*series_columns, "period_date"]]
    offsets = (known["period_date"] - origin_ts) / period
    if not np.allclose(offsets, np.round(offsets)):
        raise ValueError(f"dates are not whole periods of {period} from the origin {origin}")
    known = known.assign(period_number=np.round(offsets).astype("int64"))
    first = known.groupby(series_columns, sort=True)["period_number"].min().reset_index()
    lengths = (1 - first["period_number"]).to_numpy()
    grid = first.loc[first.index.repeat(lengths), series_columns].reset_index(drop=True)
    starts = np.repeat(first["period_number"].to_numpy(), lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid["period_date"] = origin_ts + (starts + within) * period
    observed = history.loc[
        history["period_date"] <= origin_ts, [*series_columns, "period_date", "quantity"]
    ]
    filled = grid.merge(observed, on=[*series_columns, "period_date"], how="left")
    filled["is_filled"] = filled["quantity"].isna()
    filled["quantity"] = filled["quantity"].fillna(0.0).astype("float64")
    return filled.sort_values([*series_columns, "period_date"]).reset_index(drop=True)


def target_dates(origin: dt.date, horizon: int, period: pd.Timedelta) -> pd.DatetimeIndex:
    """The dates of horizon steps 1 .. horizon after the origin."""
    return pd.DatetimeIndex(
        [pd.Timestamp(origin) + step * period for step in range(1, horizon + 1)]
    )


def _series_grid(history: pd.DataFrame, series_columns: list[str]) -> pd.DataFrame:
    return history[series_columns].drop_duplicates().sort_values(series_columns)


def seasonal_naive(
    history: pd.DataFrame,
    series_columns: list[str],
    origin: dt.date,
    horizon: int,
    settings: PeerSettings,
) -> pd.DataFrame:
    """The value of the same season position in the latest season known at the origin.

    Step h repeats the period ``season * ceil(h / season)`` periods before its target; 0
    when the series had not started then (the history is gap-filled, so nothing else is
    missing).
    """
    dates = target_dates(origin, horizon, settings.period)
    grid = _series_grid(history, series_columns).merge(
        pd.DataFrame({"target_date": dates, "horizon_step": np.arange(1, horizon + 1)}),
        how="cross",
    )
    seasons_back = np.ceil(grid["horizon_step"] / settings.season).astype("int64")
    grid["period_date"] = grid["target_date"] - seasons_back * settings.season * settings.period
    values = history[[*series_columns, "period_date", "quantity"]]
    out = grid.merge(values, on=[*series_columns, "period_date"], how="left")
    out["predicted_quantity"] = out["quantity"].fillna(0.0).astype("float64")
    return out[[*series_columns, *PREDICTION_COLUMNS]]


def _to_nixtla(
    history: pd.DataFrame, series_columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nixtla's long format (unique_id, ds, y) and the lookup back to the series columns."""
    keys = _series_grid(history, series_columns).reset_index(drop=True)
    keys["unique_id"] = np.arange(len(keys), dtype="int64")
    frame = history.merge(keys, on=series_columns, how="inner")
    nixtla = pd.DataFrame(
        {
            "unique_id": frame["unique_id"].to_numpy(),
            "ds": pd.to_datetime(frame["period_date"]).to_numpy(),
            "y": frame["quantity"].astype("float64").to_numpy(),
        }
    ).sort_values(["unique_id", "ds"], kind="stable")
    return nixtla.reset_index(drop=True), keys


def _from_nixtla(
    forecast: pd.DataFrame, keys: pd.DataFrame, series_columns: list[str], column: str
) -> pd.DataFrame:
    out = forecast.reset_index() if "unique_id" not in forecast.columns else forecast
    out = out.merge(keys, on="unique_id", how="inner")
    out = out.rename(columns={"ds": "target_date", column: "predicted_quantity"})
    out["target_date"] = pd.to_datetime(out["target_date"])
    out["predicted_quantity"] = out["predicted_quantity"].astype("float64")
    return out[[*series_columns, *PREDICTION_COLUMNS]].sort_values(
        [*series_columns, "target_date"], ignore_index=True
    )


def _lightgbm_forecaster(settings: PeerSettings, origin: dt.date) -> Any:
    """The unfitted MLForecast of the LightGBM peers: one global LGBMRegressor on lags and
    rolling means (the settings'), deterministic."""
    lightgbm = importlib.import_module("lightgbm")
    mlforecast = importlib.import_module("mlforecast")
    lag_transforms = importlib.import_module("mlforecast.lag_transforms")

    regressor = lightgbm.LGBMRegressor(
        random_state=settings.seed,
        deterministic=True,
        force_row_wise=True,
        n_jobs=settings.threads,
        verbosity=-1,
        **dict(settings.lightgbm_params),
    )
    return mlforecast.MLForecast(
        models={"lightgbm": regressor},
        freq=settings.pandas_frequency(origin),
        lags=list(settings.lags),
        lag_transforms={
            settings.rolling_lag: [
                lag_transforms.RollingMean(window_size=window)
                for window in settings.rolling_windows
            ]
        },
        num_threads=1,
    )


def mlforecast_lightgbm(
    history: pd.DataFrame,
    series_columns: list[str],
    origin: dt.date,
    horizon: int,
    settings: PeerSettings,
) -> pd.DataFrame:
    """One global LightGBM model on lags and rolling means, forecasting recursively."""
    forecaster = _lightgbm_forecaster(settings, origin)
    nixtla, keys = _to_nixtla(history, series_columns)
    with warnings.catch_warnings():
        # Short series get no training row with lag 52 and null features when predicting;
        # LightGBM handles the nulls, and mlforecast says so once per step.
        warnings.simplefilter("ignore", UserWarning)
        forecaster.fit(nixtla)
        forecast = forecaster.predict(h=horizon)
    return _from_nixtla(forecast, keys, series_columns, "lightgbm")


@dataclass(frozen=True)
class BacktestWindows:
    """The arguments of ``MLForecast.cross_validation`` that put its cut-offs on a given
    set of backtest origins.

    mlforecast places window i's cut-off ``h + step_size * (n_windows - 1 - i)`` periods
    before each series' last date (``utilsforecast.processing.backtest_splits``): with every
    series ending ``h`` periods after the latest origin, the cut-offs are the origins.

    Attributes:
        origins: The backtest origins, oldest first.
        n_windows: How many origins.
        step_size: Periods between two origins (the horizon when there is one origin).
        last_date: The last period the cross-validation may see: the latest origin plus
            the horizon.
    """

    origins: tuple[dt.date, ...]
    n_windows: int
    step_size: int
    last_date: dt.date


def backtest_windows(
    origins: tuple[dt.date, ...] | list[dt.date], horizon: int, period: pd.Timedelta
) -> BacktestWindows:
    """The cross-validation windows of a set of backtest origins (see ``BacktestWindows``).

    Raises:
        ValueError: When there is no origin, or the origins are not evenly spaced whole
            periods apart (cross_validation's step is one number).
    """
    ordered = tuple(sorted(set(origins)))
    if not ordered:
        raise ValueError(
            "no backtest origins: int_forecast_cutoffs of the build has no row with "
            "is_backtest_origin (too little history for var backtest_origins?): the "
            "equal-work peer mlforecast_lightgbm_cv cannot run; leave it out with --peers"
        )
    gaps = {(pd.Timestamp(b) - pd.Timestamp(a)) / period for a, b in itertools.pairwise(ordered)}
    if len(gaps) > 1 or any(gap != round(gap) or gap < 1 for gap in gaps):
        raise ValueError(
            f"backtest origins {[str(day) for day in ordered]} are not evenly spaced whole "
            f"periods of {period} apart: cross_validation takes one step_size"
        )
    step = round(gaps.pop()) if gaps else horizon
    last = (pd.Timestamp(ordered[-1]) + horizon * period).date()
    return BacktestWindows(ordered, len(ordered), step, last)


def check_cutoffs(cutoffs: list[dt.date], windows: BacktestWindows) -> None:
    """Raise unless the cross-validation's cut-offs are the build's backtest origins."""
    if tuple(sorted(set(cutoffs))) != windows.origins:
        raise ValueError(
            f"cross_validation cut-offs {[str(day) for day in sorted(set(cutoffs))]} are not "
            f"the build's backtest origins {[str(day) for day in windows.origins]} "
            "(int_forecast_cutoffs.is_backtest_origin)"
        )


def mlforecast_lightgbm_cv(
    history: pd.DataFrame,
    series_columns: list[str],
    origin: dt.date,
    horizon: int,
    settings: PeerSettings,
) -> pd.DataFrame:
    """The equal-work peer: ``mlforecast_lightgbm``'s model backtested at the build's
    backtest origins, then fit and forecast as ``mlforecast_lightgbm``.

    ``MLForecast.cross_validation`` refits at every window (``refit=True``, as the build
    refits XGBoost at every origin) on an expanding window (``mlforecast_lightgbm`` trains
    on all history too), ``h`` = the horizon, on the history up to the latest origin plus
    the horizon (``backtest_windows``). Its cut-offs are checked against the origins
    (``check_cutoffs``) and printed; its backtest forecasts are not scored, the final one
    is.

    Raises:
        ValueError: Without backtest origins in the settings, when the cut-offs are not
            the origins, or when the latest origin's horizon ends after the origin.
    """
    windows = backtest_windows(settings.backtest_origins, horizon, settings.period)
    if windows.last_date > origin:
        raise ValueError(
            f"the latest backtest origin {windows.origins[-1]} plus {horizon} periods ends "
            f"after the forecast origin {origin}"
        )
    forecaster = _lightgbm_forecaster(settings, origin)
    nixtla, _ = _to_nixtla(history, series_columns)
    known = nixtla[nixtla["ds"] <= pd.Timestamp(windows.last_date)]
    with warnings.catch_warnings():
        # As in mlforecast_lightgbm; and a series with no row before a window's cut-off is
        # left out of that window, which mlforecast warns about.
        warnings.simplefilter("ignore", UserWarning)
        backtests = forecaster.cross_validation(
            known,
            n_windows=windows.n_windows,
            h=horizon,
            step_size=windows.step_size,
            refit=True,
        )
    cutoffs = [stamp.date() for stamp in pd.to_datetime(backtests["cutoff"]).unique()]
    check_cutoffs(cutoffs, windows)
    print(
        f"peer mlforecast_lightgbm_cv: cross_validation cut-offs "
        f"{', '.join(str(day) for day in sorted(set(cutoffs)))} (n_windows {windows.n_windows}, "
        f"step_size {windows.step_size}, h {horizon}) = the build's backtest origins",
        flush=True,
    )
    return mlforecast_lightgbm(history, series_columns, origin, horizon, settings)


def statsforecast_autoets(
    history: pd.DataFrame,
    series_columns: list[str],
    origin: dt.date,
    horizon: int,
    settings: PeerSettings,
) -> pd.DataFrame:
    """One ETS model per series, chosen by AICc; the naive forecast where ETS cannot fit.

    statsforecast, like R's forecast::ets, fits no seasonal ETS model when the season is
    longer than 24 periods: with weekly data (season 52) AutoETS picks among non-seasonal
    models only.
    """
    statsforecast = importlib.import_module("statsforecast")
    models = importlib.import_module("statsforecast.models")

    forecaster = statsforecast.StatsForecast(
        models=[models.AutoETS(season_length=settings.season)],
        freq=settings.pandas_frequency(origin),
        n_jobs=settings.threads,
        fallback_model=models.Naive(),
    )
    nixtla, keys = _to_nixtla(history, series_columns)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        # Constant series give a zero residual variance; ETS copes, numpy warns.
        warnings.simplefilter("ignore", RuntimeWarning)
        forecast = forecaster.forecast(df=nixtla, h=horizon)
    return _from_nixtla(forecast, keys, series_columns, "AutoETS")


# A default Prophet fit takes about a second per series on the shared machine: a larger
# panel is forecast on a sample of this many series.
PROPHET_MAX_SERIES = 200


def sample_series(
    history: pd.DataFrame, series_columns: list[str], max_series: int
) -> pd.DataFrame:
    """A deterministic sample of at most max_series series: the smallest md5 of the
    series key (the same sample for the same panel, whatever the row order)."""
    keys = _series_grid(history, series_columns).reset_index(drop=True)
    if len(keys) <= max_series:
        return keys
    text = keys.astype(str).agg("\x1f".join, axis=1)
    digest = text.map(lambda key: hashlib.md5(key.encode()).hexdigest())
    chosen = keys.assign(digest=digest).sort_values("digest").head(max_series)
    return chosen[series_columns].sort_values(series_columns).reset_index(drop=True)


def prophet(
    history: pd.DataFrame,
    series_columns: list[str],
    origin: dt.date,
    horizon: int,
    settings: PeerSettings,
) -> pd.DataFrame:
    """One default ``Prophet()`` per series of :func:`sample_series` (at most
    ``PROPHET_MAX_SERIES``), its yhat as the forecast.

    Defaults throughout (linear trend, additive seasonality, weekly and yearly on Prophet's
    auto rules, no holidays, yhat not clipped at 0) except ``uncertainty_samples=0``: the
    point forecast is the same without the interval simulation, which would take most of
    the time.
    """
    module = importlib.import_module("prophet")
    sample = sample_series(history, series_columns, PROPHET_MAX_SERIES)
    chosen = history.merge(sample, on=series_columns, how="inner")
    future = pd.DataFrame({"ds": target_dates(origin, horizon, settings.period)})
    parts = []
    for key, rows in chosen.groupby(series_columns, sort=True):
        model = module.Prophet(uncertainty_samples=0)
        # cmdstanpy sets its logger up on the first fit: quiet it after that.
        for name in ("cmdstanpy", "prophet"):
            logging.getLogger(name).setLevel(logging.ERROR)
        model.fit(pd.DataFrame({"ds": rows["period_date"], "y": rows["quantity"]}))
        out = future.assign(predicted_quantity=model.predict(future)["yhat"].to_numpy())
        for column, value in zip(series_columns, key, strict=True):
            out[column] = str(value)
        parts.append(out.rename(columns={"ds": "target_date"}))
    frame = pd.concat(parts, ignore_index=True)
    frame["predicted_quantity"] = frame["predicted_quantity"].astype("float64")
    return frame[[*series_columns, *PREDICTION_COLUMNS]]


def peer_sample(
    names: list[str], history: pd.DataFrame, series_columns: list[str]
) -> pd.DataFrame | None:
    """The series every model is scored on when a peer forecasts a sample only (the
    intersection of the bounded peers' samples); None when every peer covers the panel."""
    bounded = {"prophet": PROPHET_MAX_SERIES}
    sample = None
    for name in names:
        if name in bounded:
            chosen = sample_series(history, series_columns, bounded[name])
            sample = chosen if sample is None else sample.merge(chosen, on=series_columns)
    if sample is None or len(sample) == len(_series_grid(history, series_columns)):
        return None
    return sample


PeerFunction = Callable[[pd.DataFrame, list[str], dt.date, int, PeerSettings], pd.DataFrame]

PEERS: dict[str, PeerFunction] = {
    "seasonal_naive": seasonal_naive,
    "mlforecast_lightgbm": mlforecast_lightgbm,
    "mlforecast_lightgbm_cv": mlforecast_lightgbm_cv,
    "statsforecast_autoets": statsforecast_autoets,
    "prophet": prophet,
}

# The modules each peer needs beyond the main install (the ``bench`` extra).
PEER_MODULES: dict[str, tuple[str, ...]] = {
    "seasonal_naive": (),
    "mlforecast_lightgbm": ("mlforecast", "lightgbm"),
    "mlforecast_lightgbm_cv": ("mlforecast", "lightgbm"),
    "statsforecast_autoets": ("statsforecast",),
    "prophet": ("prophet",),
}


def missing_modules(name: str) -> list[str]:
    """The modules a peer needs that cannot be imported here."""
    missing = []
    for module in PEER_MODULES[name]:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def run_peer(
    name: str,
    history: pd.DataFrame,
    series_columns: list[str],
    origin: dt.date,
    horizon: int,
    settings: PeerSettings,
) -> pd.DataFrame:
    """Run one peer by name (a key of ``PEERS``) on gap-filled history."""
    if name not in PEERS:
        raise ValueError(f"unknown peer {name!r}; known: {sorted(PEERS)}")
    return PEERS[name](history, series_columns, origin, horizon, settings)
