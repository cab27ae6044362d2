"""Replay: build the warehouse as of a series of past dates, so the monitoring tables
fill with history (forecast history, live accuracy, drift, alerts, registry decisions).

    demandcast replay --start 2025-09-01 --end 2025-12-31 --every-days 28 [--data DIR]

Each run is ``dbt build`` with ``as_of_date`` set; the registry trains only when its rules
say so, as it would have on those days.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import PROJECT_DIR, DbtResult, run_dbt

# What a replay builds at each date: every model and data test, not the dbt unit tests
# (they do not depend on the date, and run in make test's own build).
REPLAY_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def replay_dates(start: dt.date, end: dt.date, every_days: int) -> list[dt.date]:
    """start, start + every_days, ... up to end, and end itself."""
    if every_days <= 0:
        raise ValueError("--every-days must be positive")
    if end < start:
        raise ValueError(f"--end {end} is before --start {start}")
    dates = [
        start + dt.timedelta(days=k * every_days)
        for k in range((end - start).days // every_days + 1)
    ]
    return dates if dates[-1] == end else [*dates, end]


def build_as_of(
    database: Path,
    as_of: dt.date,
    dbt_vars: dict[str, Any],
    arguments: Sequence[str] = REPLAY_BUILD,
) -> DbtResult:
    """One replay step: ``dbt build`` (``arguments``) of ``database`` with the vars and
    ``as_of_date`` set to ``as_of``."""
    return run_dbt(
        list(arguments),
        database_path=database,
        dbt_vars={**dbt_vars, "as_of_date": as_of.isoformat()},
    )


def summary(database: Path) -> str:
    """One line about the run just built: registry decisions and alerts by type."""
    with duckdb.connect(str(database), read_only=True) as connection:
        decisions = connection.execute(
            "select algorithm || ': ' || decision from model_training_log"
            " where invocation_id = (select invocation_id from stg_run_context) order by 1"
        ).fetchall()
        alerts = connection.execute(
            "select alert_type || ' x' || count(*) from monitoring_alerts"
            " group by alert_type order by 1"
        ).fetchall()
    return (
        "; ".join(d for (d,) in decisions)
        + " | alerts: "
        + (", ".join(a for (a,) in alerts) or "none")
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``demandcast replay``."""
    parser = argparse.ArgumentParser(prog="demandcast replay", description=__doc__)
    parser.add_argument("--start", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--end", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--every-days", type=int, default=28)
    parser.add_argument("--data", help="canonical-layout folder (default: the project's vars)")
    parser.add_argument("--database", default=str(PROJECT_DIR / "warehouse" / "demandcast.duckdb"))
    args = parser.parse_args(argv)
    base: dict[str, Any] = canonical_vars(args.data) if args.data else {}
    database = Path(args.database)
    for as_of in replay_dates(args.start, args.end, args.every_days):
        result = build_as_of(database, as_of, base)
        if not result.ok:
            print(result.output[-4000:])
            print(f"replay stopped: dbt build as of {as_of} failed")
            return 1
        print(f"as of {as_of}: {summary(database)}", flush=True)
    return 0
