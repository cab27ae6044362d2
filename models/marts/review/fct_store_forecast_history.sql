{%- set periods = feature_setting('review_actuals_periods') %}

{#- The store totals of the published forecasts, for the forecast review's "store total":
    one row per store_id, forecast_origin_date, target_date, for the origins on or after
    the first period of fct_recent_actuals (the forecasts that can be set against the
    actuals it holds, and the latest one), so that it stays bounded by stores x
    review_actuals_periods x horizon. Point forecasts add up over the store's series; a
    baseline's total is null unless every series has that baseline. Interval bounds do
    not add up (a sum of quantiles is no quantile of the sum): the totals have none. -#}

with

history as (
    select * from {{ ref('fct_forecast_history') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

window_start as (
    select {{ add_periods('max(period_end_date)', 1 - periods) }} as first_period_end_date
    from spine
),

recent as (
    select history.*
    from history
    inner join window_start
        on history.forecast_origin_date >= window_start.first_period_end_date
),

final as (
    select
        store_id,
        forecast_origin_date,
        target_date,
        horizon_step,
        sum(predicted_quantity) as predicted_quantity,
        case
            when count(seasonal_naive_quantity) = count(*) then sum(seasonal_naive_quantity)
        end as seasonal_naive_quantity,
        case
            when count(moving_average_quantity) = count(*) then sum(moving_average_quantity)
        end as moving_average_quantity,
        count(*) as series_count,
        {#- One run publishes an origin (a rerun replaces all its rows): these are the
            origin's, and the unique test on the grain would catch two. #}
        invocation_id,
        published_at
    from recent
    group by store_id, forecast_origin_date, target_date, horizon_step, invocation_id, published_at
)

select * from final
