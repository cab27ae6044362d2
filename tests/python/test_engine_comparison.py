"""The DuckDB-vs-Spark comparison of `make test-spark-sql` (demandcast.tools.engine_comparison)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demandcast.tools.engine_comparison import MARKER, compare, format_table, main, read_counts


def write_counts(path: Path, counts: dict[str, object]) -> Path:
    """A run-operation output: dbt's log lines around the marker line."""
    path.write_text(
        "09:00:00  Running with dbt=1.11\n" + MARKER + json.dumps(counts) + "\n09:00:01  done\n",
        encoding="utf-8",
    )
    return path


COUNTS = {
    "rows": {"stg_sales": 17426, "int_period_spine": 400},
    "quarantine": {"sales/null_key": 9},
    "accounting": {"sales/raw_rows": 17748},
    "baselines": {"seasonal_naive/sum_predicted": 1234.5},
}


def test_identical_counts_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    duckdb = write_counts(tmp_path / "duckdb.out", COUNTS)
    spark = write_counts(tmp_path / "spark.out", COUNTS)
    assert main(["--duckdb", str(duckdb), "--spark", str(spark)]) == 0
    out = capsys.readouterr().out
    assert "agree on all 5 numbers (2 SQL models)" in out
    assert "MISMATCH" not in out


def test_a_different_count_or_a_missing_model_fails(tmp_path: Path) -> None:
    spark_counts = json.loads(json.dumps(COUNTS))
    spark_counts["rows"]["stg_sales"] = 17425
    del spark_counts["rows"]["int_period_spine"]
    comparisons = compare(COUNTS, spark_counts)
    failed = {(c.section, c.name) for c in comparisons if not c.matches}
    assert failed == {("rows", "stg_sales"), ("rows", "int_period_spine")}
    table = format_table(comparisons)
    assert "missing" in table and "MISMATCH" in table
    duckdb = write_counts(tmp_path / "duckdb.out", COUNTS)
    spark = write_counts(tmp_path / "spark.out", spark_counts)
    assert main(["--duckdb", str(duckdb), "--spark", str(spark)]) == 1


def test_sums_match_within_rounding_only() -> None:
    close = json.loads(json.dumps(COUNTS))
    close["baselines"]["seasonal_naive/sum_predicted"] = 1234.5 * (1 + 1e-12)
    assert all(c.matches for c in compare(COUNTS, close))
    far = json.loads(json.dumps(COUNTS))
    far["baselines"]["seasonal_naive/sum_predicted"] = 1234.6
    assert not all(c.matches for c in compare(COUNTS, far))


def test_output_without_the_marker_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "failed.out"
    path.write_text("Encountered an error\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="engine_counts"):
        read_counts(path)
