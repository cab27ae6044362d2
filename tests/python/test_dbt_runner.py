"""run_dbt in this process (the test suite's way) and in a subprocess (a user's, and the
benchmarks') give the same exit code and messages, and the in-process run leaves this
process as it found it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb
import pytest

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import PROJECT_DIR, run_dbt, start_background

SEEDS = PROJECT_DIR / "seeds"

pytestmark = pytest.mark.integration


def test_in_process_and_subprocess_runs_agree_and_leave_the_process_as_it_was(tmp_path: Path):
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=1, n_items=2, n_days=60, plant_faults=False))
    dbt_vars = canonical_vars(data)
    environment, folder = dict(os.environ), os.getcwd()
    results = {}
    for in_process in (True, False):
        database = tmp_path / f"in_process_{in_process}" / "warehouse.duckdb"
        results[in_process] = run_dbt(
            ["run-operation", "no_such_macro"],
            database_path=database,
            dbt_vars=dbt_vars,
            in_process=in_process,
        )
        ok = run_dbt(["seed"], database_path=database, dbt_vars=dbt_vars, in_process=in_process)
        assert ok.returncode == 0, ok.output[-3000:]
        # The in-process run closed the database: this process can write it again.
        with duckdb.connect(str(database)) as connection:
            tables = {
                name
                for (name,) in connection.execute(
                    "select table_name from duckdb_tables()"
                ).fetchall()
            }
            assert tables >= {seed.stem for seed in SEEDS.glob("*.csv")}, tables
    inside, outside = results[True], results[False]
    assert inside.returncode == outside.returncode != 0
    for result in (inside, outside):
        assert "no_such_macro" in result.output, result.output[-3000:]
    assert dict(os.environ) == environment and os.getcwd() == folder


def test_a_background_command_with_more_output_than_a_pipe_holds_runs_to_its_end():
    # A pipe holds 64 KB: a build whose log outgrew it, started with its output piped and
    # read only at its end, waited on its own writes for ever (the BI publishing test).
    size = 1_000_000
    background = start_background(
        [sys.executable, "-c", f"import sys; sys.stdout.write('x' * {size}); print('done')"]
    )
    deadline = time.monotonic() + 60
    while background.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert background.poll() == 0, "the command did not end: its output blocked it"
    output = background.wait()
    assert output == "x" * size + "done\n"
