"""BI readers and the build: the published Parquet copy is readable at every moment of a
full dbt build, and a reader never sees a half-written table."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import FULL_BUILD

from demandcast.demo_data import DemoConfig, generate_demo_data
from demandcast.presets import canonical_vars
from demandcast.project import run_dbt, start_dbt
from demandcast.publishing import publish_frame

pytestmark = pytest.mark.integration


def test_a_reader_in_a_loop_never_errors_nor_sees_a_partial_table_during_a_build(
    tmp_path: Path,
):
    data = tmp_path / "data"
    generate_demo_data(data, DemoConfig(n_stores=3, n_items=6, n_days=420, seed=3))
    database = tmp_path / "warehouse.duckdb"
    first = run_dbt(["build", *FULL_BUILD], database_path=database, dbt_vars=canonical_vars(data))
    assert first.ok, first.output[-4000:]
    published = tmp_path / "published"
    with duckdb.connect(str(database), read_only=True) as connection:
        manifest = dict(
            connection.execute("select table_name, row_count from published_tables").fetchall()
        )
    assert {"fct_forecasts", "backtest_metrics", "model_registry"} <= set(manifest)

    # The second build publishes every table again: each read must return a complete
    # version, the one before the build or the one after it.
    build = start_dbt(["build", *FULL_BUILD], database_path=database, dbt_vars=canonical_vars(data))
    reads, errors, swaps = 0, [], set()
    seen: dict[str, set[int]] = {name: set() for name in manifest}
    reader = duckdb.connect()
    while build.poll() is None:
        for name in manifest:
            path = published / f"{name}.parquet"
            try:
                count = reader.execute(f"select count(*) from read_parquet('{path}')").fetchone()
            except duckdb.Error as error:  # a partial file would fail here
                errors.append(f"{name}: {error}")
                continue
            reads += 1
            seen[name].add(count[0] if count else -1)
            swaps.add(path.stat().st_mtime_ns)
        time.sleep(0.05)
    output = build.stdout.read() if build.stdout else ""
    assert build.returncode == 0, output[-4000:]
    assert reads > 50, f"only {reads} reads during the build"
    assert not errors, errors[:5]
    with duckdb.connect(str(database), read_only=True) as connection:
        after = dict(
            connection.execute("select table_name, row_count from published_tables").fetchall()
        )
    for name, counts in seen.items():
        assert counts <= {manifest[name], after[name]}, f"{name}: saw {counts}"
    assert len(swaps) > len(manifest), "the build did not replace the published files"


def test_publishing_replaces_a_file_whole(tmp_path: Path):
    first = publish_frame(pd.DataFrame({"x": [1, 2, 3]}), tmp_path, "t")
    second = publish_frame(pd.DataFrame({"x": [4]}), tmp_path, "t")
    assert first == second
    assert pd.read_parquet(second)["x"].tolist() == [4]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"], "no temporary file left"


def test_the_same_table_in_another_row_order_publishes_the_same_bytes(tmp_path: Path):
    frame = pd.DataFrame({"store_id": ["S2", "S1", "S1"], "quantity": [1.0, None, 2.0]})
    first = publish_frame(frame, tmp_path / "a", "t").read_bytes()
    second = publish_frame(frame.iloc[::-1], tmp_path / "b", "t").read_bytes()
    assert first == second
