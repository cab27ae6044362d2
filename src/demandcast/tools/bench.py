"""Benchmarks: scripts that print figures, never timed assertions.

    python -m demandcast.tools.bench accuracy [--data DIR] [--preset NAME] [--vars YAML]
        [--vars-file FILE] [--origin DATE] [--horizon N] [--holiday-weight 5] [--peers a,b]
        [--keep DIR] [--out FILE]
    python -m demandcast.tools.bench derive-store-panel --data DIR [--preset NAME] [--vars YAML]
        [--vars-file FILE] --out DIR
    python -m demandcast.tools.bench build [--data DIR] [--preset NAME] [--vars YAML] [--out FILE]
    python -m demandcast.tools.bench features [--scale 1.0] [--work DIR] [--out FILE]
    python -m demandcast.tools.bench scale [--scales 0.01,0.1,1.0] [--work DIR] [--out FILE]
    python -m demandcast.tools.bench new-items --warehouse FILE [--out FILE]

The data options are those of ``dbt build``: ``--preset`` names a var preset of
``demandcast.tools.presets`` (default: guessed from the files) applied to ``--data`` as
``demandcast vars PRESET DIR`` does; ``--vars-file`` then ``--vars`` (YAML or JSON mappings)
are merged over it, each top-level key replacing the one before, as dbt's ``--vars`` does.

``accuracy`` builds the dbt project at a forecast origin and scores every model it publishes
beside peer libraries (seasonal naive, mlforecast LightGBM, statsforecast AutoETS) on the
actual rows after the origin, as the project's own staging reads them: see
``demandcast.tools.accuracy``. ``--keep DIR`` keeps its warehouses (``DIR/actuals``,
``DIR/origin`` with the published Parquet) and ``DIR/scored_rows.parquet``; by default they
are in a temporary folder, removed. The peers need the ``bench`` extra
(``pip install -e '.[bench]'``).

``derive-store-panel`` sums a data set to store level through the project's staging and
writes canonical files (``OUT/sales/sales.csv``, ``OUT/calendar_events.csv``), and prints the
``accuracy`` command that benchmarks them (``--vars '{sales_columns: {item_id: null}}'``).

``build`` builds the dbt project on a data folder (default: the demo data, generated if
absent) in a fresh DuckDB file and prints the wall time and peak memory of ``dbt build``,
with the slowest models read from dbt's run_results.json.

``features`` writes a synthetic M5-scale panel (30,490 daily series x 1,941 days at scale
1.0), builds staging and the gap-filled series, then measures the feature model
(``dbt run --select int_sales_features``) and, in the same run, a hand-written DuckDB query
computing the same windows on the same table and writing the same rows (the cut-offs of
int_forecast_cutoffs and a season before them): the floor the model is compared with.
Every measured step runs in its own process, so each peak memory figure is its own.

``scale`` runs the whole ``dbt build`` on a synthetic panel at each of ``--scales`` in the
order given (``SCALE_VARS`` over the canonical vars), printing each build's wall time, peak
memory, slowest models and the bare window query as the feature step's floor; then every
scale's time and peak, and from each scale to the next the rows, time and peak ratios and
the time exponent log(time ratio) / log(rows ratio) (1 = linear growth).

``new-items`` reads a built warehouse and compares the new-item analogue rule's forecasts
at every cut-off where a series was new with a zero forecast, the baselines and XGBoost's
backtests on the same rows (``demandcast.tools.new_item_accuracy``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import itertools
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeAlias

from demandcast import __version__
from demandcast.tools import accuracy, new_item_accuracy, peers, presets
from demandcast.tools.demo_data import generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import PROJECT_DIR, dbt_executable, run_dbt
from demandcast.tools.synthetic import write_panel


@dataclass(frozen=True)
class Measurement:
    """One benchmark figure."""

    dataset: str
    step: str
    wall_seconds: float
    peak_mb: float | None
    detail: str = ""


def children_peak_mb() -> float:
    """Peak resident memory of the largest finished child process so far, in MB."""
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def guess_preset(data_dir: Path) -> str:
    """The preset of a data folder, from the files it holds."""
    if (data_dir / "calendar.csv").exists() and list(data_dir.glob("sales_train_*.csv")):
        return "m5"
    if (data_dir / "train.csv").exists():
        return "walmart"
    return "canonical"


def bench_build(bench_input: accuracy.BenchInput, workdir: Path) -> list[Measurement]:
    """Time one full ``dbt build`` (the build step of ``make demo``) on a data folder.

    The peak memory figure is the largest child process's, which is dbt's: this function
    must run in a fresh process (as the CLI does) for it to belong to this build alone.
    """
    data_dir = bench_input.data_dir
    dbt_vars = bench_input.dbt_vars()
    started = time.perf_counter()
    result = run_dbt(
        ["build"], database_path=workdir / "bench.duckdb", dbt_vars=dbt_vars, in_process=False
    )
    wall = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"dbt build failed on {data_dir}:\n{result.output[-3000:]}")
    measurements = [Measurement(data_dir.name, "dbt build", wall, children_peak_mb())]
    timings = sorted(
        (
            (entry.get("execution_time", 0.0), entry["unique_id"])
            for entry in result.run_results()["results"]
            if entry["unique_id"].startswith("model.")
        ),
        reverse=True,
    )
    for seconds, unique_id in timings[:5]:
        measurements.append(
            Measurement(data_dir.name, unique_id.split(".")[-1], seconds, None, "slowest model")
        )
    return measurements


# Runs a command as its own child and reports that child's peak memory on stderr's last
# line, so that each measured step's figure is its own.
_MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "wall = time.perf_counter() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(json.dumps({'wall': wall, 'peak_mb': peak, 'code': code}), file=sys.stderr)\n"
)


def measured_run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; return its wall seconds, peak MB and output. Raises on failure."""
    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(completed.stderr.strip().splitlines()[-1])
    if report["code"] != 0:
        raise RuntimeError(
            f"{args[:3]} failed:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
        )
    return report["wall"], report["peak_mb"], completed.stdout


