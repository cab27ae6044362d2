-- The published forecast for one store over the next four weeks: one row per item and
-- period whose end date is at most 28 days after the forecast origin, with both
-- intervals and the baselines beside the model. Pick the store with
-- --vars '{analysis_store_id: S01}' (default: the first store); analysis_days_ahead
-- changes the 28.

{%- set store_id = var('analysis_store_id', none) %}
{%- set days_ahead = var('analysis_days_ahead', 28) | int %}
{%- set store_expression = sql_string(store_id) if store_id
    else 'min(cast(store_id as ' ~ dbt.type_string() ~ '))' %}

with

forecasts as (
    select * from {{ ref('fct_forecasts') }}
),

items as (
    select * from {{ ref('stg_items') }}
),

chosen_store as (
    select {{ store_expression }} as store_id
    from forecasts
),

final as (
    select
        chosen_store.store_id,
        cast(forecasts.item_id as {{ dbt.type_string() }}) as item_id,
        items.item_name,
        items.department_id,
        forecasts.forecast_origin_date,
        forecasts.target_date,
        forecasts.horizon_step,
        forecasts.predicted_quantity,
        forecasts.lower_80,
        forecasts.upper_80,
        forecasts.lower_95,
        forecasts.upper_95,
        forecasts.seasonal_naive_quantity,
        forecasts.moving_average_quantity,
        forecasts.model_version
    from forecasts
    inner join chosen_store
        on cast(forecasts.store_id as {{ dbt.type_string() }}) = chosen_store.store_id
    left join items
        on cast(forecasts.item_id as {{ dbt.type_string() }}) = items.item_id
    where
        forecasts.target_date > forecasts.forecast_origin_date
        and forecasts.target_date <= {{ dbt.dateadd('day', days_ahead, 'forecasts.forecast_origin_date') }}
)

select * from final
order by item_id asc, target_date asc
