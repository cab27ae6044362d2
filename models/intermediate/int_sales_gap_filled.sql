{{ config(materialized='table') }}

{%- set days_since_launch = days_between('ranges.launch_period_end_date', 'spine.period_end_date') %}

{#- One row per store_id, item_id, period_end_date inside the series' active range: the
    period's quantity, 0 where the store reported but the series had no row ("sold
    nothing"), null where no data arrived for the store (unknown, never a fake zero). -#}

with

sales as (
    select * from {{ ref('stg_sales') }}
),

ranges as (
    select * from {{ ref('int_series_active_ranges') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

items as (
    select * from {{ ref('stg_items') }}
),

stores as (
    select * from {{ ref('stg_stores') }}
),

sales_by_period as (
    select
        store_id,
        item_id,
        period_end_date,
        sum(quantity) as quantity,
        count(*) as row_count
    from sales
    group by store_id, item_id, period_end_date
),

store_periods as (
    select distinct
        store_id,
        period_end_date
    from sales
),

series_periods as (
    select
        ranges.store_id,
        ranges.item_id,
        spine.period_end_date,
        {# Periods are contiguous inside the range: their number is arithmetic, no sort. -#}
        cast({{ days_since_launch }} / {{ period_days() }} as integer) + 1 as period_number
    from ranges
    inner join spine
        on spine.period_end_date between ranges.launch_period_end_date
            and ranges.active_end_period_end_date
),

final as (
    select
        series_periods.store_id,
        series_periods.item_id,
        series_periods.period_end_date,
        series_periods.period_number,
        coalesce(items.department_id, 'unknown') as department_id,
        coalesce(items.category_id, 'unknown') as category_id,
        coalesce(stores.store_type, 'unknown') as store_type,
        coalesce(stores.region, 'unknown') as region,
        case
            when sales_by_period.quantity is not null then sales_by_period.quantity
            when store_periods.store_id is not null then 0
        end as quantity,
        sales_by_period.quantity is null and store_periods.store_id is not null as is_zero_filled,
        sales_by_period.quantity is null and store_periods.store_id is null as is_no_data
    from series_periods
    left join sales_by_period
        on
            series_periods.store_id = sales_by_period.store_id
            and series_periods.item_id = sales_by_period.item_id
            and series_periods.period_end_date = sales_by_period.period_end_date
    left join store_periods
        on
            series_periods.store_id = store_periods.store_id
            and series_periods.period_end_date = store_periods.period_end_date
    left join items
        on series_periods.item_id = items.item_id
    left join stores
        on series_periods.store_id = stores.store_id
)

select * from final
