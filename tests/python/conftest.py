"""Shared fixtures: build the dbt project on files a test writes, and read the result."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import EMPTY_CANONICAL_INPUTS, canonical_vars
from demandcast.tools.project import IN_PROCESS_ENV, PROJECT_DIR, DbtResult, run_dbt

# dbt runs inside the test process (and inside the `demandcast` commands the tests
# start): the same invocation as the command line's, without importing dbt again for each
# of the suite's builds. The benchmarks' builds, which measure a build's memory, always run
# dbt in a subprocess.
os.environ.setdefault(IN_PROCESS_ENV, "1")

SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"

# Staging and what its tests need; tests whose parents are outside are left out.
STAGING_SELECTION = [
    "--select",
    "path:models/staging",
    "int_period_spine",
    "--indirect-selection",
    "cautious",
    # Left out for speed only: these many small builds vary input-contract vars, and the
    # staging unit tests pin those vars and run in full builds with nothing excluded under
    # the defaults, other horizons and the Walmart and M5 presets (test_readme_commands.py).
    "--exclude-resource-type",
    "unit_test",
]


# Every model, seed and data test. The dbt unit tests are left out for speed only (about
# a fifth of a small build): they pin their vars, and run in complete builds with nothing
# excluded in `make test`'s own build and in test_readme_commands.py (the defaults,
# horizons 14 and 56, the Walmart and M5 presets).
FULL_BUILD: list[str] = ["--exclude-resource-type", "unit_test"]

# The shared demo build: 420 days, more than a season (364) plus the horizon, so
# same-period-last-year has values; every optional input present, faults planted.
DEMO = DemoConfig(n_stores=3, n_items=8, n_days=420, seed=11)
# What-if scenarios of the shared demo build (var forecast_scenarios; its as-of date is
# 2024-02-24, so the forecast covers 2024-02-25 .. 2024-03-23): a 25% price cut and a
# promotion for one series over the whole horizon (the second row), and bad rows for the
# quarantine: one the planted row overlaps (it comes later, so it wins), an unknown store,
# an unknown item, an end before the start, a negative price. The seed's example rows
# (January 2026, the make demo horizon) lie outside this one.
DEMO_SCENARIOS: list[dict[str, str]] = [
    {
        "scenario_name": "spring_promotion",
        "store_id": "S01",
        "item_id": "I001",
        "start_date": "2024-03-01",
        "end_date": "2024-03-05",
        "price": "9.99",
    },
    {
        "scenario_name": "spring_promotion",
        "store_id": "S01",
        "item_id": "I001",
        "start_date": "2024-02-25",
        "end_date": "2024-03-23",
        "price": "4.27",
        "is_promotion": "true",
    },
    {
        "scenario_name": "spring_promotion",
        "store_id": "S09",
        "item_id": "I001",
        "start_date": "2024-02-25",
        "end_date": "2024-03-23",
        "price": "4.27",
        "is_promotion": "true",
    },
    {
        "scenario_name": "spring_promotion",
        "store_id": "S01",
        "item_id": "I999",
        "start_date": "2024-02-25",
        "end_date": "2024-03-01",
        "is_promotion": "yes",
    },
    {
        "scenario_name": "spring_promotion",
        "store_id": "S01",
        "item_id": "I002",
        "start_date": "2024-03-10",
        "end_date": "2024-03-01",
        "is_promotion": "true",
    },
    {
        "scenario_name": "spring_promotion",
        "store_id": "S01",
        "item_id": "I003",
        "start_date": "2024-02-25",
        "end_date": "2024-03-01",
        "price": "-2.5",
    },
]
# pytest-xdist group of the tests that read demo_warehouse (pyproject.toml runs
# --dist loadgroup): one worker runs them all, so the demo is built once per suite.
DEMO_WAREHOUSE_GROUP = "demo_warehouse"


class Warehouse:
    """A DuckDB file built by one dbt run, with a helper to query it."""

    def __init__(self, path: Path, result: DbtResult) -> None:
        self.path = path
        self.result = result

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """All rows of a query, read-only."""
        with duckdb.connect(str(self.path), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    def scalar(self, sql: str) -> Any:
        """The single value of a query."""
        return self.rows(sql)[0][0]

    def reasons(self, input_name: str = "sales") -> dict[str, int]:
        """Quarantined row counts by reason code for one input."""
        return dict(
            self.rows(
                "select reason_code, count(*) from stg_quarantined_rows "
                f"where input_name = '{input_name}' group by reason_code"
            )
        )

    def accounting(self, input_name: str = "sales") -> dict[str, Any]:
        """The stg_row_accounting row of one input, as a dict."""
        with duckdb.connect(str(self.path), read_only=True) as connection:
            cursor = connection.execute(
                "select * from stg_row_accounting where input_name = ?", [input_name]
            )
            names = [column[0] for column in cursor.description]
            row = cursor.fetchone()
        assert row is not None, f"no accounting row for {input_name}"
        return dict(zip(names, row, strict=True))


BuildFn = Callable[..., Warehouse]

# The optional inputs switched off: the build fixture's base vars (the presets' own).
NO_OPTIONAL_INPUTS: dict[str, Any] = dict(EMPTY_CANONICAL_INPUTS)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The whole project built once on generated demo data (DEMO), for the tests that only
    read a built warehouse. Mark such a module xdist_group(DEMO_WAREHOUSE_GROUP)."""
    folder = tmp_path_factory.mktemp("demo")
    generate_demo_data(folder, DEMO)
    database = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    # Same switched-off optional inputs as the build fixture; the demo sets them all.
    dbt_vars = {
        **NO_OPTIONAL_INPUTS,
        **canonical_vars(folder),
        "forecast_scenarios": DEMO_SCENARIOS,
        # Off by default (dbt_project.yml); on here so the reconciled candidate's tests
        # read it in the shared build.
        "reconciled_base_model": "combination",
    }
    result = run_dbt(["build", *FULL_BUILD], database_path=database, dbt_vars=dbt_vars)
    assert result.ok, result.output[-4000:]
    return Warehouse(database, result)


@pytest.fixture
def build(tmp_path: Path) -> BuildFn:
    """Build the project with the given vars into a fresh DuckDB file under tmp_path.

    Inputs not named in the vars are switched off, so a test states exactly what it reads.
    """

    def _build(
        dbt_vars: dict[str, Any],
        *,
        selection: list[str] | None = None,
        expect_success: bool = True,
    ) -> Warehouse:
        database = tmp_path / "warehouse.duckdb"
        result = run_dbt(
            ["build", *(STAGING_SELECTION if selection is None else selection)],
            database_path=database,
            dbt_vars={**NO_OPTIONAL_INPUTS, **dbt_vars},
        )
        if expect_success:
            assert result.ok, result.output[-4000:]
        return Warehouse(database, result)

    return _build


def write_text(path: Path, text: str, *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write a file with exact bytes for its line endings (tests of odd files need them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def shared_data(name: str) -> Path:
    """A folder of ../shared/data, or skip the test saying why."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"{folder} not found: the shared real-data sets sit beside the project")
    return folder
