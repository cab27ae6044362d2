"""The adapter-specific calls of the dbt Python models, in one place.

dbt Python models receive relations and a session whose API depends on the warehouse:
DuckDB relations have ``.df()``, Snowpark DataFrames ``.to_pandas()``, PySpark
DataFrames ``.toPandas()``. Models call these helpers instead, so moving the project to
another adapter means changing this module only. What a model does with the rows (the
registry's run, the scoring version) is in :mod:`demandcast.model_runs`, over these calls.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from typing import Any

import pandas as pd


def to_pandas(relation: Any) -> pd.DataFrame:
    """A relation (what ``dbt.ref`` returns) as a pandas frame."""
    for method in ("df", "to_pandas", "toPandas"):
        if hasattr(relation, method):
            return getattr(relation, method)()
    raise TypeError(f"cannot turn a {type(relation).__name__} into a pandas frame")


def query(session: Any, sql: str) -> pd.DataFrame:
    """The result of a SQL query in the model's session, as a pandas frame."""
    return to_pandas(session.sql(sql))


def table_exists(session: Any, name: str) -> bool:
    """Whether a table or view of that name exists in the session's current schema."""
    found = query(
        session,
        "select count(*) as n from information_schema.tables"
        f" where table_name = '{name}' and table_schema = current_schema()",
    )
    return bool(found["n"].iloc[0])


def previous_rows(dbt: Any, session: Any) -> pd.DataFrame:
    """The rows of an incremental model as they were before this run (empty the first
    time and on --full-refresh)."""
    if not dbt.is_incremental:
        return pd.DataFrame()
    return query(session, f"select * from {dbt.this}")


def to_pandas_where(
    relation: Any,
    condition: str,
    columns: list[str],
    *,
    order_by: Sequence[str] = (),
    as_float32: Collection[str] = (),
    through_arrow: bool = False,
    text_as_category: bool = False,
) -> pd.DataFrame:
    """The rows of a relation that meet a SQL condition, some columns only, sorted by
    ``order_by``. Double columns named in ``as_float32`` are read as 32-bit floats by the
    engine, so the 64-bit copy never reaches pandas (XGBoost holds features as float32
    anyway: the values are those pandas' own float32 cast gives).

    ``through_arrow`` (DuckDB): read through Arrow, for large reads (XGBoost's training
    rows): a lower peak and faster, with ``.df()``'s types for dates, nullable booleans
    and integers, and decimals; text columns that are all null come as pandas' string
    type rather than object, ENUMs as unordered categoricals. ``text_as_category`` (with
    ``through_arrow``): text columns as categoricals too, built from Arrow's dictionary
    encoding, so a long column of a few thousand ids holds no string per row."""
    if hasattr(relation, "filter") and hasattr(relation, "project"):
        types = dict(zip(relation.columns, (str(kind) for kind in relation.types), strict=True))
        selected = [
            f'cast("{name}" as float) as "{name}"'
            if name in as_float32 and types[name] == "DOUBLE"
            else f'"{name}"'
            for name in columns
        ]
        rows = relation.filter(condition).project(", ".join(selected))
        if order_by:
            rows = rows.order(", ".join(f'"{name}"' for name in order_by))
        return _duckdb_frame(rows, text_as_category) if through_arrow else to_pandas(rows)
    rows = relation.where(condition).select(*columns)
    frame = to_pandas(rows.orderBy(*order_by) if order_by else rows)
    doubles = [name for name in as_float32 if name in frame and frame[name].dtype == "float64"]
    return frame.astype(dict.fromkeys(doubles, "float32"))


def distinct_values(relation: Any, condition: str, column: str) -> list[Any]:
    """The distinct non-null values of one column over the rows that meet a SQL
    condition, in no particular order (a query of its own: nothing else is read)."""
    where = f'({condition}) and "{column}" is not null'
    if hasattr(relation, "filter") and hasattr(relation, "project"):
        rows = relation.filter(where).project(f'"{column}"').distinct()
    else:
        rows = relation.where(where).select(column).distinct()
    return list(to_pandas(rows)[column])


def row_count(relation: Any, condition: str) -> int:
    """How many rows of a relation meet a SQL condition (a query of its own)."""
    if hasattr(relation, "filter") and hasattr(relation, "project"):
        counted = to_pandas(relation.filter(condition).aggregate("count(*) as row_count"))
        return int(counted["row_count"].iloc[0])
    return int(relation.where(condition).count())


def in_condition(column: str, values: Sequence[str]) -> str:
    """A SQL condition: the text column is one of the values (quotes doubled)."""
    if not values:
        return "false"
    quoted = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return f'"{column}" in ({quoted})'


def text_columns(relation: Any, names: Collection[str]) -> list[str]:
    """Those of ``names`` that are text columns of the relation (VARCHAR in DuckDB,
    string in Spark), in the relation's order."""
    if hasattr(relation, "types"):
        kinds = [str(kind) for kind in relation.types]
    else:
        kinds = [kind for _, kind in relation.dtypes]
    return [
        str(name)
        for name, kind in zip(relation.columns, kinds, strict=True)
        if name in names and kind.upper() in {"VARCHAR", "STRING"}
    ]


def _duckdb_frame(rows: Any, text_as_category: bool = False) -> pd.DataFrame:
    """A DuckDB relation as pandas through Arrow, with the types ``.df()`` gives: dates as
    datetime64[us]; boolean and integer columns with nulls as pandas' nullable types.

    ``.df()`` peaked at 7.0 GB and took 12.8 s for the 1.37 GB frame XGBoost reads at M5
    scale (2.86 M rows x 98 columns); through here, each column freed as pandas takes it,
    5.0 GB and 8.6 s (docs/benchmarks.md, "Issue 16, third steps")."""
    import pyarrow as pa

    table = rows.to_arrow_table()
    names = list(table.schema.names)
    nullable: dict[str, pd.Series] = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        kind = field.type
        if column.null_count and (pa.types.is_boolean(kind) or pa.types.is_integer(kind)):
            dtype = (
                "boolean"
                if pa.types.is_boolean(kind)
                else pd.api.types.pandas_dtype(
                    f"{'U' if pa.types.is_unsigned_integer(kind) else ''}Int{kind.bit_width}"
                )
            )
            nullable[field.name] = column.to_pandas(types_mapper=lambda _, d=dtype: d)
    dates = [field.name for field in table.schema if pa.types.is_date(field.type)]
    table = table.drop_columns(list(nullable))
    for index, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):  # .df() gives DECIMAL and HUGEINT as double
            table = table.set_column(index, field.name, table.column(index).cast(pa.float64()))
    frame = table.to_pandas(
        split_blocks=True,
        self_destruct=True,
        date_as_object=False,
        strings_to_categorical=text_as_category,
    )
    del table
    for name, values in nullable.items():
        frame[name] = values
    frame = frame[names]
    return frame.astype(dict.fromkeys(dates, "datetime64[us]")) if dates else frame


def column_names(relation: Any) -> list[str]:
    """The relation's column names (DuckDB, Snowpark and PySpark all have ``.columns``)."""
    return [str(name) for name in relation.columns]


def database_folder(session: Any) -> str:
    """Folder of the session's database file (DuckDB); '.' for an in-memory database."""
    found = query(
        session, "select path from duckdb_databases() where database_name = current_database()"
    )
    path = found["path"].iloc[0] if len(found) else None
    if not path:
        return "."
    return os.path.dirname(os.path.abspath(str(path)))
