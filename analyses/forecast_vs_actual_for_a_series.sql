-- One series, period by period: the actual quantity over the last analysis_lookback_days
-- days (default 91), the latest backtest forecast for those periods, and the freshest
-- published forecast for every period (past ones from fct_forecast_history, the
-- horizon ahead from the latest run), with its 80% and 95% intervals. Ready to plot.
-- Pick the series with --vars '{analysis_store_id: S01, analysis_item_id: I001}'
-- (default: the first store, then its first item).

{%- set store_id = var('analysis_store_id', none) %}
{%- set item_id = var('analysis_item_id', none) %}
{%- set lookback_days = var('analysis_lookback_days', 91) | int %}
{%- set store_expression = sql_string(store_id) if store_id else 'min(store_id)' %}
{%- set item_expression = sql_string(item_id) if item_id else 'min(published_series.item_id)' %}

with

run_context as (
    select * from {{ ref('stg_run_context') }}
),

actuals as (
    select * from {{ ref('int_sales_gap_filled') }}
),

forecasts as (
    {#- XGBoost's rows, with the intervals forecast_candidates gives every candidate. #}
    select * from {{ ref('forecast_candidates') }}
    where model_name = 'xgboost'
),

history as (
    select * from {{ ref('fct_forecast_history') }}
),

published_series as (
    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id
    from {{ ref('fct_forecasts') }}
),

chosen_store as (
    select {{ store_expression }} as store_id
    from published_series
),

chosen_series as (
    select
        chosen_store.store_id,
        {{ item_expression }} as item_id
    from chosen_store
    left join published_series
        on chosen_store.store_id = published_series.store_id
    group by chosen_store.store_id
),

series_actuals as (
    select
        actuals.period_end_date as target_date,
        actuals.quantity as actual_quantity,
        actuals.is_no_data
    from actuals
    inner join chosen_series
        on
            actuals.store_id = chosen_series.store_id
            and actuals.item_id = chosen_series.item_id
    cross join run_context
    where actuals.period_end_date > {{ dbt.dateadd('day', -lookback_days, 'run_context.as_of_date') }}
),

backtests_ranked as (
    select
        forecasts.target_date,
        forecasts.cutoff_date as backtest_origin_date,
        forecasts.predicted_quantity as backtest_quantity,
        row_number() over (
            partition by forecasts.target_date order by forecasts.cutoff_date desc
        ) as freshness_rank
    from forecasts
    inner join chosen_series
        on
            cast(forecasts.store_id as {{ dbt.type_string() }}) = chosen_series.store_id
            and cast(forecasts.item_id as {{ dbt.type_string() }}) = chosen_series.item_id
    where forecasts.is_backtest
),

published_ranked as (
    select
        history.target_date,
        history.forecast_origin_date,
        history.model_version,
        history.predicted_quantity,
        history.lower_80,
        history.upper_80,
        history.lower_95,
        history.upper_95,
        row_number() over (
            partition by history.target_date
            order by history.forecast_origin_date desc, history.published_at desc
        ) as freshness_rank
    from history
    inner join chosen_series
        on
            cast(history.store_id as {{ dbt.type_string() }}) = chosen_series.store_id
            and cast(history.item_id as {{ dbt.type_string() }}) = chosen_series.item_id
),

target_dates as (
    select target_date from series_actuals
    union
    select target_date from backtests_ranked
    where freshness_rank = 1
    union
    select target_date from published_ranked
    where freshness_rank = 1
),

final as (
    select
        chosen_series.store_id,
        chosen_series.item_id,
        target_dates.target_date,
        target_dates.target_date > run_context.as_of_date as is_future,
        series_actuals.actual_quantity,
        series_actuals.is_no_data,
        backtests_ranked.backtest_origin_date,
        backtests_ranked.backtest_quantity,
        published_ranked.forecast_origin_date,
        published_ranked.model_version,
        published_ranked.predicted_quantity,
        published_ranked.lower_80,
        published_ranked.upper_80,
        published_ranked.lower_95,
        published_ranked.upper_95
    from target_dates
    cross join chosen_series
    cross join run_context
    left join series_actuals
        on target_dates.target_date = series_actuals.target_date
    left join backtests_ranked
        on
            target_dates.target_date = backtests_ranked.target_date
            and backtests_ranked.freshness_rank = 1
    left join published_ranked
        on
            target_dates.target_date = published_ranked.target_date
            and published_ranked.freshness_rank = 1
    where target_dates.target_date > {{ dbt.dateadd('day', -lookback_days, 'run_context.as_of_date') }}
)

select * from final
order by target_date asc
