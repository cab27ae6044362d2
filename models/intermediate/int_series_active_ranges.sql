{{ config(materialized='table') }}

{%- set discontinued_after = feature_setting('discontinued_after_periods') %}

{#- One row per store_id, item_id: the series' active range in periods. It starts at the
    first period with a sale (feeds such as M5 pad zeros before a launch) and ends at the
    as-of period, unless the series has had no row for discontinued_after_periods, in
    which case it ends at its last row. -#}

with

sales as (
    select * from {{ ref('stg_sales') }}
),

run_context as (
    select
        as_of_date,
        {{ period_end_date('as_of_date') }} as as_of_period_end_date
    from {{ ref('stg_run_context') }}
),

series as (
    select
        store_id,
        item_id,
        min(period_end_date) as first_row_period_end_date,
        min(case when quantity <> 0 then period_end_date end) as first_sale_period_end_date,
        max(period_end_date) as last_row_period_end_date
    from sales
    group by store_id, item_id
),

final as (
    select
        series.store_id,
        series.item_id,
        coalesce(series.first_sale_period_end_date, series.first_row_period_end_date) as launch_period_end_date,
        series.last_row_period_end_date,
        series.first_sale_period_end_date is null as has_never_sold,
        series.last_row_period_end_date
        < {{ add_periods('run_context.as_of_period_end_date', - discontinued_after) }}
            as is_discontinued,
        case
            when series.last_row_period_end_date
                < {{ add_periods('run_context.as_of_period_end_date', - discontinued_after) }}
                then series.last_row_period_end_date
            else run_context.as_of_period_end_date
        end as active_end_period_end_date
    from series
    cross join run_context
)

select * from final
