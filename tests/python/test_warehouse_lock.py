"""Another process holding the warehouse (a BI tool left connected, even read-only) makes
dbt build fail at once, with a message that names the holder and the published folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import run_dbt
from demandcast.warehouse_lock import WarehouseLockedError, check_write_lock

# What the issue names: an idle read-only connection in another process.
HOLDER = (
    "import duckdb, sys; connection = duckdb.connect(sys.argv[1], read_only=True);"
    " print('held', flush=True); sys.stdin.readline()"
)


@pytest.fixture
def held_warehouse(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A DuckDB file held open read-only by another process; yields (path, its pid) and
    kills that process by its pid afterwards."""
    database = tmp_path / "warehouse" / "warehouse.duckdb"
    database.parent.mkdir()
    duckdb.connect(str(database)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield database, holder.pid
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()


def test_the_check_names_the_holder_and_the_published_folder(
    held_warehouse: tuple[Path, int], tmp_path: Path
):
    database, pid = held_warehouse
    with pytest.raises(WarehouseLockedError) as raised:
        check_write_lock(database, tmp_path / "bi")
    message = str(raised.value)
    assert f"(PID {pid})" in message
    assert "is locked by another process" in message
    assert f"{tmp_path / 'bi' / 'current'}/<table>.parquet" in message
    assert "However" not in message, "only the holder is quoted from DuckDB's text"


def test_the_check_passes_on_a_free_file_and_creates_none(tmp_path: Path):
    free = tmp_path / "free.duckdb"
    duckdb.connect(str(free)).close()
    check_write_lock(free, tmp_path)
    check_write_lock(tmp_path / "absent.duckdb", tmp_path)
    check_write_lock(":memory:", tmp_path)
    assert not (tmp_path / "absent.duckdb").exists()


@pytest.mark.integration
def test_dbt_build_on_a_held_warehouse_fails_early_naming_the_holder(
    held_warehouse: tuple[Path, int], tmp_path: Path
):
    database, pid = held_warehouse
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=2, n_items=2, n_days=60, seed=1))
    bi = tmp_path / "bi"
    # The project's profiles.yml, a plain dbt build (run_dbt adds only paths).
    result = run_dbt(
        ["build"],
        database_path=database,
        dbt_vars={**canonical_vars(data), "bi_publish_path": str(bi)},
    )
    assert result.returncode == 2, result.output[-3000:]
    assert f"The warehouse {database} is locked by another process" in result.output
    assert f"(PID {pid})" in result.output
    assert f"{bi / 'current'}/<table>.parquet" in result.output
    assert "Traceback" not in result.output
    assert " START " not in result.output, "no node ran"
