{{ config(materialized='table') }}

{#- One row per store_id, category_id, period_end_date (the cut-off): demand of the
    item's category in its store and its recent history. -#}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

category_totals as (
    select
        store_id,
        category_id,
        period_end_date,
        sum(quantity) as category_quantity
    from gap_filled
    group by store_id, category_id, period_end_date
),

final as (
    select
        store_id,
        category_id,
        period_end_date,
        {{ lag_features('category_quantity', 'category_quantity', 'store_id, category_id',
            'period_end_date', [1]) }},
        {{ rolling_features('category_quantity', 'category_quantity', 'store_id, category_id',
            'period_end_date', feature_setting('feature_hierarchy_windows'), stats=['mean', 'std']) }}
    from category_totals
)

select * from final
