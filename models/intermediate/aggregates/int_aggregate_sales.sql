{{ config(materialized='table') }}

{#- Aggregate demand Prophet forecasts: one row per level_id (var prophet_level) and
    period_end_date, the sum over the series that reported (null when none did). -#}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

final as (
    select
        {{ aggregate_level_id() }} as level_id,
        period_end_date,
        sum(quantity) as quantity,
        count(quantity) as reporting_series
    from gap_filled
    group by {{ aggregate_level_id() }}, period_end_date
)

select * from final
