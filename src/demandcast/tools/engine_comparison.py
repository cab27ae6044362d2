"""Compare the DuckDB and the Spark build of one fixture (issue 17, phase 1).

``make test-spark-sql`` builds the SQL part of the project (selector ``spark_phase1``) on
both engines and runs ``dbt run-operation engine_counts`` on each
(``macros/engine_comparison.sql``); this module reads the two outputs and compares every
number: row counts of every SQL model, the quarantine by input and reason, the row
accounting, and the baselines' forecast counts and sums. Counts must be equal; sums may
differ by the floating-point error of a different summation order (``RELATIVE_TOLERANCE``).

    python -m demandcast.tools.engine_comparison --duckdb duckdb.out --spark spark.out

prints one table and exits 1 on any difference, or when a number is missing on one side.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER = "DEMANDCAST_ENGINE_COUNTS "
SECTIONS = ("rows", "quarantine", "accounting", "baselines")
# Sums of doubles added in another order (Spark's partial aggregates): equal to about 1e-12.
RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Comparison:
    """One compared number: where it comes from and its value on each engine."""

    section: str
    name: str
    duckdb: float | int | None
    spark: float | int | None

    @property
    def matches(self) -> bool:
        """Equal counts, or sums within the relative tolerance; missing never matches."""
        if self.duckdb is None or self.spark is None:
            return False
        if isinstance(self.duckdb, int) and isinstance(self.spark, int):
            return self.duckdb == self.spark
        return math.isclose(self.duckdb, self.spark, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)


def read_counts(path: Path) -> dict[str, Any]:
    """The JSON that engine_counts printed, from a file holding the run-operation output."""
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        at = line.find(MARKER)
        if at >= 0:
            counts: dict[str, Any] = json.loads(line[at + len(MARKER) :])
            return counts
    raise SystemExit(f"{path}: no '{MARKER.strip()}' line (did run-operation engine_counts fail?)")


def compare(duckdb_counts: dict[str, Any], spark_counts: dict[str, Any]) -> list[Comparison]:
    """Every number of either side, paired with the other side's (None when it has none)."""
    comparisons = []
    for section in SECTIONS:
        left = duckdb_counts.get(section, {})
        right = spark_counts.get(section, {})
        for name in sorted(set(left) | set(right)):
            comparisons.append(Comparison(section, name, left.get(name), right.get(name)))
    return comparisons


def _shown(value: float | int | None) -> str:
    if value is None:
        return "missing"
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def format_table(comparisons: list[Comparison]) -> str:
    """The comparison as an aligned text table, one line per number."""
    header = ("section", "name", "duckdb", "spark", "")
    lines = [
        (c.section, c.name, _shown(c.duckdb), _shown(c.spark), "ok" if c.matches else "MISMATCH")
        for c in comparisons
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]

    def row(values: tuple[str, ...]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([row(header), rule, *(row(line) for line in lines)]).rstrip()


def main(argv: list[str] | None = None) -> int:
    """Print the table; 0 when every number matches, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", type=Path, required=True, help="run-operation output, DuckDB")
    parser.add_argument("--spark", type=Path, required=True, help="run-operation output, Spark")
    args = parser.parse_args(argv)
    comparisons = compare(read_counts(args.duckdb), read_counts(args.spark))
    print(format_table(comparisons))
    mismatches = [c for c in comparisons if not c.matches]
    models = sum(1 for c in comparisons if c.section == "rows")
    if not comparisons or mismatches:
        print(f"\n{len(mismatches)} of {len(comparisons)} numbers differ between DuckDB and Spark")
        return 1
    print(f"\nDuckDB and Spark agree on all {len(comparisons)} numbers ({models} SQL models).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
