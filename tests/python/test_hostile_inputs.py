"""Hostile input files: a bad cell costs its row, never the load, and every raw row is
accounted for against an independent count of the file (Python's csv module).

Each test writes its own small files and builds the staging layer with dbt. Runs a user
must fix (a repeated column, the wrong delimiter) stop with a message naming the file,
the column and the var to set.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from conftest import BuildFn, write_text

pytestmark = pytest.mark.integration

HEADER = "sales_date,store_id,item_id,quantity\n"


def csv_records(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    """The data records of a CSV file as Python's csv module reads them (the header left
    out); bytes that do not decode are replaced, so an undecodable row still counts."""
    text = path.read_bytes().decode(encoding, errors="replace")
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def assert_accounted(warehouse, raw_files: list[Path], input_name: str = "sales") -> None:
    """raw_rows is the csv module's count, and every row is clean, quarantined or later."""
    expected = sum(len(csv_records(path)) for path in raw_files)
    accounting = warehouse.accounting(input_name)
    assert accounting["raw_rows"] == expected
    assert (
        accounting["clean_rows"] + accounting["quarantined_rows"] + accounting["beyond_as_of_rows"]
        == expected
    )


def quarantined(warehouse, input_name: str = "sales") -> list[tuple[int, str]]:
    return warehouse.rows(
        "select source_row_number, reason_code from stg_quarantined_rows "
        f"where input_name = '{input_name}' order by source_file, source_row_number"
    )


def test_rows_the_csv_reader_cannot_read_cost_one_row_each(tmp_path: Path, build: BuildFn):
    # Two files of one glob, each with rows the reader rejects: row numbers stay the
    # row's position in its own file, and the rows after a rejected one are read.
    first = tmp_path / "sales" / "a.csv"
    first.parent.mkdir(parents=True)
    first.write_bytes(
        (
            HEADER
            + '2024-01-01,S1,"I1\nsecond line",3\n'  # quoted newline: one record
            + "2024-01-02,S1,I1\n"  # a field short
            + "2024-01-03,S1,I1,4,99\n"  # a field too many: shifted, not trusted
        ).encode()
        + "2024-01-04,Se\u00f1or Caf\u00e9,I1,5\n".encode("latin-1")  # not UTF-8
        + b"2024-01-05,S1,I1,6\n"
    )
    second = write_text(
        tmp_path / "sales" / "b.csv",
        HEADER + "2024-01-06,S1,I1,7\n2024-01-07,S2,I1,8\n2024-01-08,S1,I1\n2024-01-09,S1,I1,9\n",
    )
    warehouse = build({"sales_path": str(tmp_path / "sales" / "*.csv")})

    assert_accounted(warehouse, [first, second])
    assert quarantined(warehouse) == [
        (2, "too_few_fields"),
        (3, "extra_fields"),
        (4, "undecodable_row"),
        (3, "too_few_fields"),
    ]
    # Clean rows keep their position in their file, counting the rejected rows before them.
    assert warehouse.rows(
        "select split_part(source_file, '/', -1), source_row_number, sales_date::varchar, "
        "item_id from stg_sales order by 1, 2"
    ) == [
        ("a.csv", 1, "2024-01-01", "I1\nsecond line"),
        ("a.csv", 5, "2024-01-05", "I1"),
        ("b.csv", 1, "2024-01-06", "I1"),
        ("b.csv", 2, "2024-01-07", "I1"),
        ("b.csv", 4, "2024-01-09", "I1"),
    ]
    detail, raw_values = warehouse.rows(
        "select reason_detail, raw_values from stg_quarantined_rows "
        "where reason_code = 'undecodable_row'"
    )[0]
    assert "csv_encodings: {sales:" in detail
    assert "2024-01-04" in raw_values


