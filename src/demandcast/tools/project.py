"""Run the dbt project from Python: for tests, benchmarks and the CLI.

dbt runs in a subprocess so that each run gets fresh vars, environment and memory
accounting, exactly as a user's ``dbt build`` would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class DbtResult:
    """Outcome of one dbt invocation."""

    returncode: int
    output: str
    target_path: Path

    @property
    def ok(self) -> bool:
        """True when dbt exited 0."""
        return self.returncode == 0

    def run_results(self) -> dict[str, Any]:
        """The run_results.json dbt wrote for this invocation."""
        with open(self.target_path / "run_results.json", encoding="utf-8") as handle:
            result: dict[str, Any] = json.load(handle)
        return result


def dbt_executable() -> str:
    """The dbt command of the interpreter running this code (the project's venv)."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_invocation(
    command: list[str],
    *,
    database_path: str | Path,
    dbt_vars: dict[str, Any] | None = None,
    target_path: str | Path | None = None,
    project_dir: str | Path = PROJECT_DIR,
    extra_env: dict[str, str] | None = None,
) -> tuple[list[str], dict[str, str], Path]:
    """Arguments, environment and target folder of one dbt command (see run_dbt)."""
    database_path = Path(database_path).resolve()
    database_path.parent.mkdir(parents=True, exist_ok=True)
    target = Path(target_path) if target_path else database_path.parent / "target"
    args = [
        dbt_executable(),
        *command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target.resolve()),
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    env = {**os.environ, "DEMANDCAST_DUCKDB_PATH": str(database_path), **(extra_env or {})}
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return args, env, target.resolve()


def start_dbt(command: list[str], **options: Any) -> subprocess.Popen[str]:
    """Start one dbt command in the background (same options as run_dbt); output is
    captured."""
    args, env, _ = dbt_invocation(command, **options)
    return subprocess.Popen(
        args,
        cwd=options.get("project_dir", PROJECT_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_dbt(
    command: list[str],
    *,
    database_path: str | Path,
    dbt_vars: dict[str, Any] | None = None,
    target_path: str | Path | None = None,
    project_dir: str | Path = PROJECT_DIR,
    extra_env: dict[str, str] | None = None,
) -> DbtResult:
    """Run one dbt command against a DuckDB file.

    Args:
        command: dbt arguments, e.g. ``["build", "--select", "staging"]``.
        database_path: DuckDB file to build (``DEMANDCAST_DUCKDB_PATH``).
        dbt_vars: Vars passed as ``--vars`` (JSON is valid YAML).
        target_path: dbt target folder; defaults to ``target`` beside the database file so
            that concurrent runs do not share one.
        project_dir: The dbt project; paths in vars are resolved from it.
        extra_env: More environment variables for the run.

    Returns:
        The exit code, the combined output and the target folder.
    """
    args, env, target = dbt_invocation(
        command,
        database_path=database_path,
        dbt_vars=dbt_vars,
        target_path=target_path,
        project_dir=project_dir,
        extra_env=extra_env,
    )
    completed = subprocess.run(
        args,
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, target)
