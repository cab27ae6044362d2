"""Benchmarks of the intermittent-demand candidates (issue 19, part 2).

Usage::

    python -m demandcast.tools.intermittent_bench accuracy --data demo [--work DIR]
    python -m demandcast.tools.intermittent_bench accuracy --data synthetic [--work DIR]
    python -m demandcast.tools.intermittent_bench speed [--scale 0.1] [--work DIR]

``accuracy`` builds the whole project (``dbt build``) with ``model_selection_level:
demand_class`` on the demo data (``make demo``'s: 10 stores x 50 items x 1,096 days, a
fifth of the items slow movers) or on a synthetic intermittent panel
(:func:`write_intermittent_panel`: Bernoulli x Poisson and Bernoulli x gamma demand, ADI
above 1.32, beside a few smooth series), and prints backtest_metrics' WAPE and MASE over
every backtest origin and step, per demand class, for croston_sba, tsb, adida, xgboost,
seasonal_naive and the final forecast.

``speed`` writes the synthetic M5 panel at ``--scale`` (``synthetic.write_panel``), builds
what forecast_intermittent reads (``dbt run --select +int_forecast_cutoffs``), then runs
forecast_intermittent alone and prints its wall seconds, the model's execution seconds
and the dbt process's peak MB.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from demandcast.tools.bench import _model_seconds, _synthetic_setup, measured_run
from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import dbt_executable, run_dbt

MODELS = ("croston_sba", "tsb", "adida", "xgboost", "seasonal_naive", "final")
CLASS_ORDER = ("smooth", "erratic", "intermittent", "lumpy", "no_demand", "unknown", "all")
BUILD_VARS: dict[str, Any] = {"model_selection_level": "demand_class"}


def write_intermittent_panel(
    out_dir: str | Path,
    *,
    n_stores: int = 4,
    n_items: int = 40,
    n_days: int = 730,
    seed: int = 19,
    start_date: str = "2023-01-01",
) -> dict[str, int]:
    """A daily panel in the canonical layout (sales/sales.csv, items.csv) where most
    series are intermittent: each day sells with probability p (1 / p = ADI between 1.5
    and 12), a size from Poisson(lambda) + 1 (low CV², 'intermittent') for two items in
    five, a gamma with shape 0.5 rounded up (high CV², 'lumpy') for two in five; the
    fifth item sells Poisson(3 to 12) every day with a weekday pattern (smooth). Every
    series sells every day it is listed (no missing periods): zeros are rows of 0.

    Returns:
        The rows written per file.
    """
    rng = np.random.default_rng(seed)
    root = Path(out_dir)
    (root / "sales").mkdir(parents=True, exist_ok=True)
    days = pd.date_range(start_date, periods=n_days, freq="D")
    kinds = np.array(["intermittent", "lumpy", "intermittent", "lumpy", "smooth"])
    item_kind = kinds[np.arange(n_items) % len(kinds)]
    weekday = np.array([0.8, 0.9, 0.9, 1.0, 1.2, 1.4, 0.8])[days.day_of_week.to_numpy()]
    frames = []
    for store in range(n_stores):
        for item in range(n_items):
            kind = item_kind[item]
            if kind == "smooth":
                quantity = rng.poisson(rng.uniform(3, 12) * weekday)
            else:
                sells = rng.random(n_days) < 1.0 / rng.uniform(1.5, 12.0)
                if kind == "intermittent":
                    sizes = rng.poisson(rng.uniform(0.5, 4.0), n_days) + 1
                else:
                    sizes = np.ceil(rng.gamma(0.5, rng.uniform(4.0, 20.0), n_days))
                quantity = np.where(sells, sizes, 0)
            frames.append(
                pd.DataFrame(
                    {
                        "sales_date": days.strftime("%Y-%m-%d"),
                        "store_id": f"S{store + 1:02d}",
                        "item_id": f"I{item + 1:03d}",
                        "quantity": quantity.astype("int64"),
                    }
                )
            )
    sales = pd.concat(frames, ignore_index=True)
    sales.to_csv(root / "sales" / "sales.csv", index=False)
    items = pd.DataFrame(
        {
            "item_id": [f"I{item + 1:03d}" for item in range(n_items)],
            "item_name": [f"{kind} item {item + 1}" for item, kind in enumerate(item_kind)],
            "department_id": [f"dept_{item % 4}" for item in range(n_items)],
            "category_id": [f"cat_{item % 2}" for item in range(n_items)],
        }
    )
    items.to_csv(root / "items.csv", index=False)
    return {"sales.csv": len(sales), "items.csv": len(items)}


def accuracy_table(database: Path) -> pd.DataFrame:
    """WAPE and MASE over every backtest origin and step, per demand class (segment) and
    model, from a build's backtest_metrics (model_selection_level demand_class), with
    the series and backtest rows of each class."""
    models = ", ".join(f"'{name}'" for name in MODELS)
    with duckdb.connect(str(database), read_only=True) as connection:
        metrics = connection.execute(
            f"""
            select segment_id as demand_class, model_name, row_count, wape, mase
            from backtest_metrics
            where cutoff_date is null and horizon_bucket = 'all' and model_name in ({models})
            """
        ).df()
        series = connection.execute(
            """
            select coalesce(classes.demand_class, 'unknown') as demand_class,
                count(distinct candidates.store_id || '|' || candidates.item_id) as series
            from forecast_candidates as candidates
            left join int_demand_classes as classes
                using (store_id, item_id)
            where candidates.is_backtest
            group by all
            """
        ).df()
        selected = connection.execute(
            "select segment_id as demand_class, model_name as selected_model"
            " from model_selection where is_selected"
        ).df()
    wide = metrics.pivot_table(
        index="demand_class", columns="model_name", values=["wape", "mase"], aggfunc="first"
    )
    wide.columns = [f"{pair[1]} {pair[0]}" for pair in wide.columns.to_list()]
    rows = metrics.groupby("demand_class")["row_count"].max().rename("backtest rows")
    table = (
        series.set_index("demand_class")
        .join(rows, how="outer")
        .join(selected.set_index("demand_class"), how="left")
        .join(wide, how="left")
    )
    order = [name for name in CLASS_ORDER if name in table.index]
    return table.loc[order]


def format_table(table: pd.DataFrame) -> str:
    """The table as Markdown: a row per demand class, WAPE / MASE per model."""
    header = ["demand class", "series", "backtest rows", "selected"] + [
        f"{model} WAPE / MASE" for model in MODELS
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for demand_class, row in table.iterrows():
        cells = [
            str(demand_class),
            "" if pd.isna(row.get("series")) else f"{int(row['series']):,}",
            f"{int(row['backtest rows']):,}",
            "" if pd.isna(row.get("selected_model")) else str(row["selected_model"]),
        ]
        for model in MODELS:
            wape, mase = row.get(f"{model} wape"), row.get(f"{model} mase")
            cells.append("" if wape is None or pd.isna(wape) else f"{wape:.4f} / {mase:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main_accuracy(data: str, work: Path) -> int:
    """``accuracy``: generate the data, build, print the table."""
    folder = work / f"{data}-data"
    if data == "demo":
        generate_demo_data(folder, DemoConfig())
    else:
        write_intermittent_panel(folder)
    database = work / f"{data}.duckdb"
    result = run_dbt(
        ["build"],
        database_path=database,
        dbt_vars={**canonical_vars(folder), **BUILD_VARS},
        in_process=False,
    )
    if not result.ok:
        print(result.output[-4000:])
        return 1
    print(format_table(accuracy_table(database)), flush=True)
    return 0


def main_speed(scale: float, work: Path) -> int:
    """``speed``: forecast_intermittent alone on the synthetic M5 panel at ``scale``."""
    _, measurements, env, dbt_args, counts = _synthetic_setup(scale, work)
    print(f"{measurements[0].detail}; write panel {measurements[0].wall_seconds:.1f} s", flush=True)
    wall, peak, _ = measured_run(
        [dbt_executable(), "run", "--select", "+int_forecast_cutoffs", *dbt_args], env
    )
    print(f"staging + gap fill + cut-offs (dbt run): {wall:.1f} s, peak {peak:,.0f} MB")
    wall, peak, _ = measured_run(
        [dbt_executable(), "run", "--select", "forecast_intermittent", *dbt_args], env
    )
    model_seconds = _model_seconds(work)["forecast_intermittent"]
    with duckdb.connect(env["DEMANDCAST_DUCKDB_PATH"], read_only=True) as connection:
        rows, cutoffs = connection.execute(
            "select count(*), count(distinct cutoff_date) from forecast_intermittent"
        ).fetchone() or (0, 0)
    print(
        f"forecast_intermittent (dbt run), {counts['series']:,} series x"
        f" {counts['sales_rows'] // max(counts['series'], 1):,} days, {cutoffs} cut-offs,"
        f" {rows:,} rows: {wall:.1f} s wall, model alone {model_seconds:.1f} s,"
        f" peak {peak:,.0f} MB"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    accuracy = sub.add_parser("accuracy", help="WAPE and MASE per demand class")
    accuracy.add_argument("--data", choices=["demo", "synthetic"], default="demo")
    accuracy.add_argument("--work", type=Path, default=None)
    speed = sub.add_parser("speed", help="forecast_intermittent alone on a synthetic panel")
    speed.add_argument("--scale", type=float, default=0.1)
    speed.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="intermittent-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.command == "accuracy":
        return main_accuracy(args.data, work)
    return main_speed(args.scale, work)


if __name__ == "__main__":
    raise SystemExit(main())
