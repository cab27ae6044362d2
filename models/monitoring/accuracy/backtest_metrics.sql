{#- Backtest accuracy: one row per model_name, cutoff_date (origin) and horizon bucket
    ('all' for every step), measured on the same rows for every model: the XGBoost
    backtest rows and the baselines' forecasts for those rows. -#}

with

xgboost as (
    select * from {{ ref('forecast_xgboost') }}
    where is_backtest
),

baselines as (
    select * from {{ ref('baseline_forecasts') }}
),

predictions as (
    select
        model_name,
        cutoff_date,
        horizon_step,
        predicted_quantity,
        actual_quantity,
        lower_80,
        upper_80,
        lower_95,
        upper_95
    from xgboost
    union all
    select
        baselines.model_name,
        baselines.cutoff_date,
        baselines.horizon_step,
        baselines.predicted_quantity,
        baselines.actual_quantity,
        cast(null as double) as lower_80,
        cast(null as double) as upper_80,
        cast(null as double) as lower_95,
        cast(null as double) as upper_95
    from baselines
    inner join xgboost
        on
            baselines.store_id = xgboost.store_id
            and baselines.item_id = xgboost.item_id
            and baselines.cutoff_date = xgboost.cutoff_date
            and baselines.horizon_step = xgboost.horizon_step
),

bucketed as (
    select
        *,
        case
            when horizon_step <= {{ (feature_setting('forecast_horizon_periods') / 4) | round(0, 'ceil') | int }}
                then 'first quarter'
            when horizon_step <= {{ (feature_setting('forecast_horizon_periods') / 2) | round(0, 'ceil') | int }}
                then 'second quarter'
            else 'second half'
        end as horizon_bucket
    from predictions
    {#- A baseline without history for a row (a new item) is scored as forecasting 0. -#}
),

by_bucket as (
    select
        model_name,
        cutoff_date,
        horizon_bucket,
        {{ accuracy_metrics() }}
    from bucketed
    group by model_name, cutoff_date, horizon_bucket
),

overall as (
    select
        model_name,
        cutoff_date,
        'all' as horizon_bucket,
        {{ accuracy_metrics() }}
    from bucketed
    group by model_name, cutoff_date
),

final as (
    select * from by_bucket
    union all
    select * from overall
)

select * from final
