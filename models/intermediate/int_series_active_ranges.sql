{{ config(materialized='table') }}

{%- set discontinued_after = feature_setting('discontinued_after_periods') %}
{%- set horizon = feature_setting('forecast_horizon_periods') %}

{#- One row per store_id, item_id: the series' active range in periods. It starts at the
    first period with a sale (feeds such as M5 pad zeros before a launch). A series with no
    row in the discontinued_after_periods periods up to the as-of period is discontinued;
    its range still runs discontinued_after_periods + forecast_horizon_periods - 1 periods
    past its last row (capped at the as-of period), so that every cut-off at which it still
    looked active has its zero targets: a cut-off cannot know the item stopped. -#}

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
        <= {{ add_periods('run_context.as_of_period_end_date', - discontinued_after) }}
            as is_discontinued,
        least(
            {{ add_periods('series.last_row_period_end_date', discontinued_after + horizon - 1) }},
            run_context.as_of_period_end_date
        ) as active_end_period_end_date
    from series
    cross join run_context
)

select * from final
