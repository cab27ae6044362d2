{%- set periods = feature_setting('review_actuals_periods') %}

{#- The actuals the forecast review shows beside the forecasts: one row per store_id,
    item_id, period_end_date of the last review_actuals_periods periods up to the as-of
    date, from int_sales_gap_filled (0 where the store reported without the series, null
    where no data arrived). Bounded by series x that many periods, whatever the length of
    the history, so that the published copy stays small on a large panel. -#}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

run_context as (
    select
        as_of_date,
        invocation_id
    from {{ ref('stg_run_context') }}
),

window_start as (
    select {{ add_periods('max(period_end_date)', 1 - periods) }} as first_period_end_date
    from spine
),

final as (
    select
        gap_filled.store_id,
        gap_filled.item_id,
        gap_filled.period_end_date,
        gap_filled.quantity,
        gap_filled.is_zero_filled,
        gap_filled.is_no_data,
        run_context.as_of_date,
        run_context.invocation_id
    from gap_filled
    inner join window_start
        on gap_filled.period_end_date >= window_start.first_period_end_date
    cross join run_context
)

select * from final
