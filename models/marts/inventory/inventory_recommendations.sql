{#- Replenishment recommendation for the next cycle: one row per store_id, item_id with a
    published forecast. Continuous review (s, Q) policy: reorder point s = forecast demand
    over the lead time + safety stock, order quantity Q = the economic order quantity.
    Formulas and their assumptions are in _inventory.yml; every null carries a reason in
    reorder_point_status, eoq_status or stock_status. -#}

{%- set sigma_interval = inventory_setting('inventory_sigma_interval') %}
{#- The policy inputs, each resolved by the same fallback (resolved_policy); each has a
    var inventory_<name>. -#}
{%- set policy_settings = ['lead_time_days', 'service_level', 'order_cost', 'holding_cost_rate', 'unit_cost'] %}

with

forecast_periods as (
    select * from {{ ref('int_inventory_forecast_periods') }}
),

policy as (
    select * from {{ ref('inventory_policy') }}
),

stock as (
    select * from {{ ref('inventory_stock') }}
),

items as (
    select * from {{ ref('stg_items') }}
),

period_demand as (
    {#- The interval is symmetric around the point before its lower bound is clipped at
        zero, so the upper half-width is the undistorted one (and the tail a safety stock
        guards against): sigma = (upper - point) / z((1 + level) / 2). Net returns
        (negative forecasts) are no demand to stock for. -#}
    select
        store_id,
        item_id,
        horizon_step,
        forecast_origin_date,
        model_name,
        model_version,
        invocation_id,
        {# greatest and least skip nulls on some warehouses (DuckDB, Postgres) and not on
            others: nulls are kept explicitly here and below. -#}
        case when predicted_quantity is not null then greatest(predicted_quantity, 0) end as period_demand,
        case
            when predicted_quantity is not null and upper_{{ sigma_interval }} is not null
                then greatest(upper_{{ sigma_interval }} - predicted_quantity, 0)
                    / {{ normal_quantile((1 + sigma_interval / 100) / 2) }}
        end as period_sigma
    from forecast_periods
),

series as (
    select
        store_id,
        item_id,
        max(forecast_origin_date) as forecast_origin_date,
        max(model_name) as model_name,
        max(model_version) as model_version,
        max(invocation_id) as invocation_id,
        max(horizon_step) as horizon_periods,
        {# A missing step or value would make the sums below silently short. -#}
        max(horizon_step) - count(period_demand) + count(*) - count(period_sigma) as incomplete_periods,
        avg(period_demand) as mean_period_demand,
        avg(period_sigma * period_sigma) as mean_period_variance
    from period_demand
    group by store_id, item_id
),

resolved_policy as (
    {#- Each input on its own: the store x item row, else the item row, else the var. -#}
    select
        series.*,
        {%- for setting in policy_settings %}
        coalesce(
            store_item_policy.{{ setting }}, item_policy.{{ setting }},
            {{ inventory_setting_sql('inventory_' ~ setting) }}
        ) as {{ setting }},
        {%- endfor %}
        case
            when store_item_policy.item_id is not null then 'store_item'
            when item_policy.item_id is not null then 'item'
            else 'default'
        end as policy_source
    from series
    left join policy as store_item_policy
        on
            series.store_id = store_item_policy.store_id
            and series.item_id = store_item_policy.item_id
    left join policy as item_policy
        on
            series.item_id = item_policy.item_id
            and item_policy.store_id is null
),

lead_time as (
    select
        *,
        lead_time_days / {{ period_days() }} as lead_time_periods
    from resolved_policy
),

lead_time_split as (
    {#- The lead time's periods inside the forecast horizon and beyond it. -#}
    select
        *,
        case
            when lead_time_periods is not null
                then least(lead_time_periods, horizon_periods)
        end as forecast_lead_time_periods,
        case
            when lead_time_periods is not null
                then greatest(lead_time_periods - horizon_periods, 0)
        end as extrapolated_lead_time_periods
    from lead_time
),

covered_periods as (
    {#- Horizon step h covers the share of its period inside the lead time: 1 for whole
        periods, the fraction for the last one, 0 after. A fraction f of a period adds
        f x its variance (the period as f independent parts). -#}
    select
        period_demand.store_id,
        period_demand.item_id,
        period_demand.period_demand,
        period_demand.period_sigma,
        case
            when lead_time.lead_time_periods is not null
                then greatest(least(lead_time.lead_time_periods - (period_demand.horizon_step - 1), 1), 0)
        end as period_share
    from period_demand
    inner join lead_time
        on
            period_demand.store_id = lead_time.store_id
            and period_demand.item_id = lead_time.item_id
),

covered_sums as (
    select
        store_id,
        item_id,
        sum(period_share * period_demand) as covered_demand,
        sum(period_share * period_sigma * period_sigma) as covered_variance
    from covered_periods
    group by store_id, item_id
),

lead_time_demand as (
    {#- Beyond the horizon the lead time is extrapolated with the horizon's mean period
        demand and variance (is_lead_time_beyond_horizon says so). -#}
    select
        lead_time_split.*,
        case
            when lead_time_split.incomplete_periods = 0 and lead_time_split.lead_time_periods is not null
                then
                    covered_sums.covered_demand
                    + lead_time_split.extrapolated_lead_time_periods * lead_time_split.mean_period_demand
        end as lead_time_demand,
        case
            when lead_time_split.incomplete_periods = 0 and lead_time_split.lead_time_periods is not null
                then
                    covered_sums.covered_variance
                    + lead_time_split.extrapolated_lead_time_periods * lead_time_split.mean_period_variance
        end as lead_time_variance,
        case
            when lead_time_split.incomplete_periods = 0
                then lead_time_split.mean_period_demand * 365 / {{ period_days() }}
        end as annual_demand
    from lead_time_split
    inner join covered_sums
        on
            lead_time_split.store_id = covered_sums.store_id
            and lead_time_split.item_id = covered_sums.item_id
),

safety_stock as (
    select
        *,
        {{ normal_quantile('service_level') }} as service_level_z,
        sqrt(lead_time_variance) as lead_time_demand_sigma,
        {{ normal_quantile('service_level') }} * sqrt(lead_time_variance) as safety_stock,
        lead_time_demand + {{ normal_quantile('service_level') }} * sqrt(lead_time_variance) as reorder_point
    from lead_time_demand
),

order_quantity as (
    select
        *,
        case
            when annual_demand <= 0 then 0
            when order_cost is not null and holding_cost_rate * unit_cost > 0
                then sqrt(2 * annual_demand * order_cost / (holding_cost_rate * unit_cost))
        end as economic_order_quantity,
        case
            when lead_time_days is null then 'missing_lead_time'
            when service_level is null then 'missing_service_level'
            when service_level_z is null then 'invalid_service_level'
            when incomplete_periods > 0 then 'incomplete_forecast'
            when lead_time_demand = 0 and lead_time_variance = 0 then 'zero_demand'
            when lead_time_variance = 0 then 'zero_variance'
            else 'ok'
        end as reorder_point_status,
        case
            when incomplete_periods > 0 then 'incomplete_forecast'
            when annual_demand <= 0 then 'zero_demand'
            when unit_cost is null then 'missing_unit_cost'
            when order_cost is null then 'missing_order_cost'
            when holding_cost_rate is null then 'missing_holding_cost_rate'
            when holding_cost_rate * unit_cost = 0 then 'zero_holding_cost'
            else 'ok'
        end as eoq_status
    from safety_stock
),

stock_position as (
    select
        order_quantity.*,
        stock.on_hand_quantity,
        {# A stock row with a blank on-order cell has nothing on order. -#}
        case when stock.item_id is not null then coalesce(stock.on_order_quantity, 0) end as on_order_quantity,
        stock.on_hand_quantity + coalesce(stock.on_order_quantity, 0) as inventory_position
    from order_quantity
    left join stock
        on
            order_quantity.store_id = stock.store_id
            and order_quantity.item_id = stock.item_id
),

final as (
    select
        stock_position.store_id,
        stock_position.item_id,
        items.department_id,
        items.category_id,
        stock_position.forecast_origin_date,
        stock_position.model_name,
        stock_position.model_version,
        stock_position.invocation_id,
        stock_position.policy_source,
        stock_position.lead_time_days,
        stock_position.lead_time_periods,
        stock_position.service_level,
        stock_position.order_cost,
        stock_position.holding_cost_rate,
        stock_position.unit_cost,
        stock_position.horizon_periods,
        stock_position.forecast_lead_time_periods,
        stock_position.extrapolated_lead_time_periods,
        stock_position.extrapolated_lead_time_periods > 0 as is_lead_time_beyond_horizon,
        round(stock_position.mean_period_demand, 4) as mean_period_demand,
        round(stock_position.annual_demand, 4) as annual_demand,
        round(stock_position.lead_time_demand, 4) as lead_time_demand,
        round(stock_position.lead_time_demand_sigma, 4) as lead_time_demand_sigma,
        round(stock_position.service_level_z, 4) as service_level_z,
        round(stock_position.safety_stock, 4) as safety_stock,
        round(stock_position.reorder_point, 4) as reorder_point,
        stock_position.reorder_point_status,
        round(stock_position.economic_order_quantity, 4) as economic_order_quantity,
        stock_position.eoq_status,
        stock_position.on_hand_quantity,
        stock_position.on_order_quantity,
        stock_position.inventory_position,
        stock_position.inventory_position < stock_position.reorder_point as is_below_reorder_point,
        case
            when stock_position.on_hand_quantity is null then 'no_stock_provided'
            when stock_position.reorder_point is null then 'no_reorder_point'
            when stock_position.inventory_position < stock_position.reorder_point then 'below_reorder_point'
            else 'at_or_above_reorder_point'
        end as stock_status,
        {# Order up to at least the reorder point: the EOQ, or the shortfall when larger
            or when the EOQ is unknown. -#}
        case
            when stock_position.inventory_position < stock_position.reorder_point
                then ceil(greatest(
                        coalesce(stock_position.economic_order_quantity, 0),
                        stock_position.reorder_point - stock_position.inventory_position
                    ))
            when stock_position.inventory_position >= stock_position.reorder_point then 0
        end as recommended_order_quantity
    from stock_position
    left join items
        on stock_position.item_id = items.item_id
)

select * from final
