"""BI readers and the build: the published Parquet set is readable at every moment of a
full dbt build, a reader never sees a half-written table nor a mix of two runs (not even
after a kill -9 midway through publishing), and the files are readable by other users."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import FULL_BUILD

from demandcast.publishing import current_folder, publish, read_manifest, read_published
from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.presets import canonical_vars
from demandcast.tools.project import run_dbt, start_dbt

# The tables published_tables publishes: a kill test on a set of the real size.
TABLE_NAMES = [
    "fct_forecasts",
    "fct_forecast_history",
    "backtest_metrics",
    "model_selection",
    "model_registry",
    "model_training_log",
    "model_feature_importance",
    "forecast_accuracy",
    "monitoring_drift",
    "dq_run_metrics",
    "monitoring_alerts",
    "alert_history",
    "inventory_recommendations",
]


def run_frames(run_id: str, extra_rows: int) -> dict[str, pd.DataFrame]:
    """One run's set: every table carries the run id; row counts differ per table and
    per run, so a table of another run shows in its id and its count."""
    return {
        name: pd.DataFrame(
            {
                "invocation_id": [run_id] * (position + extra_rows),
                "value": [float(row) for row in range(position + extra_rows)],
            }
        )
        for position, name in enumerate(TABLE_NAMES, start=1)
    }


def set_seen_through(view: Path) -> tuple[set[str], dict[str, int], dict[str, object]]:
    """What a reader sees in one resolved version folder: the run ids over all tables,
    each table's row count, and its manifest."""
    runs: set[str] = set()
    counts = {}
    for name in TABLE_NAMES:
        frame = pd.read_parquet(view / f"{name}.parquet")
        runs |= set(frame["invocation_id"])
        counts[name] = len(frame)
    return runs, counts, read_manifest(view)


def assert_whole(view: Path, run_id: str, frames: dict[str, pd.DataFrame]) -> None:
    """The set in ``view`` is exactly ``frames`` of run ``run_id``, manifest included."""
    runs, counts, manifest = set_seen_through(view)
    assert runs == {run_id}, f"{view}: tables of runs {sorted(runs)}"
    assert counts == {name: len(frame) for name, frame in frames.items()}
    assert manifest.get("run_id") == run_id, manifest
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    assert {name: table["row_count"] for name, table in tables.items()} == counts


# ---------------------------------------------------------------- kill -9 mid-publish

# The child publishes run B and stops for good at a chosen point (after the k-th table
# written, or the k-th os.replace), telling the parent on stdout; the parent kills it
# there by its pid. Stopping on a pipe, not a sleep, puts the kill at an exact point.
CHILD = textwrap.dedent(
    """
    import os, sys
    import pandas as pd
    import pyarrow.parquet as pq
    from demandcast import publishing

    folder, frames_path, hook, stop_at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    calls = 0

    def stopping(original):
        def call(*args, **kwargs):
            global calls
            result = original(*args, **kwargs)
            calls += 1
            if calls == stop_at:
                print(f"stopped after {hook} {calls}", flush=True)
                sys.stdin.readline()  # the parent never writes: wait for the kill
            return result
        return call

    if hook == "write_table":
        pq.write_table = stopping(pq.write_table)
    else:
        os.replace = stopping(os.replace)
    publishing.publish(pd.read_pickle(frames_path), folder, "2024-02-01T10:00:00", run_id="B")
    print("finished", flush=True)
    """
)


@pytest.mark.parametrize(
    ("hook", "stop_at"),
    [
        ("write_table", 1),  # one table written
        ("write_table", 3),  # 3 of the set, as in the issue
        ("write_table", len(TABLE_NAMES)),  # every table written, no manifest yet
        ("replace", 1),  # the new version complete, no pointer swapped
        ("replace", 2),  # the symlink swapped, the CURRENT file not yet
    ],
)
def test_a_publish_killed_midway_leaves_the_previous_whole_set_and_the_next_one_cleans_up(
    tmp_path: Path, hook: str, stop_at: int
):
    folder = tmp_path / "published"
    before, after = run_frames("A", 0), run_frames("B", 5)
    publish(before, folder, "2024-01-01T10:00:00", run_id="A")
    assert_whole(current_folder(folder), "A", before)

    frames_path = tmp_path / "frames_b.pkl"
    pd.to_pickle(after, frames_path)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), str(frames_path), hook, str(stop_at)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("stopped"), (line, child.stderr.read() if child.stderr else "")
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
    assert child.returncode == -signal.SIGKILL

    # A reader resolving the pointer sees the previous whole set; every pointer names a
    # whole set (between the two swaps the symlink already names the new one).
    assert_whole(current_folder(folder), "A", before)
    link = folder / "current"
    if link.is_symlink():
        runs, _, manifest = set_seen_through(link.resolve())
        assert_whole(link.resolve(), str(manifest["run_id"]), before if runs == {"A"} else after)

    # The next publish gives the new whole set and removes the killed run's leftovers.
    publish(after, folder, "2024-02-02T10:00:00", run_id="B")
    assert_whole(current_folder(folder), "B", after)
    assert_whole((folder / "current").resolve(), "B", after)
    versions = sorted(path.name for path in (folder / "versions").iterdir())
    assert not [name for name in versions if name.startswith(".")], versions
    runs = [read_manifest(folder / "versions" / name)["run_id"] for name in versions]
    # The killed run's version stays only where a pointer had named it (a reader may
    # have resolved it); else only the previous and the new set remain.
    pointed_before_the_kill = (hook, stop_at) == ("replace", 2)
    assert runs == (["A", "B", "B"] if pointed_before_the_kill else ["A", "B"]), versions
    assert sorted(path.name for path in folder.iterdir()) == ["CURRENT", "current", "versions"]


