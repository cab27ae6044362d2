{#- The latest published forecast: one row per store_id, item_id, target_date, from the
    as-of date's origin, with its model version, intervals and the baselines beside it. -#}

with

xgboost as (
    select * from {{ ref('forecast_xgboost') }}
    where not is_backtest
),

baselines as (
    select * from {{ ref('baseline_forecasts') }}
    where is_scoring_row
),

run_context as (
    select * from {{ ref('stg_run_context') }}
),

final as (
    select
        xgboost.store_id,
        xgboost.item_id,
        xgboost.target_date,
        xgboost.cutoff_date as forecast_origin_date,
        xgboost.horizon_step,
        xgboost.model_name,
        xgboost.model_version,
        xgboost.predicted_quantity,
        xgboost.lower_80,
        xgboost.upper_80,
        xgboost.lower_95,
        xgboost.upper_95,
        seasonal_naive.predicted_quantity as seasonal_naive_quantity,
        moving_average.predicted_quantity as moving_average_quantity,
        run_context.invocation_id,
        run_context.run_started_at as published_at
    from xgboost
    left join baselines as seasonal_naive
        on
            xgboost.store_id = seasonal_naive.store_id
            and xgboost.item_id = seasonal_naive.item_id
            and xgboost.cutoff_date = seasonal_naive.cutoff_date
            and xgboost.horizon_step = seasonal_naive.horizon_step
            and seasonal_naive.model_name = 'seasonal_naive'
    left join baselines as moving_average
        on
            xgboost.store_id = moving_average.store_id
            and xgboost.item_id = moving_average.item_id
            and xgboost.cutoff_date = moving_average.cutoff_date
            and xgboost.horizon_step = moving_average.horizon_step
            and moving_average.model_name = 'moving_average'
    cross join run_context
)

select * from final
