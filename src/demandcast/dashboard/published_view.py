"""The published set as a dashboard page reads it: one version folder, resolved once.

A page opens a :class:`PublishedView` at the start of each run and reads every table from
its version folder, so all it shows comes from one publish even when a build swaps a new
set in meanwhile (the swap moves the pointers; the resolved folder stays until
``bi_publish_keep_versions`` newer sets exist). Version folders never change once
written, so a read is cached by its path. No Streamlit here: these functions are what the
tests call.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from demandcast.publishing import current_folder, read_manifest

# Parquet reads kept in memory, keyed by file and filter: a few pages' worth of tables.
_CACHED_READS = 64
_RESOLVE_ATTEMPTS = 3


class NothingPublished(FileNotFoundError):
    """No complete set in the folder: no ``CURRENT`` file nor ``current`` link."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"nothing published in {folder}")
        self.folder = folder


class SetReplaced(RuntimeError):
    """The resolved version folder was deleted while the page read it (more than
    ``bi_publish_keep_versions`` publishes since it was resolved): read it again."""


@dataclass(frozen=True)
class PublishedView:
    """One complete published version: its folder and manifest."""

    folder: Path
    version: Path
    manifest: Mapping[str, Any] = field(repr=False)

    @property
    def version_id(self) -> str:
        return str(self.manifest.get("version_id") or self.version.name)

    @property
    def run_id(self) -> str | None:
        run_id = self.manifest.get("run_id")
        return str(run_id) if run_id else None

    @property
    def published_at(self) -> str:
        return str(self.manifest.get("published_at") or "")

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.manifest.get("tables") or ())

    def missing(self, tables: Iterable[str]) -> list[str]:
        """The tables of ``tables`` this set does not have (a set published by an
        earlier version of the project)."""
        return [name for name in tables if name not in self.tables]

    def read(
        self,
        table: str,
        filters: Mapping[str, object] | None = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The table's rows whose columns equal ``filters`` (a column = value mapping),
        read from this version's Parquet file; dates become pandas datetimes."""
        path = self.version / f"{table}.parquet"
        key = tuple(sorted((filters or {}).items()))
        try:
            frame = _read_parquet(str(path), key, tuple(columns) if columns else None)
        except (FileNotFoundError, OSError) as error:
            if not self.version.is_dir():
                raise SetReplaced(f"{self.version} was deleted while it was read") from error
            raise
        return frame.copy()


def open_view(folder: str | Path) -> PublishedView:
    """The current version of a publish folder, resolved once.

    Raises:
        NothingPublished: the folder has no complete set.
    """
    root = Path(folder)
    for _ in range(_RESOLVE_ATTEMPTS):
        try:
            version = current_folder(root)
        except FileNotFoundError as error:
            raise NothingPublished(root) from error
        try:
            return PublishedView(root, version, read_manifest(version))
        except FileNotFoundError:
            # Resolved just before the set was swapped and deleted: resolve again.
            continue
    raise SetReplaced(f"{root}: the current set changed {_RESOLVE_ATTEMPTS} times while resolving")


@functools.lru_cache(maxsize=_CACHED_READS)
def _read_parquet(
    path: str, filters: tuple[tuple[str, object], ...], columns: tuple[str, ...] | None
) -> pd.DataFrame:
    conditions = [(column, "=", value) for column, value in filters]
    table = pq.read_table(
        path, columns=list(columns) if columns else None, filters=conditions or None
    )
    return table.to_pandas(date_as_object=False)
