"""The adapter layer's filtered read (demandcast.warehouse.to_pandas_where) on DuckDB."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from demandcast.warehouse import to_pandas_where


def test_a_filtered_read_sorts_and_reads_named_doubles_as_float32():
    connection = duckdb.connect()
    connection.execute(
        "create table rows as select * from (values"
        " ('b', 2, 0.1::double, 1.5::double, true),"
        " ('a', 9, 1e-8::double, 2.5::double, true),"
        " ('a', 1, 123456.789::double, 3.5::double, false),"
        " ('c', 3, 1.0::double, 4.5::double, true)"
        ") as t (key, step, feature, target, keep)"
    )
    relation = connection.table("rows")
    frame = to_pandas_where(
        relation,
        "keep",
        ["key", "step", "feature", "target"],
        order_by=["key", "step"],
        as_float32=["feature", "step"],
    )
    assert frame[["key", "step"]].values.tolist() == [["a", 9], ["b", 2], ["c", 3]]
    # Only the named double becomes float32; an integer named there and the unnamed
    # double keep their types. The values are numpy's float32 rounding of the doubles.
    assert frame["feature"].dtype == np.float32
    assert frame["target"].dtype == np.float64
    assert frame["step"].dtype == np.int32
    expected = np.array([1e-8, 0.1, 1.0], dtype=np.float64).astype(np.float32)
    assert frame["feature"].to_numpy().tobytes() == expected.tobytes()
    unsorted = to_pandas_where(relation, "true", ["key", "feature"])
    assert unsorted["feature"].dtype == np.float64
    assert len(unsorted) == 4


def test_the_filtered_read_gives_the_types_and_values_of_duckdbs_own_conversion():
    connection = duckdb.connect()
    connection.execute(
        "create table rows as select * from (values"
        " ('a', date '2024-02-29', 1, true, null::boolean, 1.25::double, 'x', 7::bigint),"
        " ('b', date '1999-12-31', null, false, true, null::double, null, null::bigint),"
        " ('c', null::date, 3, true, false, -0.5::double, 'z', 9::bigint)"
        ") as t (key, day, step, flag, maybe, value, label, count_)"
    )
    relation = connection.table("rows")
    columns = ["key", "day", "step", "flag", "maybe", "value", "label", "count_"]
    frame = to_pandas_where(relation, "true", columns, order_by=["key"], through_arrow=True)
    expected = relation.order("key").df()
    assert {c: str(frame[c].dtype) for c in columns} == {c: str(expected[c].dtype) for c in columns}
    pd.testing.assert_frame_equal(frame, expected)