# ---------------------------------------------------------------- the set, unit tests


def test_a_publish_writes_a_version_with_its_manifest_and_points_both_pointers_at_it(
    tmp_path: Path,
):
    frames = run_frames("A", 0)
    manifest = publish(frames, tmp_path, "2024-01-01T10:00:00", run_id="A")
    view = current_folder(tmp_path)
    assert view.parent == tmp_path / "versions"
    assert (tmp_path / "current").resolve() == view.resolve()
    assert (tmp_path / "CURRENT").read_text() == f"versions/{view.name}\n"
    assert os.readlink(tmp_path / "current") == f"versions/{view.name}", "a relative link"
    assert_whole(view, "A", frames)
    on_disk = read_manifest(tmp_path)
    assert on_disk["version_id"] == view.name
    assert on_disk["published_at"] == "2024-01-01T10:00:00"
    assert sorted(path.name for path in view.iterdir()) == sorted(
        [f"{name}.parquet" for name in TABLE_NAMES] + ["manifest.json"]
    )
    # The manifest the model returns: the stable path BI tools read, through current.
    assert manifest["table_name"].tolist() == TABLE_NAMES
    assert manifest["row_count"].tolist() == [len(frames[name]) for name in TABLE_NAMES]
    assert set(manifest["version_id"]) == {view.name}
    assert manifest["parquet_path"].iloc[0] == str(
        (tmp_path / "current" / "fct_forecasts.parquet").absolute()
    )
    assert read_published(tmp_path, "model_registry").equals(frames["model_registry"])


def test_versions_are_numbered_in_publish_order_and_only_the_newest_are_kept(tmp_path: Path):
    names = []
    for run in range(5):
        publish({"t": pd.DataFrame({"run": [run]})}, tmp_path, "2024-01-01", keep_versions=2)
        names.append(current_folder(tmp_path).name)
    # Same published_at every time: the sequence keeps the ids distinct and ordered.
    assert names == sorted(names) and len(set(names)) == 5
    assert sorted(path.name for path in (tmp_path / "versions").iterdir()) == names[-2:]
    assert read_published(tmp_path, "t")["run"].tolist() == [4]
    # The var as dbt renders it (text) is accepted too.
    publish({"t": pd.DataFrame({"run": [5]})}, tmp_path, "2024-01-01", keep_versions="1")
    assert len(list((tmp_path / "versions").iterdir())) == 1


@pytest.mark.parametrize("keep", [0, -1, "three", "2.5", 1.5, True, None])
def test_a_bad_keep_versions_is_an_error_naming_the_var(tmp_path: Path, keep: object):
    with pytest.raises(ValueError, match="bi_publish_keep_versions"):
        publish({"t": pd.DataFrame({"x": [1]})}, tmp_path, "2024-01-01", keep_versions=keep)  # type: ignore[arg-type]
    assert not (tmp_path / "CURRENT").exists(), "nothing published"


def test_the_first_publish_removes_the_flat_files_of_the_old_layout_and_nothing_else(
    tmp_path: Path,
):
    (tmp_path / "fct_forecasts.parquet").write_bytes(b"old")
    (tmp_path / ".fct_forecasts.abc123.tmp").write_bytes(b"old temporary")
    (tmp_path / "notes.txt").write_text("the user's own file")
    (tmp_path / "other.parquet").write_bytes(b"not a published table")
    publish({"fct_forecasts": pd.DataFrame({"x": [1]})}, tmp_path, "2024-01-01")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "CURRENT",
        "current",
        "notes.txt",
        "other.parquet",
        "versions",
    ]


