"""The README's build commands, run verbatim through a shell, off the default vars.

Each test runs one command with nothing selected or excluded: every model, seed, data test
and dbt unit test. dbt unit tests pin the vars they assume (house style rule 12); these
builds prove it under the presets a user meets first: the Walmart layout (weekly, a
39-week horizon, a column mapping), the M5 layout and canonical files with a shorter and a
longer horizon than the default. The other pytest builds may leave unit tests out for speed
(conftest.STAGING_SELECTION) because they run here.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Warehouse, shared_data

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import PROJECT_DIR, DbtResult

pytestmark = pytest.mark.integration

README = PROJECT_DIR / "README.md"
VENV_BIN = Path(sys.executable).parent
# Stores 1-2 of the shared Walmart panel: the full panel takes 7+ minutes, these run the
# same command on the same layout and quirks (about 20k rows, returns included).
WALMART_STORES = {"1", "2"}
CANONICAL = DemoConfig(n_stores=3, n_items=6, n_days=420, seed=5)
# The nodes a complete build must have run, by manifest section and resource type.
BUILT_TYPES = {"model", "seed", "test", "snapshot"}


def readme_command(layout: str, data_dir: Path) -> str:
    """The README's `dbt build --vars "$(demandcast vars LAYOUT DIR)"` line for a layout,
    with its data folder replaced by data_dir and .venv/bin/ by this interpreter's bin."""
    pattern = re.compile(rf"^\.venv/bin/dbt build .*demandcast vars {layout} (?P<dir>[^)\s]+)\)")
    for line in README.read_text(encoding="utf-8").splitlines():
        found = pattern.match(line)
        if found:
            line = line.replace(found["dir"], shlex.quote(str(data_dir)))
            return line.replace(".venv/bin/", f"{VENV_BIN}/")
    raise AssertionError(f"README.md has no `dbt build` line for `demandcast vars {layout}`")


def run_shell(command: str, database: Path) -> DbtResult:
    """Run a shell command line from the project directory, as a user would, against its
    own DuckDB file; target/ and logs/ beside it so that parallel tests do not share them."""
    target = database.parent / "target"
    env = {
        **os.environ,
        "DEMANDCAST_DUCKDB_PATH": str(database),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(database.parent / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        ["bash", "-c", command],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return DbtResult(completed.returncode, completed.stdout, target)


def assert_complete_build(result: DbtResult) -> dict[str, str]:
    """The build succeeded, ran every enabled node of the manifest (unit tests included)
    with none failing or skipped, and built monitoring_alerts and published_tables.
    Returns the status of each node by unique_id."""
    assert result.ok, result.output[-6000:]
    status = {row["unique_id"]: row["status"] for row in result.run_results()["results"]}
    with open(result.target_path / "manifest.json", encoding="utf-8") as handle:
        manifest: dict[str, Any] = json.load(handle)
    expected = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in BUILT_TYPES
    } | set(manifest["unit_tests"])
    assert expected - set(status) == set(), "nodes left out of the build"
    unit_tests = {key: value for key, value in status.items() if key.startswith("unit_test.")}
    assert unit_tests, "no dbt unit test ran"
    assert {
        key: value for key, value in status.items() if value in ("fail", "error", "skipped")
    } == {}
    for model in ("monitoring_alerts", "published_tables"):
        assert status[f"model.demandcast.{model}"] == "success", model
    alert_tests = [key for key in unit_tests if key.startswith("unit_test.demandcast.monitoring_")]
    assert len(alert_tests) >= 2 and all(unit_tests[key] == "pass" for key in alert_tests)
    return status


def write_walmart_subset(source: Path, out: Path, stores: set[str]) -> Path:
    """The Walmart files with only the rows of some stores, byte for byte otherwise: same
    names, header and line endings (stores.csv ends its lines with a bare CR)."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
        kept = [lines[0], *(line for line in lines[1:] if line.split(",", 1)[0] in stores)]
        (out / path.name).write_bytes("".join(kept).encode("utf-8"))
    return out


@pytest.mark.shared_data
def test_walmart_readme_command_builds_everything(tmp_path: Path):
    data = write_walmart_subset(shared_data("walmart"), tmp_path / "walmart", WALMART_STORES)
    # The subset keeps the quirks the preset must handle.
    assert b"\r" in (data / "stores.csv").read_bytes()
    assert b"\n" not in (data / "stores.csv").read_bytes()
    train = (data / "train.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert {line.split(",")[0] for line in train} == WALMART_STORES
    assert any(float(line.split(",")[3]) < 0 for line in train), "no returns in the subset"

    result = run_shell(readme_command("walmart", data), tmp_path / "warehouse.duckdb")

    assert_complete_build(result)


@pytest.mark.shared_data
def test_m5_readme_command_builds_everything(tmp_path: Path):
    data = shared_data("m5_sample")

    result = run_shell(readme_command("m5", data), tmp_path / "warehouse.duckdb")

    assert_complete_build(result)


@pytest.fixture(scope="module")
def canonical_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("canonical")
    generate_demo_data(folder, CANONICAL)
    return folder


@pytest.mark.parametrize("horizon", [14, 56])
def test_canonical_build_with_another_horizon_builds_everything(
    canonical_data: Path, tmp_path: Path, horizon: int
):
    # The README's by-hand form: the canonical preset's vars with the horizon added.
    dbt_vars = {**canonical_vars(canonical_data), "forecast_horizon_periods": horizon}
    command = f"{VENV_BIN}/dbt build --vars {shlex.quote(json.dumps(dbt_vars))}"

    result = run_shell(command, tmp_path / "warehouse.duckdb")

    assert_complete_build(result)
    # The var reached the models: the published forecast runs that many days ahead.
    warehouse = Warehouse(tmp_path / "warehouse.duckdb", result)
    assert warehouse.scalar("select max(horizon_step) from fct_forecasts") == horizon
