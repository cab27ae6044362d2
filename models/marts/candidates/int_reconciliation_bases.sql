{#- The base forecasts of every node of the store hierarchy for the reconciled candidate
    (forecast_reconciled): as int_hierarchy_forecasts, but a series' base is the forecast
    of the candidate var reconciled_base_model (int_candidate_point_forecasts, before
    selection, so the reconciled forecast can compete in model_selection) instead of the
    final forecast. Aggregates: Prophet's split rows summed where Prophet forecasts their
    level and covers the node's series, else the sum of the series' bases (macro
    hierarchy_node_rows). At every backtest origin and the as-of date; no rows when the
    var is null. One row per node_id, cutoff_date, horizon_step. -#}

{%- set base_model = var('reconciled_base_model') %}

with

points as (
    select * from {{ ref('int_candidate_point_forecasts') }}
),

items as (
    select * from {{ ref('stg_items') }}
),

bottom as (
    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        cutoff_date,
        horizon_step,
        target_date,
        is_backtest,
        cast(predicted_quantity as {{ type_double() }}) as predicted_quantity,
        cast(actual_quantity as {{ type_double() }}) as actual_quantity,
        cast(null as {{ type_double() }}) as lower_80,
        cast(null as {{ type_double() }}) as upper_80,
        cast(null as {{ type_double() }}) as lower_95,
        cast(null as {{ type_double() }}) as upper_95
    from points
    where
        {{ 'model_name = ' ~ sql_string(base_model) if base_model else 'false' }}
        and predicted_quantity is not null
),

{{ hierarchy_node_rows('bottom', 'points', 'items', 'base_candidate') }}

select * from final