def test_without_symlinks_the_current_file_alone_points_at_the_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def no_symlinks(*args: object, **kwargs: object) -> None:
        raise OSError("symbolic links are not available (Windows without the privilege)")

    monkeypatch.setattr(os, "symlink", no_symlinks)
    publish({"t": pd.DataFrame({"x": [1]})}, tmp_path, "2024-01-01")
    manifest = publish({"t": pd.DataFrame({"x": [2]})}, tmp_path, "2024-01-02")
    assert not (tmp_path / "current").exists()
    assert read_published(tmp_path, "t")["x"].tolist() == [2]
    assert manifest["parquet_path"].tolist() == [str(current_folder(tmp_path) / "t.parquet")]


def test_a_publish_that_fails_leaves_the_previous_set_and_no_partial_folder(tmp_path: Path):
    publish({"t": pd.DataFrame({"x": [1]})}, tmp_path, "2024-01-01")
    unwritable = pd.DataFrame({"x": [object()]})  # pyarrow cannot convert it
    with pytest.raises(Exception, match="object"):
        publish({"t": pd.DataFrame({"x": [2]}), "u": unwritable}, tmp_path, "2024-01-02")
    assert read_published(tmp_path, "t")["x"].tolist() == [1]
    assert len(list((tmp_path / "versions").iterdir())) == 1


def test_reading_an_unpublished_folder_or_table_names_what_is_missing(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nothing published in"):
        current_folder(tmp_path)
    publish({"t": pd.DataFrame({"x": [1]})}, tmp_path, "2024-01-01")
    with pytest.raises(FileNotFoundError, match="'u' is not published"):
        read_published(tmp_path, "u")


def test_the_same_table_in_another_row_order_publishes_the_same_bytes(tmp_path: Path):
    frame = pd.DataFrame({"store_id": ["S2", "S1", "S1"], "quantity": [1.0, None, 2.0]})
    publish({"t": frame}, tmp_path / "a", "2024-01-01")
    publish({"t": frame.iloc[::-1]}, tmp_path / "b", "2024-01-01")
    first = (current_folder(tmp_path / "a") / "t.parquet").read_bytes()
    second = (current_folder(tmp_path / "b") / "t.parquet").read_bytes()
    assert first == second


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test sets it."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize(
    ("mask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_published_files_and_folders_follow_the_umask(
    tmp_path: Path, umask: None, mask: int, file_mode: int, folder_mode: int
):
    os.umask(mask)
    root = tmp_path / "published"
    publish({"t": pd.DataFrame({"x": [1]})}, root, "2024-01-01")
    version = current_folder(root)
    modes = {
        path.relative_to(root).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in [root, root / "versions", version, *version.iterdir(), root / "CURRENT"]
    }
    expected_files = {f"versions/{version.name}/{name}" for name in ("t.parquet", "manifest.json")}
    for name, mode in modes.items():
        expected = file_mode if name in expected_files | {"CURRENT"} else folder_mode
        assert mode == expected, f"{name}: {oct(mode)}, expected {oct(expected)}"


# ---------------------------------------------------------------- during a real build


@pytest.mark.integration
def test_a_reader_in_a_loop_never_errors_nor_sees_a_mixed_set_during_a_build(
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
    first_version = current_folder(published).name

    # The second build publishes the set again: each read resolves current once and
    # must see one whole version, the one before the build or the one after it.
    build = start_dbt(["build", *FULL_BUILD], database_path=database, dbt_vars=canonical_vars(data))
    reads, errors, versions = 0, [], set()
    reader = duckdb.connect()
    while build.poll() is None:
        view = current_folder(published)
        expected = read_manifest(view)
        counts = {}
        for name in manifest:
            path = view / f"{name}.parquet"
            try:
                count = reader.execute(f"select count(*) from read_parquet('{path}')").fetchone()
            except duckdb.Error as error:  # a partial or deleted file would fail here
                errors.append(f"{name}: {error}")
                continue
            reads += 1
            counts[name] = count[0] if count else -1
        published_counts = {n: t["row_count"] for n, t in expected["tables"].items()}
        if counts != published_counts:
            errors.append(f"{view.name}: read {counts}, manifest {published_counts}")
        versions.add(view.name)
        time.sleep(0.05)
    output = build.wait()
    assert build.returncode == 0, output[-4000:]
    assert reads > 50, f"only {reads} reads during the build"
    assert not errors, errors[:5]
    with duckdb.connect(str(database), read_only=True) as connection:
        after = dict(
            connection.execute("select table_name, row_count from published_tables").fetchall()
        )
        (new_version,) = connection.execute(
            "select distinct version_id from published_tables"
        ).fetchone() or (None,)
    assert read_manifest(published)["version_id"] == new_version
    assert after == {n: t["row_count"] for n, t in read_manifest(published)["tables"].items()}
    assert new_version != first_version, "the build did not publish a new version"
    assert versions <= {first_version, new_version}, sorted(versions)
