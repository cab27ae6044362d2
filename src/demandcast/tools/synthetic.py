"""Synthetic panels at M5 scale for speed and memory benchmarks.

The demo data (``demo_data``) is about realism; this is about size: 30,490 daily series x
1,941 days (about 59 M rows) like the M5 competition, written in the canonical layout as
Parquet by DuckDB in seconds. ``scale`` shrinks the number of items (0.1 = 3,049 series).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

M5_STORES = 10
M5_ITEMS_PER_STORE = 3049
M5_DAYS = 1941
START_DATE = "2011-01-29"


def _series_sql(n_items: int) -> str:
    """The ``series`` table: one row per store x item with its random level and phase."""
    return f"""
        create table series as
        select
            'S' || lpad(cast(store_number as varchar), 2, '0') as store_id,
            'I' || lpad(cast(item_number as varchar), 5, '0') as item_id,
            -- lognormal-ish levels: most items sell little, a few sell a lot
            exp(random() * 4 - 2) as level,
            random() * 6.283 as phase
        from range(1, {M5_STORES + 1}) as stores (store_number)
        cross join range(1, {n_items + 1}) as items (item_number)
        """


def _sales_sql(path: Path, n_days: int) -> str:
    """Daily quantities of every series (level, a slow cycle, a weekend peak) to Parquet."""
    return f"""
        copy (
            select
                cast(date '{START_DATE}' + cast(day_number as integer) as date) as sales_date,
                series.store_id,
                series.item_id,
                cast(floor(
                    -ln(1 - random()) * series.level
                    * (1 + 0.3 * sin(day_number / 58.1 + series.phase))
                    * (case when isodow(date '{START_DATE}' + cast(day_number as integer)) >= 6
                       then 1.4 else 1 end)
                ) as integer) as quantity
            from series
            cross join range(0, {n_days}) as days (day_number)
        ) to '{path}' (format parquet, row_group_size 1000000)
        """


def _prices_sql(path: Path, n_days: int) -> str:
    """A weekly price per series, now and then 20% off, to Parquet."""
    return f"""
        copy (
            select
                cast(date '{START_DATE}' + cast(week_number * 7 as integer) as date)
                    as effective_date,
                series.store_id,
                series.item_id,
                round(1 + series.level * 3 * (1 - 0.2 * (random() < 0.1)::int), 2) as price,
                false as is_promotion
            from series
            cross join range(0, {n_days // 7}) as weeks (week_number)
        ) to '{path}' (format parquet)
        """


def _stores_sql(path: Path) -> str:
    """The store master (store and region) to CSV."""
    return f"""
        copy (
            select distinct store_id, 'region_' || (right(store_id, 1)::int % 3) as region
            from series order by store_id
        ) to '{path}' (header)
        """


def _items_sql(path: Path) -> str:
    """The item master (item, department and category) to CSV."""
    return f"""
        copy (
            select distinct
                item_id,
                'dept_' || (cast(right(item_id, 5) as int) % 7) as department_id,
                'cat_' || (cast(right(item_id, 5) as int) % 3) as category_id
            from series order by item_id
        ) to '{path}' (header)
        """


def write_panel(
    out_dir: str | Path,
    *,
    scale: float = 1.0,
    n_days: int = M5_DAYS,
    seed: float = 0.42,
) -> dict[str, int]:
    """Write a synthetic daily panel in the canonical layout.

    Args:
        out_dir: Folder to write ``sales/sales.parquet``, ``prices.parquet``,
            ``stores.csv`` and ``items.csv`` into.
        scale: Share of M5's 3,049 items per store to generate (1.0 = 30,490 series).
        n_days: Days of history.
        seed: DuckDB random seed, in [-1, 1].

    Returns:
        Row counts per file.
    """
    root = Path(out_dir)
    (root / "sales").mkdir(parents=True, exist_ok=True)
    n_items = max(1, round(M5_ITEMS_PER_STORE * scale))
    connection = duckdb.connect()
    # One after another in this order: each statement's random() draws follow the seed's.
    for statement in (
        f"select setseed({seed})",
        _series_sql(n_items),
        _sales_sql(root / "sales" / "sales.parquet", n_days),
        _prices_sql(root / "prices.parquet", n_days),
        _stores_sql(root / "stores.csv"),
        _items_sql(root / "items.csv"),
    ):
        connection.execute(statement)
    series_count = M5_STORES * n_items
    return {
        "series": series_count,
        "sales_rows": series_count * n_days,
        "price_rows": series_count * (n_days // 7),
    }
