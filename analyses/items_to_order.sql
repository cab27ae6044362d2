-- Which items need ordering now: every store x item whose inventory position (on hand +
-- on order) is below its reorder point, biggest shortfall first, with the recommended
-- quantity and why it may lack an EOQ. Only series with stock in inventory_stock can be
-- flagged: count stock_status = 'no_stock_provided' in inventory_recommendations to see
-- what is not covered. One store: --vars '{analysis_store_id: S01}' (default: all).

{%- set store_id = var('analysis_store_id', none) %}
{%- set store_condition = 'store_id = ' ~ sql_string(store_id) if store_id else '1 = 1' %}

with

recommendations as (
    select * from {{ ref('inventory_recommendations') }}
),

final as (
    select
        store_id,
        item_id,
        department_id,
        category_id,
        on_hand_quantity,
        on_order_quantity,
        inventory_position,
        reorder_point,
        reorder_point - inventory_position as shortfall_quantity,
        safety_stock,
        lead_time_days,
        is_lead_time_beyond_horizon,
        economic_order_quantity,
        eoq_status,
        recommended_order_quantity,
        recommended_order_quantity * unit_cost as recommended_order_value,
        forecast_origin_date
    from recommendations
    where
        is_below_reorder_point
        and {{ store_condition }}
)

select * from final
order by shortfall_quantity desc, store_id asc, item_id asc
