"""Publish tables for BI tools as one whole set of Parquet files, swapped in at once.

DuckDB lets one process write a database file at a time, so a dashboard reading the
warehouse while ``dbt build`` runs would fail or block the build. The published copy is
a folder of Parquet files instead, laid out so that a reader sees the previous whole set
or the new whole set, never a mix (a set of 12 files replaced one by one would be mixed
if the build were killed midway)::

    <folder>/
        versions/000041-20241130T101500Z/   a complete set: <table>.parquet + manifest.json
        versions/000042-20241207T101500Z/   the newest complete set
        current -> versions/000042-...      symlink, swapped atomically
        CURRENT                             text: versions/000042-..., swapped atomically

A publish writes every table into ``versions/.<id>.partial/``, then ``manifest.json``
(run id, published_at, tables, row counts) last, fsyncs them, renames the folder to
``versions/<id>`` (so a version without a dot is complete), and only then swaps the two
pointers with ``os.replace`` of a temporary symlink / file (atomic on POSIX). After the
swap it deletes what no pointer needs: versions beyond the newest ``keep_versions``,
half-written ``.partial`` folders of a killed run, versions that were never pointed to,
and the flat ``<folder>/<table>.parquet`` files of the earlier one-file-per-table layout
(so a BI tool still pointed at them fails loudly instead of reading stale data).

Readers: ``current_folder`` resolves the pointer once (read every table of one
consistent view from the folder it returns), ``read_published`` reads one table.
Files and folders are created with the user's umask (0644 / 0755 under umask 022).
One publisher per folder at a time: a warehouse's DuckDB write lock gives that for one
``dbt build``; two warehouses must not share a folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

VERSIONS = "versions"
CURRENT_LINK = "current"
CURRENT_FILE = "CURRENT"
MANIFEST = "manifest.json"
# How many complete versions a publish keeps by default (var bi_publish_keep_versions):
# the current one and two before it, for a reader that resolved the pointer just before
# a swap and for looking back.
KEEP_VERSIONS = 3
MANIFEST_COLUMNS = [
    "table_name",
    "parquet_path",
    "row_count",
    "published_at",
    "version_id",
]
_VERSION_NAME = re.compile(r"^\.?(\d{6,})-")


def publish(
    frames: Mapping[str, pd.DataFrame],
    folder: str | Path,
    published_at: object,
    run_id: str | None = None,
    keep_versions: int = KEEP_VERSIONS,
) -> pd.DataFrame:
    """Publish every frame as one new version and point ``current`` at it.

    Returns the manifest: one row per table (name, the path BI tools read through
    ``current``, rows, published_at, version id).
    """
    keep = _keep_versions(keep_versions)
    root = Path(folder)
    versions = root / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    previous = _pointed_names(root)
    version_id, partial = _new_version_folder(versions, published_at)

    tables: dict[str, dict[str, Any]] = {}
    try:
        for name, frame in frames.items():
            _write_parquet(frame, partial / f"{name}.parquet")
            tables[name] = {"file": f"{name}.parquet", "row_count": len(frame)}
        manifest = {
            "version_id": version_id,
            "run_id": run_id,
            "published_at": _iso(published_at),
            "tables": tables,
        }
        _write_bytes(partial / MANIFEST, json.dumps(manifest, indent=2).encode() + b"\n")
        _fsync_folder(partial)
        os.replace(partial, versions / version_id)
    except BaseException:
        # An error (not a kill: that leftover goes at the next publish) removes it now.
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _fsync_folder(versions)

    _swap_pointers(root, f"{VERSIONS}/{version_id}")
    _clean_up(root, version_id, previous, keep, set(frames))

    # The stable path through current/; the version's own where no link is (Windows).
    base = root / CURRENT_LINK if (root / CURRENT_LINK).is_symlink() else versions / version_id
    rows = [
        {
            "table_name": name,
            "parquet_path": str((base / f"{name}.parquet").absolute()),
            "row_count": table["row_count"],
            "published_at": published_at,
            "version_id": version_id,
        }
        for name, table in tables.items()
    ]
    return pd.DataFrame(rows, columns=MANIFEST_COLUMNS)


def current_folder(folder: str | Path) -> Path:
    """The folder of the current published version, resolved once.

    Read every table of a consistent multi-table view from the returned folder (not
    through ``current`` again: a publish may swap it between two reads). Reads the
    ``CURRENT`` file, else follows the ``current`` symlink.
    """
    root = Path(folder)
    name = _current_version_name(root)
    if name is None:
        raise FileNotFoundError(
            f"nothing published in {root}: no {CURRENT_FILE} file nor {CURRENT_LINK} link"
            " (run dbt build to publish; see bi_publish_path)"
        )
    return root / VERSIONS / name


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a version folder (``current_folder``'s result) or of the current
    version of a publish folder."""
    path = Path(folder)
    if not (path / MANIFEST).exists():
        path = current_folder(path)
    result: dict[str, Any] = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    return result


def read_published(folder: str | Path, table: str) -> pd.DataFrame:
    """One published table of the current version, as a pandas frame."""
    version = current_folder(folder)
    path = version / f"{table}.parquet"
    if not path.exists():
        names = sorted(read_manifest(version)["tables"])
        raise FileNotFoundError(f"{table!r} is not published in {version}; published: {names}")
    return pd.read_parquet(path)


def _keep_versions(value: object) -> int:
    """var bi_publish_keep_versions as a whole number >= 1, else an error naming it."""
    text = str(value).strip()
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or not (text.isascii() and text.isdigit())
    ):
        keep = 0
    else:
        keep = int(text)
    if keep < 1:
        raise ValueError(f"bi_publish_keep_versions must be a whole number >= 1, got {value!r}")
    return keep


