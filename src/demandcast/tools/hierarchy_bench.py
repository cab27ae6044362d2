"""Benchmarks of the hierarchy's reconciliation (fct_forecasts_hierarchy).

python -m demandcast.tools.hierarchy_bench accuracy --database W.duckdb
    backtest WAPE per level, base vs reconciled (the cross-fitted backtest rows)
python -m demandcast.tools.hierarchy_bench crosscheck --database W.duckdb
    demandcast.hierarchy against hierarchicalforecast's MinTrace(method="mint_shrink")
    on the warehouse's published cut-off (run it from a venv with hierarchicalforecast,
    which pins pandas < 3: PYTHONPATH=src /work/venv-bench/bin/python -m ...)
python -m demandcast.tools.hierarchy_bench scale --series 3049 --stores 10 --groups 7
    time and peak memory of demandcast.hierarchy.reconcile_forecasts alone on a
    synthetic hierarchy of that size (M5 at scale 0.1: 3,049 series; 1.0: 30,490)
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from demandcast import hierarchy, metrics

LEVEL_ORDER = [*hierarchy.AGGREGATE_LEVELS, hierarchy.BOTTOM_LEVEL]


def read_table(database: Path, table: str) -> pd.DataFrame:
    """A table of a built warehouse, read-only."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(f"select * from {table}").df()


def bottom_up(rows: pd.DataFrame) -> pd.Series:
    """Each row's bottom-up forecast: the sum of its node's series' base forecasts on the
    same cut-off and step (a series' own base)."""
    keys = ["cutoff_date", "horizon_step"]
    series = rows[rows["hierarchy_level"] == hierarchy.BOTTOM_LEVEL]
    result = rows["base_quantity"].astype("float64").copy()
    for level, by in [
        ("total", []),
        ("store", ["store_id"]),
        ("store_department", ["store_id", "group_id"]),
        ("store_category", ["store_id", "group_id"]),
    ]:
        sums = series.groupby([*by, *keys])["base_quantity"].sum().rename("summed")
        at_level = rows[rows["hierarchy_level"] == level]
        if at_level.empty:
            continue
        joined = at_level[[*by, *keys]].join(sums, on=[*by, *keys])
        result.loc[at_level.index] = joined["summed"].to_numpy()
    return result


def level_accuracy(rows: pd.DataFrame) -> pd.DataFrame:
    """Backtest WAPE per level and origin ('all' = pooled), base and reconciled, over the
    rows of fct_forecasts_hierarchy with an actual (demandcast.metrics.wape)."""
    scored = rows[rows["is_backtest"].astype(bool) & rows["actual_quantity"].notna()]
    scored = scored.assign(
        cutoff_date=scored["cutoff_date"].astype(str).str[:10],
        bottom_up_quantity=bottom_up(scored),
    )
    pooled = scored.assign(cutoff_date="all")
    out = []
    for (level, cutoff), group in pd.concat([scored, pooled]).groupby(
        ["hierarchy_level", "cutoff_date"]
    ):
        base = metrics.wape(group["actual_quantity"], group["base_quantity"])
        reconciled = metrics.wape(group["actual_quantity"], group["reconciled_quantity"])
        summed = metrics.wape(group["actual_quantity"], group["bottom_up_quantity"])
        out.append(
            {
                "hierarchy_level": level,
                "cutoff_date": cutoff,
                "level_rank": LEVEL_ORDER.index(str(level)),
                "nodes": group["node_id"].nunique(),
                "rows": len(group),
                "base_wape": base,
                "bottom_up_wape": summed,
                "reconciled_wape": reconciled,
                "ratio": reconciled / base if base else float("nan"),
            }
        )
    table = pd.DataFrame(out).sort_values(["cutoff_date", "level_rank"])
    return table.drop(columns="level_rank").reset_index(drop=True)


