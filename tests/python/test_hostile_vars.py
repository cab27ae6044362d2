"""Vars cannot run SQL: hostile var values end in a clean error naming the var, or, when
the value is legitimate text (a real header holding a double quote, a null marker holding
a single quote), in a build that reads the data. Either way no injected statement runs.

Each test builds the staging layer once cleanly (the tests whose clean build is the same
sales file share one, each on its own copy), adds a sentinel table dbt never builds (a
payload's "drop table" target), reruns with the payload into the same DuckDB file and
compares every table and its row count before and after.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import NO_OPTIONAL_INPUTS, STAGING_SELECTION, BuildFn, Warehouse, write_text

from demandcast.tools.project import run_dbt

pytestmark = pytest.mark.integration

SALES = """sales_date,store_id,item_id,quantity
2024-01-01,S1,I1,3
2024-01-02,S1,I1,0
2024-01-03,S1,I1,5
"""
SENTINEL = "main.hostile_sentinel"
DROP_SENTINEL = f"drop table {SENTINEL}"
INJECTED = "hostile_injected"
CREATE_INJECTED = f"create table main.{INJECTED} as select 1 as x"


def tables(path: Path) -> dict[tuple[str, str], int]:
    """Every base table of the DuckDB file (schema, name) with its row count."""
    with duckdb.connect(str(path), read_only=True) as connection:
        names = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_type = 'BASE TABLE' order by all"
        ).fetchall()
        return {
            (schema, name): connection.execute(
                f'select count(*) from "{schema}"."{name}"'
            ).fetchone()[0]  # type: ignore[index]
            for schema, name in names
        }


def views(path: Path) -> set[tuple[str, str]]:
    """Every view of the DuckDB file (schema, name)."""
    with duckdb.connect(str(path), read_only=True) as connection:
        return set(
            connection.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_type = 'VIEW'"
            ).fetchall()
        )


@dataclass(frozen=True)
class CleanBuild:
    """The staging layer built once on SALES (module scope): the clean build of every test
    whose clean vars are just that sales file; each test works on its own copy."""

    sales: Path
    database: Path


@pytest.fixture(scope="module")
def clean_sales(tmp_path_factory: pytest.TempPathFactory) -> CleanBuild:
    folder = tmp_path_factory.mktemp("clean_sales")
    sales = write_text(folder / "sales.csv", SALES)
    database = folder / "warehouse.duckdb"
    result = run_dbt(
        ["build", *STAGING_SELECTION],
        database_path=database,
        dbt_vars={**NO_OPTIONAL_INPUTS, "sales_path": str(sales)},
    )
    assert result.ok, result.output[-4000:]
    return CleanBuild(sales, database)


def clean_then_hostile(
    build: BuildFn,
    clean_vars: dict[str, Any],
    hostile_vars: dict[str, Any],
    *,
    expect_success: bool,
    clean: CleanBuild | None = None,
    tmp_path: Path | None = None,
) -> tuple[Warehouse, dict[tuple[str, str], int]]:
    """Build cleanly (or copy ``clean``, built on clean_vars, into ``tmp_path``, where the
    build fixture writes), plant the sentinel, rebuild with the hostile vars; assert that
    every table of the clean build (and the sentinel) is still there with its row count
    and that no injected table exists. Returns the second build and the tables before it."""
    if clean is None:
        path = build(clean_vars).path
    else:
        assert tmp_path is not None and clean_vars == {"sales_path": str(clean.sales)}
        path = tmp_path / "warehouse.duckdb"
        shutil.copyfile(clean.database, path)
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create table {SENTINEL} as select * from range(7)")
    before = tables(path)
    views_before = views(path)
    assert (("main", "hostile_sentinel")) in before

    hostile = build({**clean_vars, **hostile_vars}, expect_success=expect_success)
    assert hostile.path == path
    after = tables(hostile.path)
    assert not any(INJECTED in name for _, name in after), "an injected statement ran"
    assert not any(INJECTED in name for _, name in views(hostile.path))
    if not expect_success:
        assert not hostile.result.ok, "the hostile value was accepted"
        # Nothing ran: every table is there with the rows of the clean build.
        assert after == before
    else:
        # A successful rebuild may rebuild dbt's tables; none goes missing, none is added.
        assert set(after) == set(before)
        assert after[("main", "hostile_sentinel")] == 7
        assert views(hostile.path) == views_before
    return hostile, before


def assert_names_var(warehouse: Warehouse, name: str) -> None:
    output = warehouse.result.output
    assert f"var {name}" in output, output[-3000:]
    assert "Parser Error" not in output and "syntax error" not in output, output[-3000:]


@pytest.mark.parametrize(
    "schema",
    [
        f'raw"; {DROP_SENTINEL}; drop table main.base_sales__parsed; --',
        f"raw'; {CREATE_INJECTED}; --",
        "raw schema",
    ],
    ids=["double-quote", "single-quote", "space"],
)
def test_raw_schema_with_a_quote_is_rejected_by_name(
    tmp_path: Path, build: BuildFn, clean_sales: CleanBuild, schema: str
):
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(clean_sales.sales)},
        {"raw_schema": schema},
        expect_success=False,
        clean=clean_sales,
        tmp_path=tmp_path,
    )
    assert_names_var(hostile, "raw_schema")


PRICE_PAYLOAD = f'p" where 1=0; {CREATE_INJECTED}; {DROP_SENTINEL}; --'


def test_a_price_column_mapping_cannot_close_the_statement(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", SALES)
    prices = write_text(
        tmp_path / "prices.csv", "effective_date,store_id,item_id,price\n2024-01-01,S1,I1,2.5\n"
    )
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(sales), "prices_path": str(prices)},
        {"prices_columns": {"price": PRICE_PAYLOAD}},
        expect_success=False,
    )
    # The mapped name is a column name like any other: not in the file.
    assert "prices_columns.price" in hostile.result.output
    assert "Parser Error" not in hostile.result.output


def test_a_price_column_mapping_of_an_absent_input_is_just_a_name(
    tmp_path: Path, build: BuildFn, clean_sales: CleanBuild
):
    # prices not provided: its empty raw view still names the mapped column.
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(clean_sales.sales)},
        {"prices_columns": {"price": PRICE_PAYLOAD}},
        expect_success=True,
        clean=clean_sales,
        tmp_path=tmp_path,
    )
    assert hostile.scalar("select count(*) from stg_prices") == 0
    columns = hostile.rows(
        "select column_name from information_schema.columns"
        " where table_schema = 'raw' and table_name = 'prices'"
    )
    assert (PRICE_PAYLOAD,) in columns


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_abs_quantity", f"1 then null end from x; {CREATE_INJECTED}; --"),
        ("max_abs_quantity", "1e400"),
        ("forecast_horizon_periods", f"1; {DROP_SENTINEL}; --"),
        ("forecast_horizon_periods", 0),
        ("backtest_origins", 2.5),
        ("training_series_share", 1.5),
        ("alert_min_rows", f"100; {CREATE_INJECTED}"),
        ("feature_lags", [1, f"2; {DROP_SENTINEL}"]),
        ("force_retrain", f"true; {DROP_SENTINEL}"),
        ("min_valid_date", f"1990-01-01'; {DROP_SENTINEL}; --"),
    ],
    ids=[
        "max_abs_quantity-statement",
        "max_abs_quantity-overflow",
        "horizon-statement",
        "horizon-zero",
        "backtest_origins-float",
        "share-above-one",
        "alert_min_rows-statement",
        "feature_lags-element",
        "force_retrain-statement",
        "min_valid_date-quote",
    ],
)
def test_a_numeric_var_must_be_a_number(
    tmp_path: Path, build: BuildFn, clean_sales: CleanBuild, name: str, value: Any
):
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(clean_sales.sales)},
        {name: value},
        expect_success=False,
        clean=clean_sales,
        tmp_path=tmp_path,
    )
    assert_names_var(hostile, name)
    assert str(value) in hostile.result.output


def test_a_sales_header_with_a_double_quote_is_read(tmp_path: Path, build: BuildFn):
    clean_sales = write_text(tmp_path / "clean" / "sales.csv", SALES)
    # The CSV writes the header qty"x quoted, its quote doubled.
    quoted = write_text(tmp_path / "quoted" / "sales.csv", SALES.replace("quantity", '"qty""x"', 1))
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(clean_sales)},
        {"sales_path": str(quoted), "sales_columns": {"quantity": 'qty"x'}},
        expect_success=True,
    )
    assert hostile.rows("select sales_date::varchar, quantity from stg_sales order by 1") == [
        ("2024-01-01", 3.0),
        ("2024-01-02", 0.0),
        ("2024-01-03", 5.0),
    ]


def test_a_store_header_that_is_sql_is_just_a_column(tmp_path: Path, build: BuildFn):
    # A non-sales input whose (real) header is an injection payload: it is read as data.
    header = f'name"; {DROP_SENTINEL}; --'
    sales = write_text(tmp_path / "sales.csv", SALES)
    stores = write_text(
        tmp_path / "stores.csv",
        'store_id,"' + header.replace('"', '""') + '",region\nS1,Main Street,North\n',
    )
    clean_stores = write_text(tmp_path / "clean_stores.csv", "store_id,region\nS1,North\n")
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(sales), "stores_path": str(clean_stores)},
        {"stores_path": str(stores), "stores_columns": {"store_name": header}},
        expect_success=True,
    )
    assert hostile.rows("select store_id, store_name, region from stg_stores") == [
        ("S1", "Main Street", "North")
    ]


def test_a_wide_exogenous_header_with_quotes_is_a_series(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", SALES)
    exogenous = write_text(
        tmp_path / "exogenous.csv",
        'observation_date,"st""ore","temp""; drop table x; --"\n2024-01-01,S1,12.5\n',
    )
    clean_exogenous = write_text(
        tmp_path / "clean_exogenous.csv", "observation_date,store_id,temp\n2024-01-01,S1,10\n"
    )
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(sales), "exogenous_path": str(clean_exogenous)},
        {"exogenous_path": str(exogenous), "exogenous_columns": {"store_id": 'st"ore'}},
        expect_success=True,
    )
    assert hostile.rows(
        "select store_id, variable_name, observed_value from stg_store_exogenous"
    ) == [("S1", 'temp"; drop table x; --', 12.5)]


def test_string_vars_with_single_quotes_stay_text(tmp_path: Path, build: BuildFn):
    # A null marker, a date format of a list and the store-only item id, each holding a
    # quote and a statement: literals, never SQL.
    sales = write_text(
        tmp_path / "sales.csv",
        "sales_date,store_id,quantity\n2024-01-01,S1,3\n2024-01-02,S1,x');\n2024-01-03,S1,5\n",
    )
    marker = f"x'); {DROP_SENTINEL}; --"
    hostile, _ = clean_then_hostile(
        build,
        {"sales_path": str(sales), "sales_columns": {"item_id": None}},
        {
            "null_markers": ["", "NA", "x');", marker],
            "date_format": ["%Y-%m-%d", f"%Y'); {DROP_SENTINEL}; --"],
            "store_only_item_id": f"all'); {CREATE_INJECTED}; --",
        },
        expect_success=True,
    )
    assert hostile.rows(
        "select item_id, sales_date::varchar, quantity from stg_sales order by sales_date"
    ) == [
        (f"all'); {CREATE_INJECTED}; --", "2024-01-01", 3.0),
        (f"all'); {CREATE_INJECTED}; --", "2024-01-03", 5.0),
    ]
    assert hostile.reasons() == {"missing_quantity": 1}