def _iso(published_at: object) -> str:
    isoformat = getattr(published_at, "isoformat", None)
    return str(isoformat() if callable(isoformat) else published_at)


def _sequence(name: str) -> int | None:
    found = _VERSION_NAME.match(name)
    return int(found.group(1)) if found else None


def _new_version_folder(versions: Path, published_at: object) -> tuple[str, Path]:
    """A fresh ``.<id>.partial`` folder; ids number the publishes in order."""
    if isinstance(published_at, str | dt.date):
        stamp = pd.Timestamp(published_at)
    else:
        stamp = pd.Timestamp.now(tz="UTC")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    taken = [s for s in (_sequence(p.name) for p in versions.iterdir()) if s is not None]
    sequence = max(taken, default=0) + 1
    while True:
        version_id = f"{sequence:06d}-{stamp:%Y%m%dT%H%M%S}Z"
        partial = versions / f".{version_id}.partial"
        try:
            partial.mkdir()
        except FileExistsError:
            sequence += 1
            continue
        return version_id, partial


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Rows sorted by every column, so the same table gives the same file whatever order
    the warehouse returned it in (an identical rerun publishes identical files)."""
    if len(frame.columns) and len(frame):
        frame = frame.sort_values(list(frame.columns), kind="stable", na_position="last")
        frame = frame.reset_index(drop=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # open() creates the file 0666 minus the umask (mkstemp would make it 0600, which a
    # BI service running as another user cannot read).
    with open(path, "xb") as handle:
        pq.write_table(table, handle)
        handle.flush()
        os.fsync(handle.fileno())


def _write_bytes(path: Path, content: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make a folder's entries (new files, renames) durable; a no-op where folders
    cannot be opened (Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _swap_pointers(root: Path, target: str) -> None:
    """Point ``current`` and ``CURRENT`` at ``target`` (relative to root), each with one
    atomic os.replace; both always name a complete version."""
    temporary = root / f".{CURRENT_LINK}.{uuid.uuid4().hex}.tmp"
    try:
        # Windows: symlinks need a privilege, and os.replace cannot be relied on to move
        # one over another; CURRENT alone points at the set there (see README).
        if os.name == "nt":
            raise NotImplementedError("no current link on Windows")
        os.symlink(target, temporary, target_is_directory=True)
    except (OSError, NotImplementedError):
        pass
    else:
        try:
            os.replace(temporary, root / CURRENT_LINK)
        except OSError:
            temporary.unlink(missing_ok=True)
            raise
    pointer = root / f".{CURRENT_FILE}.{uuid.uuid4().hex}.tmp"
    try:
        _write_bytes(pointer, f"{target}\n".encode())
        os.replace(pointer, root / CURRENT_FILE)
    except BaseException:
        pointer.unlink(missing_ok=True)
        raise
    _fsync_folder(root)


def _pointed_names(root: Path) -> set[str]:
    """Version folders either pointer names (they differ only between the two swaps)."""
    names = set()
    for read in (
        lambda: (root / CURRENT_FILE).read_text(encoding="utf-8").strip(),
        lambda: os.readlink(root / CURRENT_LINK),
    ):
        with contextlib.suppress(OSError):
            names.add(Path(read()).name)
    return {name for name in names if name}


def _current_version_name(root: Path) -> str | None:
    """Name of the version folder the pointers name (CURRENT first, then the link)."""
    try:
        target = (root / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        try:
            target = os.readlink(root / CURRENT_LINK)
        except OSError:
            return None
    return Path(target).name or None


def _clean_up(root: Path, current: str, previous: set[str], keep: int, names: set[str]) -> None:
    """After the swap: delete what no pointer needs. A failure (a file held open on
    Windows) leaves it for the next publish."""
    versions = root / VERSIONS
    pointed = [s for s in (_sequence(name) for name in previous) if s is not None]
    previous_sequence = max(pointed, default=None)
    complete = []
    for path in versions.iterdir():
        sequence = _sequence(path.name)
        if path.name == current:
            continue
        if path.name.startswith(".") or sequence is None or not path.is_dir():
            # A half-written version of a killed run, or a deletion cut short.
            _remove(path)
        elif previous_sequence is None or sequence > previous_sequence:
            # Complete but never pointed to (killed between the rename and the swap).
            _remove(path)
        else:
            complete.append((sequence, path))
    complete.sort(reverse=True)
    for _, path in complete[keep - 1 :]:
        _remove(path)
    # The earlier layout: one flat file per table, and its temporary files.
    for path in root.iterdir():
        flat = path.suffix == ".parquet" and path.stem in names and not path.is_symlink()
        temporary = path.name.startswith(".") and path.name.endswith(".tmp")
        if (flat and path.is_file()) or (temporary and (path.is_symlink() or path.is_file())):
            _remove(path)


def _remove(path: Path) -> None:
    """Delete a file, or a folder by renaming it to a dot name first (so a half-deleted
    folder never looks like a complete version)."""
    try:
        if path.is_dir() and not path.is_symlink():
            doomed = path
            if not path.name.startswith("."):
                doomed = path.with_name(f".{path.name}.deleting")
                os.replace(path, doomed)
            shutil.rmtree(doomed)
        else:
            path.unlink()
    except OSError:
        pass


def published_folder(database_folder: str | Path, bi_publish_path: str = "") -> Path:
    """Where the BI copies go: var bi_publish_path, else ``published/`` beside the
    warehouse file (in ``database_folder``). The one rule for the model that publishes
    and for the lock message that points BI tools here."""
    if bi_publish_path:
        return Path(bi_publish_path)
    return Path(database_folder) / "published"