def bare_feature_sql(source_table: str, dates_sql: str | None = None) -> str:
    """The windows of int_sales_features (daily defaults), written by hand as one query.

    Same lags, rolling statistics, zero shares, periods since the last sale and row, and
    the same two-segmentation exponentially weighted means: what a user would write in
    DuckDB without dbt, our macros or any extra column.
    """
    series = "partition by store_id, item_id order by period_number"
    columns = [
        "store_id",
        "item_id",
        "period_end_date",
        "quantity",
        "period_number - max(case when not is_zero_filled and not is_no_data"
        f" then period_number end) over ({series}"
        " rows between unbounded preceding and current row)",
    ]
    columns += [f"lag(quantity, {k - 1}) over ({series})" for k in (1, 2, 3, 7, 14, 28)]
    for w in (7, 28, 91):
        frame = f"over ({series} rows between {w - 1} preceding and current row)"
        columns += [f"{f}(quantity) {frame}" for f in ("avg", "stddev_samp", "min", "max")]
    columns.append(
        f"period_number - max(case when quantity > 0 then period_number end)"
        f" over ({series} rows between unbounded preceding and current row)"
    )
    for w in (7, 28, 91):
        columns.append(
            "avg(case when quantity = 0 then 1.0 when quantity is not null then 0.0 end) "
            f"over ({series} rows between {w - 1} preceding and current row)"
        )
    segment = 1614  # (1 - 0.3)^-segment stays below 1e250
    for alpha, tail in ((0.1, 66), (0.3, 20)):
        decay = 1 - alpha
        parts = []
        for offset in (0, segment // 2):
            local = f"mod(period_number + {offset}, {segment})"
            frame = (
                "over (partition by store_id, item_id,"
                f" floor((period_number + {offset}) / {segment})"
                f" order by period_number rows between {tail} preceding and current row)"
            )
            value = f"sum(quantity * power({decay}, -{local})) {frame}"
            weight = (
                f"sum(case when quantity is not null then power({decay}, -{local}) end) {frame}"
            )
            parts.append((local, f"{value} / {weight}"))
        columns.append(
            f"case when {parts[0][0]} >= {tail} then {parts[0][1]} else {parts[1][1]} end"
        )
    named = [f"{column} as c{index}" for index, column in enumerate(columns)]
    query = f"select {', '.join(named)} from {source_table}"
    if dates_sql is None:
        return query
    # c2 is period_end_date: keep the rows of these dates, after the windows saw every row.
    return f"select * from ({query}) where c2 in ({dates_sql})"


# The dates int_sales_features keeps (daily defaults): the cut-offs and a season before.
FEATURE_DATES_SQL = (
    "select cutoff_date from main.int_forecast_cutoffs"
    " union select cutoff_date - 364 from main.int_forecast_cutoffs"
)


_BARE = (
    "import duckdb, sys\n"
    "connection = duckdb.connect(sys.argv[1])\n"
    "connection.execute(f\"set memory_limit = '{sys.argv[2]}'\")\n"
    "connection.execute('create or replace table bare_features as ' + sys.argv[3])\n"
)


def _synthetic_setup(
    scale: float, workdir: Path, extra_vars: dict[str, Any] | None = None
) -> tuple[str, list[Measurement], dict[str, str], list[str], dict[str, int]]:
    """Write a synthetic panel; return the dataset name, the writing figure, the
    environment, the dbt arguments (vars included) of the measured steps and the panel's
    row counts (``synthetic.write_panel``'s)."""
    dataset = f"synthetic M5 x{scale:g}"
    panel = workdir / "panel"
    started = time.perf_counter()
    counts = write_panel(panel, scale=scale)
    measurements = [
        Measurement(
            dataset,
            "write panel",
            time.perf_counter() - started,
            None,
            f"{counts['series']} series, {counts['sales_rows']} rows",
        ),
    ]
    env = {
        **os.environ,
        "DEMANDCAST_DUCKDB_PATH": str(workdir / "bench.duckdb"),
        "DEMANDCAST_MEMORY_LIMIT": os.environ.get("DEMANDCAST_MEMORY_LIMIT", "6GB"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt_args = [
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(workdir / "target"),
        "--vars",
        json.dumps({**canonical_vars(panel), **(extra_vars or {})}),
    ]
    return dataset, measurements, env, dbt_args, counts


def _model_seconds(workdir: Path) -> dict[str, float]:
    """Execution seconds of each model of the last dbt command, from run_results.json."""
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return {
        entry["unique_id"].split(".")[-1]: entry.get("execution_time", 0.0)
        for entry in results
        if entry["unique_id"].startswith("model.")
    }


def _bare_floor(
    dataset: str, workdir: Path, env: dict[str, str], feature_seconds: float, label: str
) -> Measurement:
    """Measure the hand-written window query on the build's int_sales_gap_filled."""
    wall, peak, _ = measured_run(
        [
            sys.executable,
            "-c",
            _BARE,
            env["DEMANDCAST_DUCKDB_PATH"],
            env["DEMANDCAST_MEMORY_LIMIT"],
            bare_feature_sql("main.int_sales_gap_filled", FEATURE_DATES_SQL),
        ],
        env,
    )
    return Measurement(
        dataset,
        "bare DuckDB query, same windows",
        wall,
        peak,
        f"{label} / bare = {feature_seconds / wall:.2f}",
    )


def bench_features(scale: float, workdir: Path) -> list[Measurement]:
    """Feature build vs the bare query on a synthetic panel (see the module docstring)."""
    dataset, measurements, env, dbt_args, _ = _synthetic_setup(scale, workdir)
    wall, peak, _ = measured_run(
        [dbt_executable(), "run", "--select", "+int_forecast_cutoffs", *dbt_args], env
    )
    measurements.append(Measurement(dataset, "staging + gap fill + cut-offs (dbt run)", wall, peak))
    wall, peak, _ = measured_run(
        [dbt_executable(), "run", "--select", "int_sales_features", *dbt_args], env
    )
    model_seconds = _model_seconds(workdir)["int_sales_features"]
    measurements.append(
        Measurement(
            dataset,
            "int_sales_features (dbt run)",
            wall,
            peak,
            f"model alone {model_seconds:.1f} s",
        )
    )
    measurements.append(_bare_floor(dataset, workdir, env, model_seconds, "model alone"))
    return measurements


# The configuration of the scale benchmark, on top of the canonical vars: none. Every
# series trains XGBoost; the training row budget (var training_row_budget, default 300,000)
# bounds its rows instead. (Until 2026-12-01 a 2% series sample, training_series_share
# 0.02, kept the four fits in bounds: with every series and no budget, registry_xgboost
# took 765 s of a 957 s build on the 0.1 panel.)
SCALE_VARS: dict[str, Any] = {}


@dataclass(frozen=True)
class ScalePoint:
    """The end-to-end build at one scale.

    Attributes:
        scale: The synthetic panel's scale (1.0 = 30,490 series x 1,941 days).
        series: Series in the panel.
        sales_rows: Sales rows in the panel.
        wall_seconds: Wall time of the whole ``dbt build`` process.
        peak_mb: Peak memory of that process tree.
    """

    scale: float
    series: int
    sales_rows: int
    wall_seconds: float
    peak_mb: float


@dataclass(frozen=True)
class ScaleGrowth:
    """How the build grew from one scale to the next one run.

    Attributes:
        from_scale: The smaller run's scale (the one before in ``--scales``).
        to_scale: The next run's scale.
        rows_ratio: Sales rows, next over before.
        time_ratio: Build wall time, next over before.
        peak_ratio: Build peak memory, next over before.
        time_exponent: log(time_ratio) / log(rows_ratio): 1 when time grows linearly with
            the rows, above 1 super-linearly, below 1 when fixed costs still weigh; None
            when the rows did not change.
    """

    from_scale: float
    to_scale: float
    rows_ratio: float
    time_ratio: float
    peak_ratio: float
    time_exponent: float | None


def scale_growth(points: list[ScalePoint]) -> list[ScaleGrowth]:
    """The growth between each run and the next, in the order they ran."""
    growth = []
    for before, after in itertools.pairwise(points):
        rows_ratio = after.sales_rows / before.sales_rows
        time_ratio = after.wall_seconds / before.wall_seconds
        growth.append(
            ScaleGrowth(
                from_scale=before.scale,
                to_scale=after.scale,
                rows_ratio=rows_ratio,
                time_ratio=time_ratio,
                peak_ratio=after.peak_mb / before.peak_mb,
                time_exponent=(
                    math.log(time_ratio) / math.log(rows_ratio) if rows_ratio != 1 else None
                ),
            )
        )
    return growth


def format_scale_summary(points: list[ScalePoint]) -> str:
    """Every scale's build time and peak, and the growth from each scale to the next, as
    two Markdown tables."""
    lines = [
        "| scale | series | sales rows | dbt build wall s | peak MB |",
        "|---:|---:|---:|---:|---:|",
    ]
    for point in points:
        lines.append(
            f"| {point.scale:g} | {point.series:,} | {point.sales_rows:,} "
            f"| {point.wall_seconds:.1f} | {point.peak_mb:,.0f} |"
        )
    growth = scale_growth(points)
    if growth:
        lines += [
            "",
            "| from scale | to scale | rows ratio | time ratio | peak ratio "
            "| time exponent (1 = linear) |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for step in growth:
            exponent = "" if step.time_exponent is None else f"{step.time_exponent:.2f}"
            lines.append(
                f"| {step.from_scale:g} | {step.to_scale:g} | {step.rows_ratio:.2f} "
                f"| {step.time_ratio:.2f} | {step.peak_ratio:.2f} | {exponent} |"
            )
    return "\n".join(lines)


def bench_scale(
    scale: float, workdir: Path, slowest: int = 12
) -> tuple[list[Measurement], ScalePoint]:
    """The whole ``dbt build`` on a synthetic panel, with the models' breakdown and the
    bare window query as the floor of the feature step (see the module docstring)."""
    dataset, measurements, env, dbt_args, counts = _synthetic_setup(scale, workdir, SCALE_VARS)
    wall, peak, _ = measured_run([dbt_executable(), "build", *dbt_args], env)
    measurements.append(Measurement(dataset, "dbt build (end to end)", wall, peak))
    point = ScalePoint(scale, counts["series"], counts["sales_rows"], wall, peak)
    seconds = _model_seconds(workdir)
    ranked = sorted(seconds.items(), key=lambda item: item[1], reverse=True)
    for name, model_wall in ranked[:slowest]:
        measurements.append(Measurement(dataset, name, model_wall, None, "model, from run_results"))
    rest = sum(value for _, value in ranked[slowest:])
    measurements.append(
        Measurement(dataset, f"{len(ranked) - slowest} other models", rest, None, "summed")
    )
    measurements.append(
        _bare_floor(dataset, workdir, env, seconds["int_sales_features"], "int_sales_features")
    )
    return measurements, point


def main_scale(scales: list[float], work: Path, out: Path | None) -> int:
    """``python -m demandcast.tools.bench scale``: each scale in order, its table as soon
    as it exists (the full scale runs long), then every scale's figures and the growth."""
    measurements: list[Measurement] = []
    points: list[ScalePoint] = []
    for scale in scales:
        workdir = work / f"scale-{scale:g}"
        workdir.mkdir(parents=True, exist_ok=True)
        figures, point = bench_scale(scale, workdir)
        measurements += figures
        points.append(point)
        print_table(figures, flush=True)
        if out:
            _write_json(
                out,
                measurements,
                scales=[asdict(each) for each in points],
                growth=[asdict(step) for step in scale_growth(points)],
            )
    print()
    print(format_scale_summary(points), flush=True)
    return 0


def scale_list(text: str) -> list[float]:
    """``--scales``: comma-separated positive numbers, run in the order given."""
    try:
        scales = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--scales {text!r}: comma-separated numbers, e.g. 0.01,0.1,1.0"
        ) from None
    if not scales or any(not scale > 0 for scale in scales):
        raise argparse.ArgumentTypeError(f"--scales {text!r}: every scale must be above 0")
    return scales


def print_table(measurements: list[Measurement], *, flush: bool = False) -> None:
    """Print the figures as a Markdown table."""
    print("| dataset | step | wall s | peak MB | note |")
    print("|---|---|---:|---:|---|", flush=flush)
    for item in measurements:
        peak = f"{item.peak_mb:.0f}" if item.peak_mb is not None else ""
        print(
            f"| {item.dataset} | {item.step} | {item.wall_seconds:.1f} | {peak} | {item.detail} |",
            flush=flush,
        )


# Libraries whose versions move the accuracy figures, reported when installed.
_REPORTED_PACKAGES = (
    "pandas",
    "numpy",
    "xgboost-cpu",
    "mlforecast",
    "lightgbm",
    "statsforecast",
    "utilsforecast",
)


def environment() -> dict[str, Any]:
    """The machine and versions the figures were measured on."""
    import dbt.version
    import duckdb

    result: dict[str, Any] = {
        "demandcast": __version__,
        "python": platform.python_version(),
        "dbt_core": dbt.version.__version__,
        "duckdb": duckdb.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    for package in _REPORTED_PACKAGES:
        try:
            result[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return result


def demo_data_dir() -> Path:
    """The demo data folder, generated when absent."""
    data_dir = PROJECT_DIR / "data" / "demo"
    if not (data_dir / "faults.json").exists():
        generate_demo_data(data_dir)
    return data_dir


def parse_vars(text: str, source: str) -> dict[str, Any]:
    """A mapping of vars in YAML or JSON, read by dbt's own YAML reader as its ``--vars``.

    Args:
        text: The YAML or JSON text.
        source: What the text came from (``--vars``, ``--vars-file FILE``), for errors.

    Raises:
        ValueError: When the text is not YAML, or not a mapping.
    """
    from dbt.clients.yaml_helper import load_yaml_text
    from dbt_common.exceptions import DbtValidationError

    try:
        parsed = load_yaml_text(text)
    except DbtValidationError as error:
        raise ValueError(f"{source}: not valid YAML or JSON ({error})") from error
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise ValueError(
            f"{source}: must be a mapping of var names to values, "
            f"got a {type(parsed).__name__}: {text.strip()[:80]!r}"
        )
    return {str(key): value for key, value in parsed.items()}


def bench_input_from(args: argparse.Namespace) -> accuracy.BenchInput:
    """The data folder, preset and vars of a command line (see the module docstring).

    Raises:
        ValueError: With a message naming the option at fault.
    """
    data_dir: Path = args.data or demo_data_dir()
    if not data_dir.is_dir():
        raise ValueError(f"--data {data_dir}: no such folder")
    preset = args.preset or guess_preset(data_dir)
    user_vars: dict[str, Any] = {}
    if args.vars_file:
        if not args.vars_file.is_file():
            raise ValueError(f"--vars-file {args.vars_file}: no such file")
        text = args.vars_file.read_text(encoding="utf-8")
        user_vars.update(parse_vars(text, f"--vars-file {args.vars_file}"))
    if args.vars:
        user_vars.update(parse_vars(args.vars, "--vars"))
    result = accuracy.BenchInput(data_dir, preset, user_vars)
    try:
        result.dbt_vars()
    except FileNotFoundError as error:
        raise ValueError(f"--preset {preset} on --data {data_dir}: {error}") from error
    return result


def print_equal_work(
    protocol: accuracy.Protocol, results: list[accuracy.AccuracyRow], workdir: Path
) -> accuracy.EqualWorkRatio | None:
    """Print the build's backtest origins and, when the equal-work peer ran, the build /
    equal-work peer table; return its figures for the JSON."""
    origins = accuracy.read_backtest_origins(workdir / "origin" / accuracy.WAREHOUSE_FILE)
    print(
        "\nbacktest origins of the build (int_forecast_cutoffs.is_backtest_origin): "
        + (", ".join(day.isoformat() for day in origins) or "none")
    )
    equal_work = accuracy.equal_work_ratio(results, protocol.dataset, origins)
    if equal_work is not None:
        print(
            f"build / equal-work peer: the whole dbt build against {equal_work.peer} "
            "(mlforecast LightGBM cross-validated at those origins, then fit and forecast)"
        )
        print(accuracy.format_equal_work(equal_work))
    return equal_work


def _print_accuracy(
    protocol: accuracy.Protocol,
    results: list[accuracy.AccuracyRow],
    ratios: accuracy.FinalRatios,
    user_vars: Mapping[str, Any],
) -> None:
    """Print the protocol, every figure and the final ratios of an accuracy run."""
    with_vars = f" + vars {json.dumps(user_vars)}" if user_vars else ""
    print(
        f"{protocol.dataset} (preset {protocol.preset}{with_vars}, {protocol.frequency}): "
        f"origin {protocol.origin}, horizon {protocol.horizon}, "
        f"holiday weight {protocol.holiday_weight:g}"
        + ("" if protocol.has_holiday_flag else " (no holiday flag: no WMAE)")
    )
    print(accuracy.format_table(protocol, results))
    print(
        "wall s and peak MB: the whole dbt build for demandcast/ models (they come from one"
        " build); fitting and forecasting, in its own process, for each peer/"
    )
    print()
    print(accuracy.format_ratios([ratios]))


def _print_kept(keep: Path) -> None:
    """Print where ``--keep`` left the warehouses and scored rows, and a query to try."""
    kept = keep.resolve()
    print(
        f"\nKept in {kept}:\n"
        f"  {kept / 'actuals' / accuracy.WAREHOUSE_FILE}  staging up to the last date "
        "(stg_sales, stg_quarantined_rows: the actuals)\n"
        f"  {kept / 'origin' / accuracy.WAREHOUSE_FILE}  the project built at the origin "
        "(forecast_candidates, model_selection, fct_forecasts, ...)\n"
        f"  {kept / 'origin' / 'published'}  its published Parquet copies\n"
        f"  {kept / accuracy.SCORED_ROWS_FILE}  every model's forecast beside every "
        "scored row\n"
        'Try: python -c "import duckdb; print(duckdb.sql(\\"select model, '
        "sum(absolute_error) as absolute_error from "
        f"'{kept / accuracy.SCORED_ROWS_FILE}' group by model order by 2\\\"))\""
    )


def _write_accuracy_json(
    path: Path,
    args: argparse.Namespace,
    bench_input: accuracy.BenchInput,
    protocol: accuracy.Protocol,
    results: list[accuracy.AccuracyRow],
    ratios: accuracy.FinalRatios,
    equal_work: accuracy.EqualWorkRatio | None,
) -> None:
    """Write the environment, protocol, figures, final ratios and the build / equal-work
    peer figures of an accuracy run."""
    protocol_fields = {
        **asdict(protocol),
        "origin": protocol.origin.isoformat(),
        "data": str(bench_input.data_dir.resolve()),
        "user_vars": dict(bench_input.user_vars),
        "peers": args.peers or list(peers.PEERS),
    }
    path.write_text(
        json.dumps(
            {
                "environment": environment(),
                "protocol": protocol_fields,
                "results": [asdict(row) for row in results],
                "final_ratios": [asdict(ratios)],
                "build_to_equal_work_peer": asdict(equal_work) if equal_work else None,
            },
            indent=2,
        )
    )


def main_accuracy(args: argparse.Namespace, bench_input: accuracy.BenchInput, workdir: Path) -> int:
    """``python -m demandcast.tools.bench accuracy``: print the tables, write the JSON."""
    protocol, results = accuracy.run_accuracy(
        bench_input,
        workdir,
        origin=args.origin,
        horizon=args.horizon,
        holiday_weight=args.holiday_weight,
        peer_names=args.peers,
        threads=args.threads,
    )
    ratios = accuracy.final_ratios(results, protocol.dataset, protocol.primary_metric)
    _print_accuracy(protocol, results, ratios, bench_input.user_vars)
    equal_work = print_equal_work(protocol, results, workdir)
    if args.keep:
        _print_kept(args.keep)
    if args.out:
        _write_accuracy_json(args.out, args, bench_input, protocol, results, ratios, equal_work)
    return 0


def main_derive_store_panel(
    args: argparse.Namespace, bench_input: accuracy.BenchInput, workdir: Path
) -> int:
    """``python -m demandcast.tools.bench derive-store-panel``: write the store-level folder."""
    out: Path = args.out
    store_vars = accuracy.derive_store_panel(bench_input, out, workdir)
    vars_text = json.dumps(store_vars)
    print(f"Wrote {out / 'sales' / 'sales.csv'} and {out / 'calendar_events.csv'}")
    print("Benchmark it with:")
    print(
        f"  python -m demandcast.tools.bench accuracy --data {out} --preset canonical "
        f"--vars '{vars_text}'"
    )
    print(f"  make bench DATA={out} PRESET=canonical VARS='{vars_text}'")
    return 0


def _peer_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(peers.PEERS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown peers {unknown}; choose from {sorted(peers.PEERS)}"
        )
    return names


def bench_prophet(n_series: int, n_days: int, workers: int) -> list[Measurement]:
    """Prophet fits per second, one process against a forkserver pool, on the same
    synthetic daily aggregates (trend, weekly and yearly seasonality, noise)."""
    import numpy as np
    import pandas as pd

    from demandcast.prophet_models import FitTask, ProphetConfig, run_fits

    rng = np.random.default_rng(0)
    dates = pd.date_range("2022-01-01", periods=n_days, freq="D")
    future = list(pd.date_range(dates[-1] + pd.Timedelta(days=1), periods=28, freq="D"))
    t = np.arange(n_days)
    tasks = []
    for k in range(n_series):
        y = (100 + 10 * k) * (1 + 0.2 * np.sin(2 * np.pi * t / 7)) * (
            1 + 0.3 * np.sin(2 * np.pi * t / 365.25)
        ) + rng.normal(0, 5, n_days)
        tasks.append(
            FitTask(
                level_id=f"A{k:03d}",
                origin=dates[-1],
                history=pd.DataFrame({"ds": dates, "y": y}),
                future=future,
                holidays=pd.DataFrame(columns=["ds", "holiday"]),
                frequency="day",
                period_days=1,
                # Daily synthetic aggregates; the shipped settings' shape (YAML `prophet`).
                config=ProphetConfig(
                    max_series=n_series,
                    workers=workers,
                    backtest_origins=1,
                    seasonality_mode="additive",
                    changepoint_prior_scale=0.05,
                    history_periods=0,
                    yearly_min_days=364,
                    transform="log1p",
                ),
                keep_model=False,
            )
        )
    results = []
    for label, count in (("sequential", 1), (f"pool of {workers or os.cpu_count()}", workers)):
        started = time.perf_counter()
        run_fits(tasks, count)
        seconds = time.perf_counter() - started
        results.append(
            Measurement(
                f"prophet {n_series} x {n_days} days",
                label,
                seconds,
                None,
                f"{n_series / seconds:.2f} fits/s",
            )
        )
    return results


# What add_subparsers() returns (argparse does not name it publicly).
_Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    """The data options of the commands that read a data folder, as ``dbt build`` takes them."""
    parser.add_argument("--data", type=Path, help="data folder (default: the demo data)")
    parser.add_argument(
        "--preset",
        choices=sorted(presets.preset_functions()),
        help="var preset for the folder, as `demandcast vars` (default: guessed)",
    )
    parser.add_argument(
        "--vars",
        help="YAML or JSON vars merged over the preset's, as dbt build --vars",
    )
    parser.add_argument("--vars-file", type=Path, help="YAML file of vars, merged before --vars")


def _add_out_option(parser: argparse.ArgumentParser) -> None:
    """The ``--out`` option of the commands that write their figures as JSON."""
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")


def _add_accuracy_command(sub: _Subparsers) -> None:
    """``accuracy``: the project's forecasts vs peer libraries."""
    parser = sub.add_parser(
        "accuracy", help="the project's forecasts vs peer libraries on the same rows"
    )
    parser.add_argument(
        "--origin",
        type=dt.date.fromisoformat,
        help="forecast origin, YYYY-MM-DD (default: the last date less one horizon)",
    )
    parser.add_argument(
        "--horizon", type=int, help="periods to forecast (default: 39 weekly, 28 daily)"
    )
    parser.add_argument(
        "--holiday-weight", type=float, default=5.0, help="WMAE weight of holiday periods"
    )
    parser.add_argument(
        "--peers",
        type=_peer_list,
        help=f"comma-separated peers (default: all of {', '.join(peers.PEERS)})",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="LightGBM threads, statsforecast processes"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the warehouses and scored rows in this folder and print where "
        "(default: a temporary folder, removed)",
    )
    # The earlier name of --keep, in commands recorded in docs/benchmarks.md.
    parser.add_argument("--work", dest="keep", type=Path, help=argparse.SUPPRESS)
    _add_data_options(parser)
    _add_out_option(parser)


def _add_derive_store_panel_command(sub: _Subparsers) -> None:
    """``derive-store-panel``: a data set summed to store level, as canonical files."""
    parser = sub.add_parser(
        "derive-store-panel", help="sum a data set to store level, write canonical files"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument(
        "--keep", type=Path, help="keep the staging warehouse here (default: removed)"
    )
    _add_data_options(parser)


def _add_build_command(sub: _Subparsers) -> None:
    """``build``: the wall time and peak memory of ``dbt build``."""
    parser = sub.add_parser("build", help="time dbt build on a data folder")
    _add_data_options(parser)
    _add_out_option(parser)


def _add_features_command(sub: _Subparsers) -> None:
    """``features``: the feature model vs the bare window query."""
    parser = sub.add_parser("features", help="feature build vs bare query, synthetic panel")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 30,490 series")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    _add_out_option(parser)


def _add_scale_command(sub: _Subparsers) -> None:
    """``scale``: the whole ``dbt build`` on synthetic M5-scale panels."""
    parser = sub.add_parser("scale", help="whole dbt build on synthetic M5-scale panels")
    parser.add_argument(
        "--scales",
        type=scale_list,
        default="0.01,0.1,1.0",
        help="comma-separated, run in order; 1.0 = 30,490 series x 1,941 days",
    )
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    _add_out_option(parser)


def _add_prophet_command(sub: _Subparsers) -> None:
    """``prophet``: Prophet fits per second, sequential vs a process pool."""
    parser = sub.add_parser("prophet", help="Prophet fits/s: sequential vs process pool")
    parser.add_argument("--series", type=int, default=24)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--workers", type=int, default=0, help="0 = one per core")
    _add_out_option(parser)


def _add_new_items_command(sub: _Subparsers) -> None:
    """``new-items``: the new-item analogue rule against zero, baselines and XGBoost."""
    parser = sub.add_parser(
        "new-items", help="WAPE of the new-item analogue rule in a built warehouse"
    )
    parser.add_argument("--warehouse", type=Path, required=True, help="a built DuckDB file")
    _add_out_option(parser)


# The sub-commands, in the order --help lists them.
_COMMANDS = (
    _add_accuracy_command,
    _add_derive_store_panel_command,
    _add_build_command,
    _add_features_command,
    _add_scale_command,
    _add_prophet_command,
    _add_new_items_command,
)


def make_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m demandcast.tools.bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m demandcast.tools.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add_command in _COMMANDS:
        add_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m demandcast.tools.bench accuracy|derive-store-panel|build|...``."""
    parser = make_parser()
    args = parser.parse_args(argv)

    bench_input = None
    if args.command in ("accuracy", "derive-store-panel", "build"):
        try:
            bench_input = bench_input_from(args)
        except ValueError as error:
            parser.error(str(error))
    print(json.dumps(environment()))
    if args.command == "new-items":
        comparisons = new_item_accuracy.new_item_accuracy(args.warehouse)
        new_item_accuracy.print_comparisons(comparisons)
        if args.out:
            args.out.write_text(json.dumps(new_item_accuracy.as_json(comparisons), indent=2))
        return 0
    with tempfile.TemporaryDirectory(prefix="demandcast-bench-") as temporary:
        if args.command in ("accuracy", "derive-store-panel"):
            assert bench_input is not None
            workdir = args.keep or Path(temporary)
            workdir.mkdir(parents=True, exist_ok=True)
            if args.command == "accuracy":
                return main_accuracy(args, bench_input, workdir)
            return main_derive_store_panel(args, bench_input, workdir)
        if args.command == "prophet":
            measurements = bench_prophet(args.series, args.days, args.workers)
        elif args.command == "scale":
            return main_scale(args.scales, args.work or Path(temporary), args.out)
        elif args.command == "features":
            workdir = args.work or Path(temporary)
            workdir.mkdir(parents=True, exist_ok=True)
            measurements = bench_features(args.scale, workdir)
        else:
            assert bench_input is not None
            measurements = bench_build(bench_input, Path(temporary))
    print_table(measurements)
    if args.out:
        _write_json(args.out, measurements)
    return 0


def _write_json(path: Path, measurements: list[Measurement], **more: Any) -> None:
    path.write_text(
        json.dumps(
            {
                "environment": environment(),
                "results": [asdict(m) for m in measurements],
                **more,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
