"""Alert gates inside dbt build: warn-level alerts are reported, an error-level alert
fails the build before publishing; inside their thresholds both stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FULL_BUILD

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import DbtResult, run_dbt

pytestmark = pytest.mark.integration

GATED = [
    "--select",
    "dq_store_freshness",
    "monitoring_alerts+",
]


def statuses(result: DbtResult) -> dict[str, str]:
    """dbt status of each node of the run, keyed by the node's name."""
    return {
        node["unique_id"].split(".")[2]: node["status"] for node in result.run_results()["results"]
    }


def gate(status: dict[str, str], severity: str) -> str:
    return next(v for k, v in status.items() if k.startswith(f"no_alerts_alert_history_{severity}"))


def test_gates_warn_stop_publishing_and_stay_quiet_inside_thresholds(tmp_path: Path):
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=3, n_items=6, n_days=420, seed=7))
    database = tmp_path / "warehouse.duckdb"

    def build(args: list[str], **extra: Any) -> DbtResult:
        return run_dbt(
            ["build", *args], database_path=database, dbt_vars={**canonical_vars(data), **extra}
        )

    first = build(FULL_BUILD, freshness_max_lag_periods=1000, alert_psi=1000)
    assert first.ok, first.output[-4000:]
    quiet = statuses(first)
    assert (gate(quiet, "warn"), gate(quiet, "error")) == ("pass", "pass")
    assert quiet["published_tables"] == "success"

    # The planted stale store under the default freshness rule: a warn-level alert,
    # reported; publishing goes on.
    warned = build(GATED, alert_psi=1000)
    assert warned.ok, warned.output[-4000:]
    status = statuses(warned)
    assert (gate(status, "warn"), gate(status, "error")) == ("warn", "pass")
    assert status["published_tables"] == "success"

    # Any null rate above -1: an error-level alert; the build fails, nothing is published.
    stopped = build(GATED, alert_null_rate=-1)
    assert not stopped.ok
    status = statuses(stopped)
    assert gate(status, "error") == "fail"
    assert status["published_tables"] == "skipped"
