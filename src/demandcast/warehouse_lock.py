"""Fail ``dbt build`` early, and say why, when another process holds the warehouse file.

DuckDB lets one process write a database file, and a process that holds it open (even
read-only, like a BI tool or a notebook left connected) blocks every writer. dbt-duckdb
would then stop with DuckDB's bare lock error. This module is a dbt-duckdb plugin
(``plugins:`` in profiles.yml): before dbt opens the warehouse for the first time in a
run it opens the file once itself, and if the file is locked it raises an error that
names the lock holder (program and PID, from DuckDB's message) and points BI tools at
the published Parquet files, which stay readable while dbt builds.

The plugin hook runs inside dbt's own connection step (``update_connection_config`` is
called just before ``duckdb.connect``), so it works for a plain ``dbt build`` with the
project's profiles.yml; an ``on-run-start`` hook would be too late, since dbt connects
before it runs hooks.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from demandcast.publishing import CURRENT_LINK, published_folder

# DuckDB: 'Could not set lock on file "...": Conflicting lock is held in /usr/bin/python3
# (PID 1234) by user ann. However, ...' (the user part is not on every platform).
_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.*?\(PID \d+\)(?: by user [^.\s]+)?)")


class WarehouseLockedError(RuntimeError):
    """The warehouse file is held by another process. A RuntimeError, so dbt-duckdb
    reports it as a connection failure with this message."""


def lock_message(database_path: str | Path, error: str, published: Path) -> str:
    """The user's message for a lock error of DuckDB (``error``)."""
    found = _HOLDER.search(error)
    holder = found.group("holder").strip() if found else f"(DuckDB says: {error.strip()})"
    return (
        f"The warehouse {Path(database_path).absolute()} is locked by another process:"
        f" {holder}. dbt build needs to write it, and DuckDB lets no other process hold"
        " the file open meanwhile, not even read-only. Close that connection (or stop that"
        " process) and run dbt again. Point BI tools and notebooks at the published"
        f" Parquet files instead, which stay readable while dbt builds:"
        f" {published / CURRENT_LINK}/<table>.parquet (see README, BI tools)."
    )


def check_write_lock(
    database_path: str | Path, published: Path, config: dict[str, Any] | None = None
) -> None:
    """Open the warehouse for writing once and close it; raise WarehouseLockedError if
    another process holds it. Nothing to check for an in-memory, remote or not yet
    created database."""
    path = str(database_path)
    if path in ("", ":memory:") or ":" in Path(path).name or not os.path.exists(path):
        return
    try:
        connection = duckdb.connect(path, read_only=False, config=dict(config or {}))
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise WarehouseLockedError(lock_message(path, str(error), published)) from error
    connection.close()


class Plugin(BasePlugin):
    """dbt-duckdb plugin: ``plugins: [{module: demandcast.warehouse_lock, config:
    {bi_publish_path: ...}}]`` in profiles.yml."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.bi_publish_path = str(plugin_config.get("bi_publish_path") or "")
        self.checked = False

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        # Once per run: the first connection is where a held file stops the build.
        if self.checked:
            return
        self.checked = True
        path = str(creds.path)
        check_write_lock(
            path, published_folder(Path(path).absolute().parent, self.bi_publish_path), config
        )