def test_an_encoding_var_reads_a_latin1_file(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", HEADER + "2024-01-01,S1,I1,3\n")
    stores = write_text(
        tmp_path / "stores.csv",
        "store_id,store_name\nS1,Se\u00f1or Caf\u00e9\n",
        encoding="latin-1",
    )
    warehouse = build(
        {
            "sales_path": str(sales),
            "stores_path": str(stores),
            "csv_encodings": {"stores": "latin-1"},
        }
    )
    assert warehouse.rows("select store_name from stg_stores") == [("Se\u00f1or Caf\u00e9",)]
    assert warehouse.reasons("stores") == {}
    assert_accounted(warehouse, [sales])


def test_without_the_encoding_var_the_latin1_row_is_quarantined_not_fatal(
    tmp_path: Path, build: BuildFn
):
    sales = write_text(tmp_path / "sales.csv", HEADER + "2024-01-01,S1,I1,3\n")
    stores = write_text(
        tmp_path / "stores.csv",
        "store_id,store_name\nS1,Se\u00f1or Caf\u00e9\nS2,Plain\n",
        encoding="latin-1",
    )
    warehouse = build({"sales_path": str(sales), "stores_path": str(stores)})
    assert quarantined(warehouse, "stores") == [(1, "undecodable_row")]
    assert warehouse.rows("select store_id from stg_stores") == [("S2",)]
    assert_accounted(warehouse, [stores], "stores")


def test_whitespace_of_any_kind_around_an_id_is_trimmed(tmp_path: Path, build: BuildFn):
    sales = write_text(
        tmp_path / "sales.csv",
        HEADER + "2024-01-01,S01,I1,3\n2024-01-02,\tS01,I1,4\n2024-01-03, S01\u00a0,I1\t,5\n",
    )
    warehouse = build({"sales_path": str(sales)})
    assert warehouse.rows("select distinct store_id, item_id from stg_sales") == [("S01", "I1")]
    assert_accounted(warehouse, [sales])


@pytest.mark.parametrize(
    ("id_case", "expected_stores"),
    [("preserve", ["S01", "s01"]), ("lower", ["s01"]), ("upper", ["S01"])],
)
def test_id_case_is_a_policy(tmp_path: Path, build: BuildFn, id_case: str, expected_stores):
    sales = write_text(
        tmp_path / "sales.csv", HEADER + "2024-01-01,S01,I1,3\n2024-01-02,s01,I1,4\n"
    )
    warehouse = build({"sales_path": str(sales), "id_case": id_case})
    stores = warehouse.rows("select distinct store_id from stg_sales order by 1")
    assert [row[0] for row in stores] == expected_stores
    assert_accounted(warehouse, [sales])


def test_parquet_timestamps_at_midnight_are_dates_other_times_are_quarantined(
    tmp_path: Path, build: BuildFn
):
    parquet = tmp_path / "sales.parquet"
    duckdb.sql(
        "copy (select * from (values (timestamp '2024-01-01 00:00:00', 'S1', 'I1', 3), "
        "(timestamp '2024-01-02 00:00:00', 'S1', 'I1', 4), "
        "(timestamp '2024-01-03 14:30:00', 'S1', 'I1', 5)) "
        "as t(sales_date, store_id, item_id, quantity)) "
        f"to '{parquet}' (format parquet)"
    )
    warehouse = build({"sales_path": str(parquet)})
    assert warehouse.rows("select sales_date::varchar from stg_sales order by 1") == [
        ("2024-01-01",),
        ("2024-01-02",),
    ]
    assert quarantined(warehouse) == [(3, "date_has_time")]
    assert warehouse.accounting()["raw_rows"] == 3


def test_digit_group_underscores_are_not_a_number(tmp_path: Path, build: BuildFn):
    sales = write_text(
        tmp_path / "sales.csv", HEADER + "2024-01-01,S1,I1,1_000\n2024-01-02,S1,I1,1e3\n"
    )
    warehouse = build({"sales_path": str(sales)})
    assert quarantined(warehouse) == [(1, "unparseable_quantity")]
    assert warehouse.rows("select quantity from stg_sales") == [(1000.0,)]
    assert_accounted(warehouse, [sales])


def test_null_markers_may_be_one_text(tmp_path: Path, build: BuildFn):
    # "NA" is one marker, not the letters N and A: store "N" stays a store.
    sales = write_text(
        tmp_path / "sales.csv",
        HEADER + "2024-01-01,N,I1,NA\n2024-01-02,N,I1,A\n2024-01-03,N,I1,2\n",
    )
    warehouse = build({"sales_path": str(sales), "null_markers": "NA"})
    assert quarantined(warehouse) == [(1, "missing_quantity"), (2, "unparseable_quantity")]
    assert warehouse.rows("select store_id, quantity from stg_sales") == [("N", 2.0)]
    assert_accounted(warehouse, [sales])


def test_a_repeated_header_name_stops_the_run_naming_it(tmp_path: Path, build: BuildFn):
    sales = write_text(
        tmp_path / "sales.csv",
        "sales_date,store_id,item_id,quantity,quantity\n2024-01-01,S1,I1,3,4\n",
    )
    warehouse = build({"sales_path": str(sales)}, expect_success=False)
    output = warehouse.result.output
    assert not warehouse.result.ok
    assert "two columns named 'quantity'" in output
    assert "columns 4 and 5" in output
    assert str(sales) in output and "sales_path" in output


def test_a_real_column_ending_in_a_number_is_not_a_repeat(tmp_path: Path, build: BuildFn):
    sales = write_text(
        tmp_path / "sales.csv",
        "sales_date,store_id,item_id,quantity,quantity_1\n2024-01-01,S1,I1,3,4\n",
    )
    warehouse = build({"sales_path": str(sales)})
    assert warehouse.rows("select quantity from stg_sales") == [(3.0,)]
    assert_accounted(warehouse, [sales])


def test_a_semicolon_file_points_at_csv_delimiter(tmp_path: Path, build: BuildFn):
    sales = write_text(
        tmp_path / "sales.csv", "sales_date;store_id;item_id;quantity\n2024-01-01;S1;I1;3\n"
    )
    warehouse = build({"sales_path": str(sales)}, expect_success=False)
    output = warehouse.result.output
    assert "csv_delimiter: ';'" in output
    assert str(sales) in output
    assert "Did you mean" not in output


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("csv_encoding", "ebcdic", "var csv_encoding = 'ebcdic' is not one of"),
        ("csv_encodings", {"sale": "latin-1"}, "var csv_encodings has an unknown input 'sale'"),
        ("csv_encodings", {"sales": "cp1252"}, "var csv_encodings.sales = 'cp1252'"),
        ("null_markers", {"a": 1}, "var null_markers must be a list"),
        ("id_case", "title", "var id_case = 'title' is not one of"),
        (
            "reconciled_base_model",
            "reconciled",
            "var reconciled_base_model = 'reconciled' must be null or one of",
        ),
    ],
)
def test_reading_vars_are_checked_by_name(
    tmp_path: Path, build: BuildFn, name: str, value: object, message: str
):
    sales = write_text(tmp_path / "sales.csv", HEADER + "2024-01-01,S1,I1,3\n")
    warehouse = build({"sales_path": str(sales), name: value}, expect_success=False)
    assert message in warehouse.result.output
