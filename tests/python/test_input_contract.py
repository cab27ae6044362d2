"""The input contract end to end: each kind of bad input is quarantined with a reason or
rejected with a message naming what to fix, and every raw row is accounted for.

Each test writes its own small files and builds the staging layer with dbt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BuildFn, write_text

pytestmark = pytest.mark.integration

GOOD_SALES = """sales_date,store_id,item_id,quantity
2024-01-01,S1,I1,3
2024-01-02,S1,I1,0
2024-01-03,S1,I1,5
"""


def sales_vars(path: Path, **extra: object) -> dict[str, object]:
    return {"sales_path": str(path), **extra}


def test_every_kind_of_bad_row_is_quarantined_with_its_reason(tmp_path: Path, build: BuildFn):
    write_text(
        tmp_path / "sales" / "sales_2024-01.csv",
        """sales_date,store_id,item_id,quantity
2024-01-01,S1,I1,3
2024-01-01,S1,I1,3
2024-01-02,S1,I1,4
2024-01-03,,I1,2
2024-01-03,S1,,2
2024-13-45,S1,I1,2
not a date,S1,I1,2
2024-01-04,S1,I1,-1
2024-01-05,S1,I1,n/a
2024-01-06,S1,I1,99999999999
2024-01-07,S1,I1,
2099-01-01,S1,I1,1
2024-01-08,S1,I1,7
""",
    )
    write_text(
        tmp_path / "sales" / "sales_2024-01_resend.csv",
        "sales_date,store_id,item_id,quantity\n2024-01-02,S1,I1,6\n",
    )
    warehouse = build(sales_vars(tmp_path / "sales" / "*.csv"))

    assert warehouse.reasons() == {
        "exact_duplicate": 1,
        "conflicting_duplicate": 1,
        "null_key": 2,
        "unparseable_date": 2,
        "negative_quantity": 1,
        "unparseable_quantity": 1,
        "absurd_quantity": 1,
        "missing_quantity": 1,
        "date_out_of_range": 1,
    }
    accounting = warehouse.accounting()
    assert accounting["raw_rows"] == 14
    assert accounting["clean_rows"] == 3
    assert accounting["quarantined_rows"] == 11
    assert accounting["exact_duplicate_rows"] == 1
    # The resend file's value wins over the first delivery.
    assert warehouse.rows("select sales_date::varchar, quantity from stg_sales order by 1") == [
        ("2024-01-01", 3.0),
        ("2024-01-02", 6.0),
        ("2024-01-08", 7.0),
    ]
    # Raw values and provenance are kept: the row can be found and fixed at its source.
    file_name, row_number, raw_values = warehouse.rows(
        "select source_file, source_row_number, raw_values from stg_quarantined_rows "
        "where reason_code = 'unparseable_quantity'"
    )[0]
    assert file_name.endswith("sales_2024-01.csv")
    assert row_number == 9
    assert json.loads(raw_values)["raw_quantity"] == "n/a"
    detail = warehouse.scalar(
        "select reason_detail from stg_quarantined_rows where reason_code = 'conflicting_duplicate'"
    )
    assert detail.startswith("kept row 1 of ") and detail.endswith("sales_2024-01_resend.csv")


def test_negative_quantities_are_kept_as_returns_when_policy_says_so(
    tmp_path: Path, build: BuildFn
):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES + "2024-01-04,S1,I1,-2.5\n")
    warehouse = build(sales_vars(sales, negative_quantity_policy="keep"))
    assert warehouse.reasons() == {}
    assert warehouse.scalar("select min(quantity) from stg_sales") == -2.5


def test_missing_path_names_the_path_and_the_var(tmp_path: Path, build: BuildFn):
    missing = tmp_path / "nowhere" / "sales_*.csv"
    warehouse = build(sales_vars(missing), expect_success=False)
    assert not warehouse.result.ok
    assert "sales_path" in warehouse.result.output
    assert str(missing) in warehouse.result.output


def test_missing_optional_file_names_its_var(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES)
    warehouse = build(
        sales_vars(sales, prices_path=str(tmp_path / "prices.csv")), expect_success=False
    )
    assert "prices_path" in warehouse.result.output
    assert "matches no file" in warehouse.result.output


def test_misnamed_column_names_the_column_the_var_and_a_suggestion(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES.replace("quantity", "Quantity", 1))
    warehouse = build(sales_vars(sales), expect_success=False)
    output = warehouse.result.output
    assert "Column 'quantity'" in output
    assert "sales_columns.quantity" in output
    assert "Did you mean 'Quantity'?" in output
    assert str(sales) in output


def test_a_mapped_column_that_does_not_exist_is_an_error(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES)
    warehouse = build(sales_vars(sales, sales_columns={"quantity": "units"}), expect_success=False)
    assert "Column 'units'" in warehouse.result.output
    assert "sales_columns.quantity" in warehouse.result.output


def test_unknown_mapping_key_is_an_error(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES)
    warehouse = build(sales_vars(sales, sales_columns={"qty": "quantity"}), expect_success=False)
    assert "unknown key 'qty'" in warehouse.result.output


def test_empty_file_is_rejected_naming_the_file(tmp_path: Path, build: BuildFn):
    write_text(tmp_path / "sales" / "a.csv", GOOD_SALES)
    empty = write_text(tmp_path / "sales" / "b.csv", "")
    warehouse = build(sales_vars(tmp_path / "sales" / "*.csv"), expect_success=False)
    assert str(empty) in warehouse.result.output
    assert "is empty" in warehouse.result.output


def test_header_only_file_adds_no_rows_and_no_error(tmp_path: Path, build: BuildFn):
    write_text(tmp_path / "sales" / "a.csv", GOOD_SALES)
    write_text(tmp_path / "sales" / "b.csv", "sales_date,store_id,item_id,quantity\n")
    warehouse = build(sales_vars(tmp_path / "sales" / "*.csv"))
    assert warehouse.accounting()["raw_rows"] == 3
    assert warehouse.accounting()["clean_rows"] == 3


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8-sig", "\r\n"), ("utf-8", "\r"), ("utf-8-sig", "\r")],
    ids=["bom-crlf", "bare-cr", "bom-bare-cr"],
)
def test_bom_and_carriage_return_files_read_like_plain_ones(
    tmp_path: Path, build: BuildFn, encoding: str, newline: str
):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES, encoding=encoding, newline=newline)
    stores = write_text(
        tmp_path / "stores.csv",
        "store_id,store_type,store_size\nS1,A,1200\n",
        encoding=encoding,
        newline=newline,
    )
    warehouse = build(sales_vars(sales, stores_path=str(stores)))
    assert warehouse.reasons() == {}
    assert warehouse.rows(
        "select store_id, item_id, quantity from stg_sales order by sales_date"
    ) == [
        ("S1", "I1", 3.0),
        ("S1", "I1", 0.0),
        ("S1", "I1", 5.0),
    ]
    assert warehouse.rows("select store_id, store_type, store_size from stg_stores") == [
        ("S1", "A", 1200.0)
    ]


def test_short_rows_are_quarantined_not_trusted(tmp_path: Path, build: BuildFn):
    # A missing delimiter may shift the fields too: like extra fields, nothing is trusted.
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES + "2024-01-04,S1\n")
    warehouse = build(sales_vars(sales))
    assert warehouse.reasons() == {"too_few_fields": 1}
    assert warehouse.accounting()["raw_rows"] == 4


def test_rows_with_extra_fields_are_quarantined_not_trusted(tmp_path: Path, build: BuildFn):
    # An unquoted comma shifts the fields: nothing in such a row can be trusted.
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES + "2024-01-04,S1,I1,4,99\n")
    warehouse = build(sales_vars(sales))
    assert warehouse.reasons() == {"extra_fields": 1}
    assert warehouse.accounting()["clean_rows"] == 3


def test_configurable_date_format_and_list_of_formats(tmp_path: Path, build: BuildFn):
    sales = write_text(
        tmp_path / "sales.csv",
        "sales_date,store_id,item_id,quantity\n31/01/2024,S1,I1,1\n2024-02-01,S1,I1,2\n",
    )
    only_day_first = build(sales_vars(sales, date_format="%d/%m/%Y"))
    assert only_day_first.reasons() == {"unparseable_date": 1}
    both = build(sales_vars(sales, date_format=["%d/%m/%Y", "%Y-%m-%d"]))
    assert both.reasons() == {}
    assert both.rows("select sales_date::varchar from stg_sales order by 1") == [
        ("2024-01-31",),
        ("2024-02-01",),
    ]


def test_series_keyed_by_store_only(tmp_path: Path, build: BuildFn):
    sales = write_text(
        tmp_path / "sales.csv",
        "day,shop,revenue\n2024-01-01,A,10\n2024-01-02,A,11\n2024-01-01,B,5\n",
    )
    warehouse = build(
        sales_vars(
            sales,
            sales_columns={
                "sales_date": "day",
                "store_id": "shop",
                "item_id": None,
                "quantity": "revenue",
            },
        )
    )
    assert warehouse.rows("select distinct item_id from stg_sales") == [("store_total",)]
    assert warehouse.scalar("select count(*) from stg_sales") == 3


def test_store_only_hint_when_item_column_is_absent(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", "sales_date,store_id,quantity\n2024-01-01,A,1\n")
    warehouse = build(sales_vars(sales), expect_success=False)
    assert "sales_columns: {item_id: null}" in warehouse.result.output


def test_weekly_frequency_identifies_periods_by_end_date(tmp_path: Path, build: BuildFn):
    # Fridays, as in Walmart's file: the week ends on the day the feed dates it by.
    weekly = write_text(
        tmp_path / "weekly.csv",
        "sales_date,store_id,item_id,quantity\n2024-01-05,S1,I1,1\n2024-01-12,S1,I1,2\n"
        "2024-01-26,S1,I1,3\n",
    )
    warehouse = build(sales_vars(weekly, frequency="week"))
    assert warehouse.scalar("select week_end_isodow from stg_run_context") == 5
    assert warehouse.rows("select period_end_date::varchar from stg_sales order by 1") == [
        ("2024-01-05",),
        ("2024-01-12",),
        ("2024-01-26",),
    ]
    # Daily data read at weekly frequency rolls up to the Sunday that ends each week.
    daily = write_text(tmp_path / "daily.csv", GOOD_SALES)
    rolled = build(sales_vars(daily, frequency="week"))
    assert rolled.rows("select distinct period_end_date::varchar from stg_sales") == [
        ("2024-01-07",)
    ]


def test_as_of_date_hides_later_rows_and_counts_them(tmp_path: Path, build: BuildFn):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES + "2024-01-04,S1,I1,-3\n")
    warehouse = build(sales_vars(sales, as_of_date="2024-01-02"))
    assert warehouse.scalar("select as_of_date::varchar from stg_run_context") == "2024-01-02"
    assert warehouse.scalar("select max(sales_date)::varchar from stg_sales") == "2024-01-02"
    accounting = warehouse.accounting()
    # The negative row after the as-of date has not "arrived": it is not quarantined yet.
    assert (accounting["clean_rows"], accounting["beyond_as_of_rows"]) == (2, 2)
    assert accounting["quarantined_rows"] == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("as_of_date", "02/01/2024", "as_of_date"),
        ("frequency", "monthly", "frequency"),
        ("negative_quantity_policy", "drop", "negative_quantity_policy"),
        ("input_format", "excel", "input_format"),
        ("event_locale_store_columns", {"local": "town"}, "event_locale_store_columns.local"),
        ("holiday_event_types", "holiday", "holiday_event_types"),
    ],
)
def test_bad_vars_are_rejected_by_name(
    tmp_path: Path, build: BuildFn, name: str, value: object, message: str
):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES)
    warehouse = build(sales_vars(sales, **{name: value}), expect_success=False)
    assert f"var {message}" in warehouse.result.output


def test_parquet_input_with_row_numbers(tmp_path: Path, build: BuildFn):
    import duckdb

    parquet = tmp_path / "sales.parquet"
    duckdb.sql(
        "copy (select * from (values (date '2024-01-01', 'S1', 'I1', 3), "
        "(date '2024-01-02', 'S1', 'I1', -1)) as t(sales_date, store_id, item_id, quantity)) "
        f"to '{parquet}' (format parquet)"
    )
    warehouse = build(sales_vars(parquet))
    assert warehouse.scalar("select count(*) from stg_sales") == 1
    assert warehouse.rows("select reason_code, source_row_number from stg_quarantined_rows") == [
        ("negative_quantity", 2)
    ]


def test_wide_exogenous_file_is_unpivoted_and_na_is_a_missing_observation(
    tmp_path: Path, build: BuildFn
):
    sales = write_text(tmp_path / "sales.csv", GOOD_SALES)
    exogenous = write_text(
        tmp_path / "features.csv",
        "Date,Store,Temperature,MarkDown1,IsHoliday\n"
        "2024-01-01,S1,42.5,NA,FALSE\n2024-01-02,S1,hot,1.5,FALSE\n2024-02-01,S1,40,2,FALSE\n",
    )
    warehouse = build(
        sales_vars(
            sales,
            exogenous_path=str(exogenous),
            exogenous_columns={
                "observation_date": "Date",
                "store_id": "Store",
                "exclude": ["IsHoliday"],
            },
        )
    )
    assert warehouse.rows(
        "select observation_date::varchar, variable_name, observed_value "
        "from stg_store_exogenous order by 1, 2"
    ) == [
        ("2024-01-01", "markdown1", None),
        ("2024-01-01", "temperature", 42.5),
        ("2024-01-02", "markdown1", 1.5),
    ]
    assert warehouse.reasons("exogenous") == {"unparseable_value": 1}
    # 3 rows x 2 series: 3 clean, 1 quarantined, 2 after the as-of date (2024-01-03).
    accounting = warehouse.accounting("exogenous")
    assert accounting["raw_rows"] == 6
    assert accounting["beyond_as_of_rows"] == 2


def test_exogenous_file_without_store_key_is_a_global_series_for_every_store(
    tmp_path: Path, build: BuildFn
):
    sales = write_text(
        tmp_path / "sales.csv",
        "sales_date,store_id,item_id,quantity\n"
        "2024-01-01,S1,I1,3\n2024-01-02,S1,I1,4\n2024-01-03,S1,I1,5\n"
        "2024-01-01,S2,I1,1\n2024-01-02,S2,I1,2\n2024-01-03,S2,I1,2\n",
    )
    oil = write_text(tmp_path / "oil.csv", "date,dcoilwtico\n2024-01-01,70.5\n2024-01-02,\n")
    warehouse = build(
        sales_vars(
            sales,
            exogenous_path=str(oil),
            exogenous_columns={"observation_date": "date", "store_id": None},
        ),
        selection=[
            "--select",
            "path:models/staging",
            "+int_exogenous_features",
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
        ],
    )
    assert warehouse.reasons("exogenous") == {}
    assert warehouse.rows(
        "select store_id, observation_date::varchar, variable_name, observed_value "
        "from stg_store_exogenous order by 2"
    ) == [(None, "2024-01-01", "dcoilwtico", 70.5), (None, "2024-01-02", "dcoilwtico", None)]
    # Broadcast to every store, the last known value carried over the gap.
    assert warehouse.rows(
        "select store_id, period_end_date::varchar, exog_dcoilwtico "
        "from int_exogenous_features order by 1, 2"
    ) == [
        (store, day, 70.5)
        for store in ("S1", "S2")
        for day in ("2024-01-01", "2024-01-02", "2024-01-03")
    ]
