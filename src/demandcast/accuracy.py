"""Accuracy benchmark: the project's own forecasts against peer libraries, on the same rows.

One run, for one data folder and forecast origin:

1. builds the dbt project itself (the layout's var preset, ``as_of_date`` = the origin,
   ``forecast_horizon_periods`` = the horizon) into a scratch DuckDB file, and reads every
   model's published forecast from it (``read_project_forecasts``);
2. reads the raw files again, without the project (``demandcast.panels``), fills missing
   periods inside each series with 0 up to the origin, and runs each peer on that history,
   each in a fresh process of its own so that its wall time and peak memory are its own;
3. scores everything on the actual rows after the origin (within the horizon) as the raw
   files hold them: a series x period without a forecast counts as a forecast of 0.

Metrics: WMAE (holiday periods weighted, when the data says which periods are holidays),
WAPE, MASE (seasonal scale per series from the gap-filled history up to the origin) and MAE.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from demandcast import metrics, peers
from demandcast.panels import SERIES_COLUMNS, Panel, read_panel
from demandcast.presets import canonical_vars, m5_vars, walmart_vars
from demandcast.project import run_dbt

LAYOUT_VARS = {"canonical": canonical_vars, "walmart": walmart_vars, "m5": m5_vars}
FORECAST_COLUMNS = ["model", *SERIES_COLUMNS, "target_date", "predicted_quantity"]
PROJECT_PREFIX = "demandcast/"
PEER_PREFIX = "peer/"
REFERENCE_MODEL = PEER_PREFIX + "seasonal_naive"
# dbt unit-test fixtures do not follow a user's column mapping yet: leave them out here.
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


@dataclass(frozen=True)
class Protocol:
    """What one accuracy run evaluates.

    Attributes:
        dataset: Name of the data folder.
        layout: ``walmart``, ``m5`` or ``canonical``.
        frequency: ``day`` or ``week``.
        origin: Forecast origin: the last period anybody's forecast may see.
        horizon: Periods forecast after the origin.
        holiday_weight: Weight of holiday periods in WMAE.
        has_holiday_flag: Whether the data says which periods are holidays (WMAE needs it).
        primary_metric: The metric the ratio to seasonal naive is taken on: WMAE for
            weekly data (the Walmart competition's), WAPE for daily data.
    """

    dataset: str
    layout: str
    frequency: str
    origin: dt.date
    horizon: int
    holiday_weight: float
    has_holiday_flag: bool
    primary_metric: str


@dataclass(frozen=True)
class AccuracyRow:
    """One figure: a model's metric on a dataset, with what it cost to compute."""

    dataset: str
    model: str
    metric: str
    value: float
    wall_seconds: float | None
    peak_mb: float | None


def default_horizon(frequency: str) -> int:
    """39 weeks (the Walmart competition's horizon) or 28 days (M5's)."""
    return 39 if frequency == "week" else 28


def make_protocol(
    data_dir: Path,
    layout: str,
    panel: Panel,
    origin: dt.date | None = None,
    horizon: int | None = None,
    holiday_weight: float = metrics.DEFAULT_HOLIDAY_WEIGHT,
) -> Protocol:
    """The run's protocol; by default the origin leaves exactly one horizon of data after it
    (for the Walmart folder: 2012-01-27, 39 weeks, the shared benchmark protocol)."""
    steps = horizon if horizon is not None else default_horizon(panel.frequency)
    if steps < 1:
        raise ValueError(f"horizon must be at least 1, got {steps}")
    chosen = origin or (pd.Timestamp(panel.last_date) - steps * panel.period).date()
    first = pd.Timestamp(panel.frame["period_date"].min()).date()
    if not first < chosen < panel.last_date:
        raise ValueError(f"origin {chosen} must lie inside the data ({first} .. {panel.last_date})")
    return Protocol(
        dataset=data_dir.resolve().name,
        layout=layout,
        frequency=panel.frequency,
        origin=chosen,
        horizon=steps,
        holiday_weight=holiday_weight,
        has_holiday_flag=panel.has_holiday_flag,
        primary_metric="wmae" if panel.frequency == "week" and panel.has_holiday_flag else "wape",
    )


def project_vars(data_dir: Path, protocol: Protocol) -> dict[str, Any]:
    """The dbt vars of the project's run: the layout's preset, the origin and the horizon."""
    return {
        **LAYOUT_VARS[protocol.layout](data_dir.resolve()),
        "as_of_date": protocol.origin.isoformat(),
        "forecast_horizon_periods": protocol.horizon,
    }


def _tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = 'main'"
    ).fetchall()
    return {name for (name,) in rows}


