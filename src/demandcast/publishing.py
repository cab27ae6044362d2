"""Publish tables for BI tools: Parquet files that are swapped in whole, never half-written.

DuckDB lets one process write a database file at a time, so a dashboard reading the
warehouse while ``dbt build`` runs would fail or wait. The published copy is a folder of
Parquet files, one per table: each is written to a temporary file in the same folder and
moved over the old one with ``os.replace``, which is atomic on POSIX and Windows. A reader
sees the previous complete file or the new complete file, never a partial one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def publish_frame(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    """Write one table as ``folder/name.parquet`` atomically; returns the path.

    Rows are written sorted by every column, so the same table gives the same file
    whatever order the warehouse returned it in (a rerun publishes identical files).
    """
    if len(frame.columns) and len(frame):
        frame = frame.sort_values(list(frame.columns), kind="stable", na_position="last")
        frame = frame.reset_index(drop=True)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.parquet"
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def publish(
    frames: Mapping[str, pd.DataFrame], folder: str | Path, published_at: object
) -> pd.DataFrame:
    """Publish every frame; returns the manifest (one row per table: name, path, rows)."""
    root = Path(folder)
    rows = []
    for name, frame in frames.items():
        path = publish_frame(frame, root, name)
        rows.append(
            {
                "table_name": name,
                "parquet_path": str(path.resolve()),
                "row_count": len(frame),
                "published_at": published_at,
            }
        )
    return pd.DataFrame(rows, columns=["table_name", "parquet_path", "row_count", "published_at"])
