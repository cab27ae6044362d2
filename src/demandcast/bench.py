"""Benchmarks: scripts that print figures, never timed assertions.

    python -m demandcast.bench [--data DIR] [--layout canonical|walmart|m5] [--out FILE]

Builds the dbt project on the data folder (default: the demo data, generated if absent) in
a fresh DuckDB file and prints the wall time and peak memory of the ``dbt build`` step,
with the slowest models read from dbt's run_results.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from demandcast import __version__
from demandcast.demo_data import generate_demo_data
from demandcast.presets import canonical_vars, m5_vars, walmart_vars
from demandcast.project import PROJECT_DIR, run_dbt

LAYOUTS = {"canonical": canonical_vars, "walmart": walmart_vars, "m5": m5_vars}


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


def guess_layout(data_dir: Path) -> str:
    """The layout of a data folder, from the files it holds."""
    if (data_dir / "calendar.csv").exists() and list(data_dir.glob("sales_train_*.csv")):
        return "m5"
    if (data_dir / "train.csv").exists():
        return "walmart"
    return "canonical"


def bench_build(data_dir: Path, layout: str, workdir: Path) -> list[Measurement]:
    """Time one full ``dbt build`` (the build step of ``make demo``) on a data folder.

    The peak memory figure is the largest child process's, which is dbt's: this function
    must run in a fresh process (as the CLI does) for it to belong to this build alone.
    """
    dbt_vars = LAYOUTS[layout](data_dir.resolve())
    started = time.perf_counter()
    result = run_dbt(["build"], database_path=workdir / "bench.duckdb", dbt_vars=dbt_vars)
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


def print_table(measurements: list[Measurement]) -> None:
    """Print the figures as a Markdown table."""
    print("| dataset | step | wall s | peak MB | note |")
    print("|---|---|---:|---:|---|")
    for item in measurements:
        peak = f"{item.peak_mb:.0f}" if item.peak_mb is not None else ""
        print(
            f"| {item.dataset} | {item.step} | {item.wall_seconds:.1f} | {peak} | {item.detail} |"
        )


def environment() -> dict[str, Any]:
    """The machine and versions the figures were measured on."""
    import os

    import dbt.version
    import duckdb

    return {
        "demandcast": __version__,
        "python": platform.python_version(),
        "dbt_core": dbt.version.__version__,
        "duckdb": duckdb.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m demandcast.bench``."""
    parser = argparse.ArgumentParser(prog="python -m demandcast.bench", description=__doc__)
    parser.add_argument("--data", type=Path, help="data folder (default: the demo data)")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), help="default: guessed")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    data_dir: Path = args.data or PROJECT_DIR / "data" / "demo"
    if args.data is None and not (data_dir / "faults.json").exists():
        generate_demo_data(data_dir)
    if not data_dir.is_dir():
        parser.error(f"--data {data_dir}: no such folder")
    layout = args.layout or guess_layout(data_dir)

    print(json.dumps(environment()))
    with tempfile.TemporaryDirectory(prefix="demandcast-bench-") as workdir:
        measurements = bench_build(data_dir, layout, Path(workdir))
    print_table(measurements)
    if args.out:
        args.out.write_text(
            json.dumps(
                {"environment": environment(), "results": [asdict(m) for m in measurements]},
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