def read_project_forecasts(database_path: str | Path) -> pd.DataFrame:
    """Every model's published forecast (the as-of date's origin) from a built warehouse.

    Reads ``forecast_candidates`` (one model_name per candidate) and ``fct_forecasts`` (the
    final forecast, as model ``final``) when the warehouse has them; otherwise the tables
    that came before: ``forecast_xgboost`` and ``baseline_forecasts``.

    Args:
        database_path: The DuckDB file a dbt build wrote.

    Returns:
        ``FORECAST_COLUMNS``, model names prefixed ``demandcast/``, one row per model,
        series and target date.

    Raises:
        ValueError: When a model has two forecasts for one series and date.
    """
    with duckdb.connect(str(database_path), read_only=True) as connection:
        tables = _tables(connection)
        columns = "store_id, item_id, target_date, predicted_quantity"
        if "forecast_candidates" in tables:
            queries = [
                f"select model_name as model, {columns} from forecast_candidates "
                "where not is_backtest"
            ]
            if "fct_forecasts" in tables:
                queries.append(f"select 'final' as model, {columns} from fct_forecasts")
        else:
            queries = [
                f"select model_name as model, {columns} from forecast_xgboost "
                "where not is_backtest",
                f"select model_name as model, {columns} from baseline_forecasts "
                "where is_scoring_row",
            ]
        frame = connection.execute(" union all ".join(queries)).df()
    frame["model"] = PROJECT_PREFIX + frame["model"].astype(str)
    frame["store_id"] = frame["store_id"].astype(str)
    frame["item_id"] = frame["item_id"].astype(str)
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    frame["predicted_quantity"] = frame["predicted_quantity"].astype("float64")
    duplicated = frame.duplicated(["model", *SERIES_COLUMNS, "target_date"])
    if duplicated.any():
        example = frame[duplicated].iloc[0].to_dict()
        raise ValueError(f"{int(duplicated.sum())} duplicate forecasts, e.g. {example}")
    return frame[FORECAST_COLUMNS]


@dataclass(frozen=True)
class Timed:
    """A forecast frame with the wall time and peak memory of the step that made it."""

    forecast: pd.DataFrame
    wall_seconds: float
    peak_mb: float | None


def run_project(data_dir: Path, protocol: Protocol, workdir: Path) -> Timed:
    """Build the project at the origin into a scratch DuckDB file; read its forecasts.

    The peak memory is the largest finished child process's, dbt's when this runs first in
    a fresh process (as the CLI does).
    """
    database = workdir / "accuracy.duckdb"
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    result = run_dbt(BUILD_ARGS, database_path=database, dbt_vars=project_vars(data_dir, protocol))
    wall = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"dbt build failed on {data_dir}:\n{result.output[-4000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return Timed(read_project_forecasts(database), wall, peak)