def cross_check(inputs: pd.DataFrame, reconciled: pd.DataFrame | None = None) -> dict[str, Any]:
    """demandcast.hierarchy against hierarchicalforecast's MinTrace(mint_shrink) on the
    published cut-off of int_hierarchy_forecasts: the same S, residuals and base.

    hierarchicalforecast estimates each pair of a NaN-holding residual matrix on the
    samples both have; demandcast fills a gap with the node's mean. Both get the matrix
    with the gaps filled so that the comparison checks the algebra; ``gaps`` says how many
    there were."""
    from hierarchicalforecast.methods import MinTrace

    rows = inputs.assign(cutoff_date=pd.to_datetime(inputs["cutoff_date"]))
    published = rows[~rows["is_backtest"].astype(bool)]
    # The published cut-off's nodes (a series backtested but no longer forecast is not one).
    nodes = hierarchy.Nodes.from_rows(published)
    residuals, _ = hierarchy.residual_matrix(rows, nodes.ids)
    gaps = int(np.isnan(residuals).sum())
    known = ~np.isnan(residuals)
    means = np.where(known, residuals, 0.0).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
    filled = np.where(known, residuals, means)
    filled = np.nan_to_num(filled)
    base = (
        published.pivot_table(index="node_id", columns="horizon_step", values="base_quantity")
        .reindex(nodes.ids)
        .to_numpy(dtype=np.float64)
    )
    structure = np.vstack([nodes.summing, np.eye(len(nodes.ids) - nodes.aggregates)])
    started = time.perf_counter()
    ours = hierarchy.mint_reconcile(base, nodes.summing, hierarchy.shrunk_covariance(filled))
    ours_seconds = time.perf_counter() - started
    # hierarchicalforecast reads residuals as y_insample - y_hat_insample, nodes x samples.
    started = time.perf_counter()
    theirs = MinTrace(method="mint_shrink").fit_predict(
        S=structure,
        y_hat=base,
        y_insample=filled.T,
        y_hat_insample=np.zeros_like(filled.T),
    )["mean"]
    theirs_seconds = time.perf_counter() - started
    difference = np.abs(ours - theirs)
    result: dict[str, Any] = {
        "nodes": len(nodes.ids),
        "aggregates": nodes.aggregates,
        "samples": residuals.shape[0],
        "horizon_steps": base.shape[1],
        "residual_gaps": gaps,
        "max_abs_difference": float(difference.max()),
        "max_relative_difference": float((difference / np.maximum(np.abs(theirs), 1.0)).max()),
        "max_abs_adjustment": float(np.abs(theirs - base).max()),
        "demandcast_seconds": ours_seconds,
        "hierarchicalforecast_seconds": theirs_seconds,
    }
    if reconciled is not None:
        table = reconciled[~reconciled["is_backtest"].astype(bool)]
        stored = (
            table.pivot_table(index="node_id", columns="horizon_step", values="reconciled_quantity")
            .reindex(nodes.ids)
            .to_numpy(dtype=np.float64)
        )
        result["max_abs_difference_warehouse"] = float(np.abs(stored - theirs).max())
    return result


