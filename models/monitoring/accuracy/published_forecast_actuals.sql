{#- Every published forecast (fct_forecast_history) whose target period's actual has
    arrived, with that actual. One row per store_id, item_id, forecast_origin_date,
    horizon_step. The one place a published forecast is matched to its actual (the
    target period's quantity in int_sales_gap_filled; a period without a quantity has no
    actual yet): forecast_accuracy and the analysis worst_recent_accuracy read it. -#}

with

history as (
    select * from {{ ref('fct_forecast_history') }}
),

actuals as (
    select
        store_id,
        item_id,
        period_end_date,
        quantity
    from {{ ref('int_sales_gap_filled') }}
    where quantity is not null
),

final as (
    select
        history.model_version,
        history.store_id,
        history.item_id,
        history.forecast_origin_date,
        history.horizon_step,
        history.target_date,
        history.segment_id,
        history.model_name,
        history.predicted_quantity,
        history.lower_80,
        history.upper_80,
        history.lower_95,
        history.upper_95,
        history.seasonal_naive_quantity,
        history.moving_average_quantity,
        history.invocation_id,
        history.published_at,
        {{ horizon_bucket('history.horizon_step') }} as horizon_bucket,
        actuals.quantity as actual_quantity
    from history
    inner join actuals
        on
            history.store_id = actuals.store_id
            and history.item_id = actuals.item_id
            and history.target_date = actuals.period_end_date
)

select * from final