def own_peak_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB.

    ``ru_maxrss`` of a spawned process starts from its parent's peak (Linux keeps it across
    exec), so this reads the process's own high-water mark, VmHWM, where /proc has it.
    """
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, children)
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return max(int(line.split()[1]) / 1024, children)


def _peer_in_this_process(
    name: str,
    history: pd.DataFrame,
    origin: dt.date,
    horizon: int,
    settings: peers.PeerSettings,
) -> tuple[pd.DataFrame, float, float]:
    # Import the libraries before the clock starts: the figure is fitting and forecasting.
    missing = peers.missing_modules(name)
    if missing:
        raise ImportError(f"peer {name} needs {', '.join(missing)}: install the bench extra")
    started = time.perf_counter()
    forecast = peers.run_peer(name, history, SERIES_COLUMNS, origin, horizon, settings)
    wall = time.perf_counter() - started
    return forecast, wall, own_peak_mb()


def run_peer_measured(
    name: str,
    history: pd.DataFrame,
    protocol: Protocol,
    settings: peers.PeerSettings,
) -> Timed:
    """One peer in a fresh process: its forecast, its wall seconds and its own peak memory.

    The peak includes the interpreter and the libraries (about 200-300 MB before any data).
    """
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        forecast, wall, peak = pool.submit(
            _peer_in_this_process, name, history, protocol.origin, protocol.horizon, settings
        ).result()
    forecast = forecast.assign(model=PEER_PREFIX + name)
    return Timed(forecast[FORECAST_COLUMNS], wall, peak)


def actual_rows(panel: Panel, protocol: Protocol) -> pd.DataFrame:
    """The rows the raw data holds for the horizon after the origin."""
    origin = pd.Timestamp(protocol.origin)
    end = origin + protocol.horizon * panel.period
    dates = panel.frame["period_date"]
    return panel.frame[(dates > origin) & (dates <= end)].reset_index(drop=True)


def evaluate(
    actuals: pd.DataFrame,
    forecast: pd.DataFrame,
    scale: pd.Series,
    protocol: Protocol,
) -> dict[str, float]:
    """One model's metrics on the actual rows.

    Args:
        actuals: Series columns, ``period_date``, ``quantity``, ``is_holiday``.
        forecast: Series columns, ``target_date``, ``predicted_quantity`` (one model).
        scale: MASE scale per series (``metrics.seasonal_scale``).
        protocol: The run's protocol.

    Returns:
        Metric name to value: wmae (with a holiday flag), wape, mase, mae, and the counts
        ``rows``, ``missing_predictions`` (scored as 0) and ``mase_rows_left_out``.
    """
    predictions = forecast.rename(columns={"target_date": "period_date"})[
        [*SERIES_COLUMNS, "period_date", "predicted_quantity"]
    ]
    rows = actuals.merge(predictions, on=[*SERIES_COLUMNS, "period_date"], how="left")
    if len(rows) != len(actuals):
        raise ValueError("a forecast has more than one value for a series and period")
    missing = rows["predicted_quantity"].isna()
    predicted = rows["predicted_quantity"].fillna(0.0).to_numpy()
    actual = rows["quantity"].to_numpy()
    row_scale = rows.merge(scale.rename("scale").reset_index(), on=SERIES_COLUMNS, how="left")[
        "scale"
    ]
    series = rows["store_id"] + "\x1f" + rows["item_id"]
    mase_value, left_out = metrics.mase(actual, predicted, series, row_scale.to_numpy())
    result = {
        "wape": metrics.wape(actual, predicted),
        "mase": mase_value,
        "mae": metrics.mae(actual, predicted),
        "rows": float(len(rows)),
        "missing_predictions": float(missing.sum()),
        "mase_rows_left_out": float(left_out),
    }
    if protocol.has_holiday_flag:
        result["wmae"] = metrics.wmae(
            actual, predicted, rows["is_holiday"].to_numpy(), protocol.holiday_weight
        )
    return result


def run_accuracy(
    data_dir: Path,
    layout: str,
    workdir: Path,
    *,
    origin: dt.date | None = None,
    horizon: int | None = None,
    holiday_weight: float = metrics.DEFAULT_HOLIDAY_WEIGHT,
    peer_names: list[str] | None = None,
    threads: int = 1,
) -> tuple[Protocol, list[AccuracyRow]]:
    """The whole benchmark on one data folder (see the module docstring).

    Args:
        data_dir: Folder in the given layout.
        layout: ``walmart``, ``m5`` or ``canonical``.
        workdir: Scratch folder for the DuckDB file and dbt's target folder.
        origin: Forecast origin; default: the last date less one horizon.
        horizon: Periods to forecast; default 39 weekly, 28 daily.
        holiday_weight: WMAE weight of holiday periods.
        peer_names: Peers to run (keys of ``peers.PEERS``); default: all.
        threads: Threads (LightGBM) or processes (statsforecast) of the peers.

    Returns:
        The protocol and every figure: each metric of each model, plus the ratio of the
        primary metric to the peer seasonal naive's.
    """
    names = list(peers.PEERS) if peer_names is None else peer_names
    for name in names:
        if name not in peers.PEERS:
            raise ValueError(f"unknown peer {name!r}; known: {sorted(peers.PEERS)}")
        missing = peers.missing_modules(name)
        if missing:
            raise ImportError(
                f"peer {name} needs {', '.join(missing)}: pip install -e '.[bench]' "
                "(make bench does), or leave it out with --peers"
            )
    panel = read_panel(data_dir, layout)
    protocol = make_protocol(data_dir, layout, panel, origin, horizon, holiday_weight)
    settings = peers.settings_for(panel.frequency)
    settings = peers.PeerSettings(**{**asdict(settings), "threads": threads})

    # dbt first, so that the largest finished child so far is dbt.
    project = run_project(data_dir, protocol, workdir)
    timed: dict[str, Timed] = {}
    for model, forecast in project.forecast.groupby("model", sort=True):
        timed[str(model)] = Timed(forecast, project.wall_seconds, project.peak_mb)

    history = peers.fill_missing_periods(panel.frame, SERIES_COLUMNS, protocol.origin, panel.period)
    for name in names:
        timed[PEER_PREFIX + name] = run_peer_measured(name, history, protocol, settings)

    actuals = actual_rows(panel, protocol)
    # A peer bounded to a sample of series (peer/prophet): everybody is scored on it.
    sample = peers.peer_sample(names, history, SERIES_COLUMNS)
    actuals = actuals if sample is None else actuals.merge(sample, on=SERIES_COLUMNS)
    scale = metrics.seasonal_scale(history, SERIES_COLUMNS, settings.season)
    results: list[AccuracyRow] = []
    primary: dict[str, float] = {}
    for model, run in timed.items():
        figures = evaluate(actuals, run.forecast, scale, protocol)
        primary[model] = figures[protocol.primary_metric]
        for metric, value in figures.items():
            results.append(
                AccuracyRow(protocol.dataset, model, metric, value, run.wall_seconds, run.peak_mb)
            )
    reference = primary.get(REFERENCE_MODEL)
    if reference:
        for model, value in primary.items():
            run = timed[model]
            results.append(
                AccuracyRow(
                    protocol.dataset,
                    model,
                    f"{protocol.primary_metric}_ratio_to_seasonal_naive",
                    value / reference,
                    run.wall_seconds,
                    run.peak_mb,
                )
            )
    return protocol, results


def format_table(protocol: Protocol, results: list[AccuracyRow]) -> str:
    """The figures as a Markdown table, one line per model."""
    by_model: dict[str, dict[str, float]] = {}
    costs: dict[str, tuple[float | None, float | None]] = {}
    for row in results:
        by_model.setdefault(row.model, {})[row.metric] = row.value
        costs[row.model] = (row.wall_seconds, row.peak_mb)

    def number(value: float | None, digits: int) -> str:
        return "" if value is None or not np.isfinite(value) else f"{value:,.{digits}f}"

    ratio = f"{protocol.primary_metric}_ratio_to_seasonal_naive"
    lines = [
        f"| dataset | model | WMAE | WAPE | MASE | {protocol.primary_metric.upper()} / "
        "seasonal naive | wall s | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for model, figures in by_model.items():
        wall, peak = costs[model]
        lines.append(
            f"| {protocol.dataset} | {model} | {number(figures.get('wmae'), 2)} "
            f"| {number(figures.get('wape'), 4)} | {number(figures.get('mase'), 3)} "
            f"| {number(figures.get(ratio), 3)} | {number(wall, 1)} | {number(peak, 0)} |"
        )
    return "\n".join(lines)
