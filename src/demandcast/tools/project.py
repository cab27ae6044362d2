"""Run the dbt project from Python: for tests, benchmarks and the CLI.

By default dbt runs in a subprocess, so that each run gets a fresh process, environment
and memory accounting, exactly as a user's ``dbt build`` would (the benchmarks measure
that process). With ``in_process=True``, or environment variable
``DEMANDCAST_DBT_IN_PROCESS=1`` (the test suite sets it), dbt runs in this process through
its programmatic API (``dbtRunner``): the same arguments, vars and environment, without
the few seconds of importing dbt again for every run, and with what dbt's parse computes
from text alone kept between runs (``parse_cache``: a staging build 17.3 s -> 12.2 s).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

PROJECT_DIR = Path(__file__).resolve().parents[3]
# Set to 1 to run dbt in this process by default (see the module docstring).
IN_PROCESS_ENV = "DEMANDCAST_DBT_IN_PROCESS"
# One in-process dbt run at a time: a run changes this process's environment, working
# folder and standard output while it lasts.
_IN_PROCESS_LOCK = threading.Lock()


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


@dataclass
class BackgroundDbt:
    """A dbt command running in another process (:func:`start_dbt`). Its output goes to a
    file, not a pipe: a pipe nobody reads while the build runs fills at 64 KB, and the
    build then waits on its own log line for ever."""

    process: subprocess.Popen[bytes]
    log: IO[str]

    def poll(self) -> int | None:
        """The exit code once the command has ended, else None."""
        return self.process.poll()

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def wait(self, timeout: float | None = None) -> str:
        """Wait for the command to end (at most ``timeout`` seconds) and return its
        output (stdout and stderr)."""
        self.process.wait(timeout)
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        return output


def start_dbt(command: list[str], **options: Any) -> BackgroundDbt:
    """Start one dbt command in the background (same options as run_dbt); its output is
    kept in a temporary file (:meth:`BackgroundDbt.wait` returns it)."""
    args, env, _ = dbt_invocation(command, **options)
    return start_background(args, cwd=options.get("project_dir", PROJECT_DIR), env=env)


def start_background(
    args: list[str], *, cwd: str | Path | None = None, env: dict[str, str] | None = None
) -> BackgroundDbt:
    """Start a command in the background, its output (stdout and stderr) to a temporary
    file."""
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed by wait)
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    return BackgroundDbt(process, log)


def run_dbt(
    command: list[str],
    *,
    database_path: str | Path,
    dbt_vars: dict[str, Any] | None = None,
    target_path: str | Path | None = None,
    project_dir: str | Path = PROJECT_DIR,
    extra_env: dict[str, str] | None = None,
    in_process: bool | None = None,
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
        in_process: Run dbt in this process (see the module docstring); ``None`` reads
            environment variable ``DEMANDCAST_DBT_IN_PROCESS``. Measure memory or time of
            a build in a subprocess (``False``).

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
    if in_process is None:
        in_process = os.environ.get(IN_PROCESS_ENV) == "1"
    if in_process:
        return _run_in_process(args[1:], env, Path(project_dir), target)
    completed = subprocess.run(
        args,
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, target)


def _run_in_process(
    arguments: list[str], env: dict[str, str], project_dir: Path, target: Path
) -> DbtResult:
    """One dbt command through ``dbtRunner`` in this process, with ``env`` as the
    environment and ``project_dir`` as the working folder while it runs; exit codes as
    the dbt command line's (0 success, 1 failed nodes, 2 an error that stopped dbt)."""
    from dbt.cli.main import dbtRunner

    from demandcast.tools import parse_cache

    parse_cache.install()
    output = io.StringIO()
    with (
        _IN_PROCESS_LOCK,
        _process_state(env, project_dir),
        contextlib.redirect_stdout(output),
        contextlib.redirect_stderr(output),
    ):
        try:
            result = dbtRunner().invoke(arguments)
        finally:
            _close_duckdb()
    text = output.getvalue()
    if result.exception is not None:
        text += f"\n{type(result.exception).__name__}: {result.exception}\n"
        return DbtResult(2, text, target)
    return DbtResult(0 if result.success else 1, text, target)


@contextlib.contextmanager
def _process_state(env: dict[str, str], folder: Path) -> Iterator[None]:
    """This process's environment set to ``env`` and working folder to ``folder``,
    both restored afterwards."""
    saved_env, saved_folder = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(saved_folder)
        os.environ.clear()
        os.environ.update(saved_env)


def _close_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the process after a run (the
    command line's process exits instead), so the file can be read or built again."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if environment is not None:
        environment.close()
