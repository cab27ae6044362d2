{{ config(materialized='table') }}

{#- One row per store_id, period_end_date (the cut-off): the store's total demand and its
    recent history, context for every series of the store. -#}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

store_totals as (
    select
        store_id,
        period_end_date,
        sum(quantity) as store_quantity
    from gap_filled
    group by store_id, period_end_date
),

final as (
    select
        store_id,
        period_end_date,
        {{ lag_features('store_quantity', 'store_quantity', 'store_id', 'period_end_date', [1]) }},
        {{ rolling_features('store_quantity', 'store_quantity', 'store_id', 'period_end_date',
            feature_setting('feature_hierarchy_windows'), stats=['mean', 'std']) }}
    from store_totals
)

select * from final
