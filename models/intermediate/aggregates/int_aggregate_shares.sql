{{ config(materialized='table') }}

{#- Each series' share of its aggregate (var prophet_level) at the backtest origins and the
    as-of date (int_forecast_cutoffs), where aggregate forecasts are split: its demand over the prophet_share_window_periods periods up
    to the cut-off divided by the aggregate's over the same periods. An aggregate
    forecast times the share is the series' forecast. One row per store_id, item_id,
    cutoff_date. -#}

{%- set window = feature_setting('prophet_share_window_periods') %}

with

cutoffs as (
    select cutoff_date
    from {{ ref('int_forecast_cutoffs') }}
    where is_backtest_origin or is_scoring_row
),

gap_filled as (
    select
        *,
        {{ aggregate_level_id() }} as level_id
    from {{ ref('int_sales_gap_filled') }}
),

windowed as (
    select
        cutoffs.cutoff_date,
        gap_filled.store_id,
        gap_filled.item_id,
        gap_filled.level_id,
        sum(gap_filled.quantity) as series_quantity
    from cutoffs
    inner join gap_filled
        on
            cutoffs.cutoff_date >= gap_filled.period_end_date
            and gap_filled.period_end_date > {{ add_periods('cutoffs.cutoff_date', '-' ~ window) }}
    group by cutoffs.cutoff_date, gap_filled.store_id, gap_filled.item_id, gap_filled.level_id
),

final as (
    select
        store_id,
        item_id,
        cutoff_date,
        level_id,
        coalesce(
            series_quantity / nullif(sum(series_quantity) over (partition by level_id, cutoff_date), 0),
            0
        ) as series_share
    from windowed
)

select * from final
