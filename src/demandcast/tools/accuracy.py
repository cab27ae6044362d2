"""Accuracy benchmark: the project's own forecasts against peer libraries, on the same rows.

One run takes exactly what ``dbt build`` takes: a data folder, a var preset
(``demandcast.tools.presets``) and the user's vars merged over it, top-level keys replacing the
preset's as dbt's ``--vars`` does. In a work folder it

1. builds the project's staging and calendar (``path:models/staging`` and
   ``int_calendar_features``) with those vars and no as-of date, so up to the last date,
   into ``actuals/warehouse.duckdb``, and reads the panel from it (``read_project_panel``):
   ``stg_sales`` summed per store_id, item_id, period_end_date with the period's holiday
   flag from ``int_calendar_features``. The panel is whatever the project reads, in any
   layout the input contract takes: column mappings, date formats, store-only keys;
2. builds the whole project, every resource, with the same vars and ``as_of_date`` = the
   origin into ``origin/warehouse.duckdb`` (its Parquet copies in ``origin/published``), and
   reads every model's published forecast from it (``read_project_forecasts``);
3. runs each peer on the panel's history up to the origin, missing periods inside a series
   filled with 0, each in a fresh process of its own so that its wall time and peak memory
   are its own;
4. scores everything on the panel's rows after the origin (within the horizon): a series x
   period without a forecast counts as a forecast of 0. Every scored row of every model is
   written to ``scored_rows.parquet`` in the work folder.

Reading the actuals through the project means a staging bug would reach the project and
the peers alike instead of showing as a loss: staging has its own tests (the input
contract's), and the benchmark's tests check the scored rows against the raw files.

Metrics: WMAE (holiday periods weighted, when the data says which periods are holidays),
WAPE, MASE (seasonal scale per series from the gap-filled history up to the origin) and MAE.
Per data set, two ratios of the primary metric (``final_ratios``): the final forecast over
the best single candidate that covers every scored row, and over the seasonal naive peer.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
import os
import resource
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from demandcast import metrics
from demandcast.tools import peers
from demandcast.tools.panels import SERIES_COLUMNS, Panel
from demandcast.tools.presets import vars_for_preset
from demandcast.tools.project import IN_PROCESS_ENV, run_dbt

FORECAST_COLUMNS = ["model", *SERIES_COLUMNS, "target_date", "predicted_quantity"]
PROJECT_PREFIX = "demandcast/"
PEER_PREFIX = "peer/"
REFERENCE_MODEL = PEER_PREFIX + "seasonal_naive"
FINAL_MODEL = PROJECT_PREFIX + "final"
# The peer doing the build's work for its XGBoost candidate: backtests at the same origins,
# then the final fit and forecast (peers.mlforecast_lightgbm_cv).
EQUAL_WORK_PEER = PEER_PREFIX + "mlforecast_lightgbm_cv"
# The project's single candidates: the final forecast is compared with the best of them.
CANDIDATE_MODELS = tuple(
    PROJECT_PREFIX + name
    for name in (
        "xgboost",
        "prophet",
        "seasonal_naive",
        "moving_average",
        "croston_sba",
        "tsb",
        "adida",
        "combination",
        "reconciled",
    )
)
# The whole project, every resource (data tests and unit tests included), as a user builds it.
BUILD_ARGS = ["build"]
# What the actuals need: staging (the clean sales) and the calendar (the holiday flag) with
# its parents, and the period spine that a staging test reads. Cautious: no test whose other
# parents are left out of this build.
ACTUALS_BUILD_ARGS = [
    "build",
    "--select",
    "path:models/staging",
    "int_period_spine",
    "+int_calendar_features",
    "--indirect-selection",
    "cautious",
]
# Vars the benchmark sets itself, and the option that sets each instead.
RESERVED_VARS = {"as_of_date": "--origin"}
WAREHOUSE_FILE = "warehouse.duckdb"
SCORED_ROWS_FILE = "scored_rows.parquet"


@dataclass(frozen=True)
class BenchInput:
    """What one benchmark run reads: the same as one ``dbt build``.

    Attributes:
        data_dir: The data folder the preset points at.
        preset: A preset name (a key of ``presets.preset_functions()``).
        user_vars: The user's vars, merged over the preset's (top-level keys replace).
    """

    data_dir: Path
    preset: str
    user_vars: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, option in RESERVED_VARS.items():
            if name in self.user_vars:
                raise ValueError(f"var {name} is set by the benchmark: use {option} instead")

    @property
    def dataset(self) -> str:
        """The data set's name in the figures: the data folder's."""
        return self.data_dir.resolve().name

    def dbt_vars(self) -> dict[str, Any]:
        """The preset's vars for the data folder with the user's over them."""
        return {**vars_for_preset(self.preset, self.data_dir.resolve()), **self.user_vars}


@dataclass(frozen=True)
class Protocol:
    """What one accuracy run evaluates.

    Attributes:
        dataset: Name of the data folder.
        preset: The var preset the data was read with (the user's vars over it).
        frequency: ``day`` or ``week``.
        origin: Forecast origin: the last period anybody's forecast may see.
        horizon: Periods forecast after the origin.
        holiday_weight: Weight of holiday periods in WMAE.
        has_holiday_flag: Whether the data says which periods are holidays (WMAE needs it).
        primary_metric: The metric the ratios are taken on: WMAE for weekly data (the
            Walmart competition's), WAPE for daily data.
    """

    dataset: str
    preset: str
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
    dataset: str,
    preset: str,
    panel: Panel,
    origin: dt.date | None = None,
    horizon: int | None = None,
    holiday_weight: float = metrics.DEFAULT_HOLIDAY_WEIGHT,
) -> Protocol:
    """The run's protocol; by default the origin leaves exactly one horizon of data after it
    (for the Walmart folder: 2012-01-27, 39 weeks, the shared benchmark protocol).

    Raises:
        ValueError: When the horizon is below 1, or the origin is not a period end date
            strictly inside the data.
    """
    steps = horizon if horizon is not None else default_horizon(panel.frequency)
    if steps < 1:
        raise ValueError(f"horizon must be at least 1, got {steps}")
    last = pd.Timestamp(panel.last_date)
    chosen = origin or (last - steps * panel.period).date()
    first = pd.Timestamp(panel.frame["period_date"].min()).date()
    if not first < chosen < panel.last_date:
        raise ValueError(f"origin {chosen} must lie inside the data ({first} .. {panel.last_date})")
    periods_to_last = (last - pd.Timestamp(chosen)) / panel.period
    if periods_to_last != round(periods_to_last):
        raise ValueError(
            f"origin {chosen} is not a period end date of the data: its {panel.frequency}ly "
            f"periods end on {last.strftime('%A')}s (the last one {panel.last_date})"
        )
    return Protocol(
        dataset=dataset,
        preset=preset,
        frequency=panel.frequency,
        origin=chosen,
        horizon=steps,
        holiday_weight=holiday_weight,
        has_holiday_flag=panel.has_holiday_flag,
        primary_metric="wmae" if panel.frequency == "week" and panel.has_holiday_flag else "wape",
    )


def project_vars(bench_input: BenchInput, protocol: Protocol, workdir: Path) -> dict[str, Any]:
    """The dbt vars of the project's run at the origin: the preset's, the user's, the origin
    and the horizon; the Parquet copies go to ``published/`` beside the warehouse, never to
    a BI folder the user's vars may name."""
    return {
        **bench_input.dbt_vars(),
        "as_of_date": protocol.origin.isoformat(),
        "forecast_horizon_periods": protocol.horizon,
        "bi_publish_path": str((workdir / "origin" / "published").resolve()),
    }


def builds_in_process() -> bool:
    """Whether the benchmark's dbt builds run in this process: only when environment
    variable DEMANDCAST_DBT_IN_PROCESS is 1 (the test suite sets it, to skip importing and
    parsing dbt afresh for each build). Then the build's peak memory is not measured (None);
    by default each build runs in a fresh process of its own, as a user's ``dbt build``."""
    return os.environ.get(IN_PROCESS_ENV) == "1"


def _build(args: list[str], database: Path, dbt_vars: dict[str, Any], what: str) -> float:
    """Run one dbt command into a fresh DuckDB file; its wall seconds. Raises on failure."""
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    database.with_name(database.name + ".wal").unlink(missing_ok=True)
    started = time.perf_counter()
    result = run_dbt(
        args, database_path=database, dbt_vars=dbt_vars, in_process=builds_in_process()
    )
    wall = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"dbt {what} failed ({database}):\n{result.output[-4000:]}")
    return wall


# The panel the project reads: clean sales per series and period, with the period's
# holiday flag as the project's calendar sets it (events or the sales feed's own flag).
PANEL_SQL = """
with

sales as (
    select
        store_id,
        item_id,
        period_end_date,
        sum(quantity) as quantity
    from stg_sales
    group by store_id, item_id, period_end_date
),

calendar as (
    select
        store_id,
        period_end_date,
        is_holiday_period
    from int_calendar_features
)

select
    sales.store_id,
    sales.item_id,
    sales.period_end_date as period_date,
    sales.quantity,
    coalesce(calendar.is_holiday_period, false) as is_holiday
from sales
left join calendar
    on
        sales.store_id = calendar.store_id
        and sales.period_end_date = calendar.period_end_date
order by sales.store_id, sales.item_id, sales.period_end_date
"""


def read_project_panel(database_path: str | Path) -> Panel:
    """The panel of a warehouse built with ``ACTUALS_BUILD_ARGS``.

    Returns:
        One row per store_id, item_id, period (``period_date`` = the period's end date)
        with the summed clean ``quantity`` and ``is_holiday``; the run's frequency.

    Raises:
        ValueError: When staging kept no sales row.
    """
    with duckdb.connect(str(database_path), read_only=True) as connection:
        context = connection.execute("select frequency from stg_run_context").fetchone()
        frame = connection.execute(PANEL_SQL).df()
    if context is None or frame.empty:
        raise ValueError(
            f"no clean sales rows in {database_path}: see stg_quarantined_rows there "
            "for why each row was left out"
        )
    frame["store_id"] = frame["store_id"].astype(str)
    frame["item_id"] = frame["item_id"].astype(str)
    frame["period_date"] = pd.to_datetime(frame["period_date"])
    frame["quantity"] = frame["quantity"].astype("float64")
    frame["is_holiday"] = frame["is_holiday"].astype(bool)
    return Panel(
        frame.reset_index(drop=True),
        frequency=str(context[0]),
        has_holiday_flag=bool(frame["is_holiday"].any()),
    )


def build_actuals(bench_input: BenchInput, workdir: Path) -> Path:
    """Build staging and the calendar up to the last date; the warehouse's path."""
    database = workdir / "actuals" / WAREHOUSE_FILE
    _build(ACTUALS_BUILD_ARGS, database, bench_input.dbt_vars(), "build of staging")
    return database


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


def run_project(bench_input: BenchInput, protocol: Protocol, workdir: Path) -> Timed:
    """Build the whole project at the origin into ``origin/warehouse.duckdb``; read its
    forecasts.

    The peak memory is the largest finished child process's: dbt's, when the dbt builds
    run first in a fresh process (as the CLI does); None when they run in this process
    (:func:`builds_in_process`).
    """
    database = workdir / "origin" / WAREHOUSE_FILE
    wall = _build(
        BUILD_ARGS, database, project_vars(bench_input, protocol, workdir), "build at the origin"
    )
    peak = (
        None
        if builds_in_process()
        else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return Timed(read_project_forecasts(database), wall, peak)


def read_backtest_origins(database_path: str | Path) -> tuple[dt.date, ...]:
    """The backtest origins of a built warehouse, oldest first: the ``int_forecast_cutoffs``
    rows with ``is_backtest_origin`` (the one rule every model of the build reads)."""
    with duckdb.connect(str(database_path), read_only=True) as connection:
        rows = connection.execute(
            "select cutoff_date from int_forecast_cutoffs where is_backtest_origin "
            "order by cutoff_date"
        ).fetchall()
    return tuple(pd.Timestamp(day).date() for (day,) in rows)


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
    """The panel's rows for the horizon after the origin."""
    origin = pd.Timestamp(protocol.origin)
    end = origin + protocol.horizon * panel.period
    dates = panel.frame["period_date"]
    return panel.frame[(dates > origin) & (dates <= end)].reset_index(drop=True)


def scored_rows(actuals: pd.DataFrame, forecast: pd.DataFrame) -> pd.DataFrame:
    """The actual rows with one model's forecast beside them (null where it has none).

    Raises:
        ValueError: When the forecast has two values for one series and period.
    """
    predictions = forecast.rename(columns={"target_date": "period_date"})[
        [*SERIES_COLUMNS, "period_date", "predicted_quantity"]
    ]
    rows = actuals.merge(predictions, on=[*SERIES_COLUMNS, "period_date"], how="left")
    if len(rows) != len(actuals):
        raise ValueError("a forecast has more than one value for a series and period")
    return rows


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
    rows = scored_rows(actuals, forecast)
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


@dataclass(frozen=True)
class FinalRatios:
    """The final forecast against the alternatives a user would weigh it against.

    Attributes:
        dataset: The data set.
        metric: The primary metric the ratios are taken on.
        best_candidate: The single candidate (``CANDIDATE_MODELS``) with the lowest metric
            among those that forecast every scored row; None when none does.
        final_to_best_candidate: The final forecast's metric over that candidate's.
        final_to_seasonal_naive: The final forecast's metric over the seasonal naive
            peer's (``REFERENCE_MODEL``).
        candidates_left_out: Candidates that miss a scored row (or were not scored), so do
            not qualify as the best.
    """

    dataset: str
    metric: str
    best_candidate: str | None
    final_to_best_candidate: float | None
    final_to_seasonal_naive: float | None
    candidates_left_out: tuple[str, ...]


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def final_ratios(results: list[AccuracyRow], dataset: str, metric: str) -> FinalRatios:
    """The two ratios of one data set's results (see ``FinalRatios``).

    Args:
        results: The data set's figures (``run_accuracy``): at least ``metric`` and
            ``missing_predictions`` of each model.
        dataset: The data set whose rows are read.
        metric: The primary metric (``Protocol.primary_metric``).
    """
    figures = {(row.model, row.metric): row.value for row in results if row.dataset == dataset}
    # Rows nobody can forecast (a series launched after the origin) miss from the final
    # forecast too: a candidate qualifies when it misses no more rows than the final does.
    final_missing = figures.get((FINAL_MODEL, "missing_predictions"), 0.0)
    qualified: dict[str, float] = {}
    left_out: list[str] = []
    for model in CANDIDATE_MODELS:
        value = figures.get((model, metric))
        missing = figures.get((model, "missing_predictions"))
        if value is None or missing is None or missing > final_missing:
            left_out.append(model)
        else:
            qualified[model] = value
    best = min(qualified, key=lambda model: qualified[model]) if qualified else None
    final = figures.get((FINAL_MODEL, metric))
    return FinalRatios(
        dataset=dataset,
        metric=metric,
        best_candidate=best,
        final_to_best_candidate=_ratio(final, qualified.get(best) if best else None),
        final_to_seasonal_naive=_ratio(final, figures.get((REFERENCE_MODEL, metric))),
        candidates_left_out=tuple(left_out),
    )


def _check_peers(names: list[str]) -> None:
    """Refuse unknown peers and peers whose libraries are not installed, before any build.

    Raises:
        ValueError: For a name that is not a key of ``peers.PEERS``.
        ImportError: For a peer whose libraries are missing.
    """
    for name in names:
        if name not in peers.PEERS:
            raise ValueError(f"unknown peer {name!r}; known: {sorted(peers.PEERS)}")
        missing = peers.missing_modules(name)
        if missing:
            raise ImportError(
                f"peer {name} needs {', '.join(missing)}: pip install -e '.[bench]' "
                "(make bench does), or leave it out with --peers"
            )


def _project_models(project: Timed) -> dict[str, Timed]:
    """The project's forecast split by model, each with the cost of the one build."""
    return {
        str(model): Timed(forecast, project.wall_seconds, project.peak_mb)
        for model, forecast in project.forecast.groupby("model", sort=True)
    }


def _score_all(
    timed: dict[str, Timed],
    actuals: pd.DataFrame,
    scale: pd.Series,
    protocol: Protocol,
    scored_rows_path: Path,
) -> list[AccuracyRow]:
    """Score every model on the same actual rows; write the scored rows.

    Returns:
        Each metric of each model, then the ratio of each model's primary metric to the
        seasonal naive peer's (when that peer ran and its figure is not 0).
    """
    results: list[AccuracyRow] = []
    primary: dict[str, float] = {}
    scored: list[pd.DataFrame] = []
    for model, run in timed.items():
        figures = evaluate(actuals, run.forecast, scale, protocol)
        scored.append(scored_rows(actuals, run.forecast).assign(model=model))
        primary[model] = figures[protocol.primary_metric]
        for metric, value in figures.items():
            results.append(
                AccuracyRow(protocol.dataset, model, metric, value, run.wall_seconds, run.peak_mb)
            )
    write_scored_rows(pd.concat(scored, ignore_index=True), scored_rows_path)
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
    return results


def run_accuracy(
    bench_input: BenchInput,
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
        bench_input: The data folder, its preset and the user's vars.
        workdir: Folder of the warehouses (``actuals/``, ``origin/``), dbt's target folders
            and ``scored_rows.parquet``.
        origin: Forecast origin; default: the last date less one horizon.
        horizon: Periods to forecast; default: the user's var forecast_horizon_periods,
            else 39 weekly, 28 daily.
        holiday_weight: WMAE weight of holiday periods.
        peer_names: Peers to run (keys of ``peers.PEERS``); default: all.
        threads: Threads (LightGBM) or processes (statsforecast) of the peers.

    Returns:
        The protocol and every figure: each metric of each model, plus the ratio of the
        primary metric to the peer seasonal naive's.
    """
    names = list(peers.PEERS) if peer_names is None else peer_names
    _check_peers(names)
    # dbt first, so that the largest finished child so far is dbt.
    panel = read_project_panel(build_actuals(bench_input, workdir))
    if horizon is None and bench_input.user_vars.get("forecast_horizon_periods") is not None:
        horizon = int(bench_input.user_vars["forecast_horizon_periods"])
    protocol = make_protocol(
        bench_input.dataset, bench_input.preset, panel, origin, horizon, holiday_weight
    )
    settings = peers.settings_for(panel.frequency)
    settings = peers.PeerSettings(**{**asdict(settings), "threads": threads})
    project = run_project(bench_input, protocol, workdir)
    origins = read_backtest_origins(workdir / "origin" / WAREHOUSE_FILE)
    settings = replace(settings, backtest_origins=origins)
    timed = _project_models(project)
    history = peers.fill_missing_periods(panel.frame, SERIES_COLUMNS, protocol.origin, panel.period)
    for name in names:
        timed[PEER_PREFIX + name] = run_peer_measured(name, history, protocol, settings)
    actuals = actual_rows(panel, protocol)
    # A peer bounded to a sample of series (peer/prophet): everybody is scored on it.
    sample = peers.peer_sample(names, history, SERIES_COLUMNS)
    actuals = actuals if sample is None else actuals.merge(sample, on=SERIES_COLUMNS)
    scale = metrics.seasonal_scale(history, SERIES_COLUMNS, settings.season)
    results = _score_all(timed, actuals, scale, protocol, workdir / SCORED_ROWS_FILE)
    return protocol, results


@dataclass(frozen=True)
class EqualWorkRatio:
    """The whole ``dbt build`` against the peer that does the same work for one model
    (``EQUAL_WORK_PEER``: backtests at the build's origins, then the final fit).

    Attributes:
        dataset: The data set.
        peer: The equal-work peer's model name.
        backtest_origins: The build's backtest origins (ISO dates), where the peer
            cross-validated.
        build_wall_seconds: Wall time of the whole ``dbt build`` (every model, test and
            publication, not XGBoost alone).
        peer_wall_seconds: The peer's fitting and forecasting, in its own process.
        build_to_peer_wall: build_wall_seconds / peer_wall_seconds.
        build_peak_mb: Peak memory of the dbt build.
        peer_peak_mb: The peer process's own peak memory.
    """

    dataset: str
    peer: str
    backtest_origins: tuple[str, ...]
    build_wall_seconds: float | None
    peer_wall_seconds: float | None
    build_to_peer_wall: float | None
    build_peak_mb: float | None
    peer_peak_mb: float | None


def equal_work_ratio(
    results: list[AccuracyRow], dataset: str, backtest_origins: tuple[dt.date, ...]
) -> EqualWorkRatio | None:
    """The build / equal-work peer figures of one data set; None when that peer did not run.

    The build's cost is any ``demandcast/`` row's (one build publishes every model).
    """
    costs = {
        row.model: (row.wall_seconds, row.peak_mb) for row in results if row.dataset == dataset
    }
    if EQUAL_WORK_PEER not in costs:
        return None
    build = next(
        (cost for model, cost in sorted(costs.items()) if model.startswith(PROJECT_PREFIX)),
        (None, None),
    )
    peer_wall, peer_peak = costs[EQUAL_WORK_PEER]
    return EqualWorkRatio(
        dataset=dataset,
        peer=EQUAL_WORK_PEER,
        backtest_origins=tuple(day.isoformat() for day in backtest_origins),
        build_wall_seconds=build[0],
        peer_wall_seconds=peer_wall,
        build_to_peer_wall=_ratio(build[0], peer_wall),
        build_peak_mb=build[1],
        peer_peak_mb=peer_peak,
    )


def format_equal_work(item: EqualWorkRatio) -> str:
    """The build / equal-work peer figures as a Markdown table."""
    return "\n".join(
        [
            "| dataset | backtest origins | dbt build wall s | equal-work peer wall s "
            "| build / equal-work peer (wall) | dbt build peak MB | equal-work peer peak MB |",
            "|---|---|---:|---:|---:|---:|---:|",
            f"| {item.dataset} | {', '.join(item.backtest_origins)} "
            f"| {_number(item.build_wall_seconds, 1)} | {_number(item.peer_wall_seconds, 1)} "
            f"| {_number(item.build_to_peer_wall, 2)} | {_number(item.build_peak_mb, 0)} "
            f"| {_number(item.peer_peak_mb, 0)} |",
        ]
    )


def write_scored_rows(rows: pd.DataFrame, path: Path) -> None:
    """Every model's forecast beside every scored actual row, as Parquet: one row per
    model, store_id, item_id, period_end_date (predicted_quantity null where the model had
    no forecast, scored as 0)."""
    frame = pd.DataFrame(
        {
            "model": rows["model"].astype(str),
            "store_id": rows["store_id"].astype(str),
            "item_id": rows["item_id"].astype(str),
            "period_end_date": pd.to_datetime(rows["period_date"]).dt.date,
            "quantity": rows["quantity"].astype("float64"),
            "is_holiday": rows["is_holiday"].astype(bool),
            "predicted_quantity": rows["predicted_quantity"].astype("float64"),
        }
    )
    frame["absolute_error"] = (frame["quantity"] - frame["predicted_quantity"].fillna(0.0)).abs()
    frame.sort_values(["model", "store_id", "item_id", "period_end_date"]).to_parquet(
        path, index=False
    )


def format_table(protocol: Protocol, results: list[AccuracyRow]) -> str:
    """The figures as a Markdown table, one line per model."""
    by_model: dict[str, dict[str, float]] = {}
    costs: dict[str, tuple[float | None, float | None]] = {}
    for row in results:
        by_model.setdefault(row.model, {})[row.metric] = row.value
        costs[row.model] = (row.wall_seconds, row.peak_mb)

    ratio = f"{protocol.primary_metric}_ratio_to_seasonal_naive"
    lines = [
        f"| dataset | model | WMAE | WAPE | MASE | {protocol.primary_metric.upper()} / "
        "seasonal naive | wall s | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for model, figures in by_model.items():
        wall, peak = costs[model]
        lines.append(
            f"| {protocol.dataset} | {model} | {_number(figures.get('wmae'), 2)} "
            f"| {_number(figures.get('wape'), 4)} | {_number(figures.get('mase'), 3)} "
            f"| {_number(figures.get(ratio), 3)} | {_number(wall, 1)} | {_number(peak, 0)} |"
        )
    return "\n".join(lines)


def _number(value: float | None, digits: int) -> str:
    return "" if value is None or not np.isfinite(value) else f"{value:,.{digits}f}"


def format_ratios(ratios: list[FinalRatios]) -> str:
    """The final forecast's two ratios per data set, as a Markdown table."""
    lines = [
        "| dataset | metric | best single candidate | final / best candidate "
        "| final / seasonal naive | candidates missing rows |",
        "|---|---|---|---:|---:|---|",
    ]
    for item in ratios:
        lines.append(
            f"| {item.dataset} | {item.metric.upper()} | {item.best_candidate or 'none'} "
            f"| {_number(item.final_to_best_candidate, 3)} "
            f"| {_number(item.final_to_seasonal_naive, 3)} "
            f"| {', '.join(item.candidates_left_out)} |"
        )
    return "\n".join(lines)


def derive_store_panel(bench_input: BenchInput, out: Path, workdir: Path) -> dict[str, Any]:
    """Sum a data set to store level through the project's staging; write canonical files.

    Writes ``out/sales/sales.csv`` (store_id, sales_date, quantity, is_holiday: the clean
    sales of every item of a store and date summed) and ``out/calendar_events.csv`` (the
    clean events), so that the project reads the folder with the canonical preset and
    ``sales_columns: {item_id: null}``.

    Returns:
        The vars to read ``out`` with, over the canonical preset: store-only keys and the
        source's frequency.
    """
    database = build_actuals(bench_input, workdir)
    sales_file = out / "sales" / "sales.csv"
    events_file = out / "calendar_events.csv"
    sales_file.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database), read_only=True) as connection:
        context = connection.execute("select frequency from stg_run_context").fetchone()
        connection.execute(
            "copy (select store_id, strftime(sales_date, '%Y-%m-%d') as sales_date,"
            " sum(quantity) as quantity, coalesce(bool_or(is_holiday), false) as is_holiday"
            " from stg_sales group by store_id, sales_date order by store_id, sales_date)"
            f" to '{sales_file}' (header, delimiter ',')"
        )
        connection.execute(
            "copy (select strftime(event_date, '%Y-%m-%d') as event_date, event_name,"
            " event_type from stg_calendar_events order by event_date, event_name)"
            f" to '{events_file}' (header, delimiter ',')"
        )
    frequency = str(context[0]) if context else "day"
    store_vars: dict[str, Any] = {"sales_columns": {"item_id": None}}
    if frequency != "day":
        store_vars["frequency"] = frequency
    return store_vars