def synthetic_rows(
    series: int, stores: int, groups: int, origins: int, steps: int, seed: int = 0
) -> pd.DataFrame:
    """int_hierarchy_forecasts of a synthetic hierarchy: series spread over stores x
    groups, ``origins`` backtest origins and the published cut-off, ``steps`` steps each;
    base forecasts at every node with random errors."""
    generator = np.random.default_rng(seed)
    store_of = np.arange(series) % stores
    group_of = (np.arange(series) // stores) % groups
    level = np.concatenate(
        [
            ["total"],
            np.repeat("store", stores),
            np.repeat("store_department", stores * groups),
            np.repeat("store_item", series),
        ]
    )
    node = np.concatenate(
        [
            ["total:all"],
            [f"store:S{s}" for s in range(stores)],
            [f"store_department:S{s}|D{g}" for s in range(stores) for g in range(groups)],
            [f"store_item:S{s}|I{i}" for i, s in enumerate(store_of)],
        ]
    )
    parent = np.concatenate(
        [
            [None],
            np.repeat("total:all", stores),
            [f"store:S{s}" for s in range(stores) for _ in range(groups)],
            [f"store_department:S{s}|D{g}" for s, g in zip(store_of, group_of, strict=True)],
        ]
    )
    demand = generator.gamma(2.0, 5.0, size=series)
    # Node means: the sums of their series' means.
    mean = np.concatenate(
        [
            [demand.sum()],
            np.bincount(store_of, demand, stores),
            np.bincount(store_of * groups + group_of, demand, stores * groups),
            demand,
        ]
    )
    cutoffs = pd.date_range("2024-01-01", periods=origins + 1, freq="28D")
    frames = []
    for index, cutoff in enumerate(cutoffs):
        backtest = index < origins
        for step in range(1, steps + 1):
            base = mean * generator.lognormal(0.0, 0.2, size=len(mean))
            frames.append(
                pd.DataFrame(
                    {
                        "hierarchy_level": level,
                        "node_id": node,
                        "parent_node_id": parent,
                        "cutoff_date": cutoff,
                        "horizon_step": step,
                        "is_backtest": backtest,
                        "base_quantity": base,
                        "actual_quantity": (
                            mean * generator.lognormal(0.0, 0.3, size=len(mean))
                            if backtest
                            else np.nan
                        ),
                    }
                )
            )
    rows = pd.concat(frames, ignore_index=True)
    return rows.assign(
        store_id=None,
        group_id=None,
        item_id=None,
        target_date=rows["cutoff_date"] + pd.to_timedelta(rows["horizon_step"], unit="D"),
        base_source="final_forecast",
        lower_80=np.nan,
        upper_80=np.nan,
        lower_95=np.nan,
        upper_95=np.nan,
    )


def bench_scale(series: int, stores: int, groups: int, origins: int, steps: int) -> dict[str, Any]:
    """Time and peak memory (this process's maximum resident set) of reconcile_forecasts
    alone on a synthetic hierarchy."""
    rows = synthetic_rows(series, stores, groups, origins, steps)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    out = hierarchy.reconcile_forecasts(rows, hierarchy.ReconciliationConfig("mint_shrink", 2e-8))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Coherence: every parent equals its children's sum.
    sums = (
        out[out["parent_node_id"].notna()]
        .groupby(["parent_node_id", "cutoff_date", "horizon_step"])["reconciled_quantity"]
        .sum()
    )
    parents = out.set_index(["node_id", "cutoff_date", "horizon_step"])["reconciled_quantity"]
    aligned = parents.reindex(sums.index.set_names(["node_id", "cutoff_date", "horizon_step"]))
    return {
        "series": series,
        "nodes": int(rows["node_id"].nunique()),
        "rows": len(rows),
        "seconds": seconds,
        "peak_mb_before": before,
        "peak_mb": peak,
        "max_abs_incoherence": float((aligned.to_numpy() - sums.to_numpy()).__abs__().max()),
    }


def main(argv: list[str] | None = None) -> int:
    """The command line (module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m demandcast.tools.hierarchy_bench")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("accuracy", "crosscheck"):
        command = sub.add_parser(name)
        command.add_argument("--database", type=Path, required=True)
    scale = sub.add_parser("scale")
    scale.add_argument("--series", type=int, default=3049)
    scale.add_argument("--stores", type=int, default=10)
    scale.add_argument("--groups", type=int, default=7)
    scale.add_argument("--origins", type=int, default=3)
    scale.add_argument("--steps", type=int, default=28)
    args = parser.parse_args(argv)
    if args.command == "accuracy":
        table = level_accuracy(read_table(args.database, "fct_forecasts_hierarchy"))
        print(table.to_string(index=False, float_format=lambda value: f"{value:.4f}"))
    elif args.command == "crosscheck":
        result = cross_check(
            read_table(args.database, "int_hierarchy_forecasts"),
            read_table(args.database, "fct_forecasts_hierarchy"),
        )
        print(json.dumps(result, indent=2))
    else:
        print(
            json.dumps(
                bench_scale(args.series, args.stores, args.groups, args.origins, args.steps),
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
