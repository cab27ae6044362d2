-- Which series has the forecast served worst lately? Accuracy per store x item over the
-- periods that ended in the last analysis_recent_days days (default 28) before the as-of
-- date, worst WAPE first (analysis_top_n rows, default 20). Two kinds of forecast with a
-- known actual count: the XGBoost backtests of the latest run (forecast_candidates) and every
-- published forecast whose target has since been observed (published_forecast_actuals);
-- a target scored by several origins counts once per origin.
-- Metrics as in backtest_metrics (macro accuracy_metrics).

{%- set recent_days = var('analysis_recent_days', 28) | int %}
{%- set top_n = var('analysis_top_n', 20) | int %}

with

run_context as (
    select * from {{ ref('stg_run_context') }}
),

forecasts as (
    {#- XGBoost's rows, with the intervals forecast_candidates gives every candidate. #}
    select * from {{ ref('forecast_candidates') }}
    where model_name = 'xgboost'
),

scored_history as (
    {#- Published forecasts with the actual of their target, matched by that model. #}
    select * from {{ ref('published_forecast_actuals') }}
),

backtest_rows as (
    select
        cast(forecasts.store_id as {{ dbt.type_string() }}) as store_id,
        cast(forecasts.item_id as {{ dbt.type_string() }}) as item_id,
        'backtest' as forecast_source,
        forecasts.target_date,
        forecasts.predicted_quantity,
        forecasts.actual_quantity,
        forecasts.lower_80,
        forecasts.upper_80,
        forecasts.lower_95,
        forecasts.upper_95
    from forecasts
    where
        forecasts.is_backtest
        and forecasts.actual_quantity is not null
),

published_rows as (
    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        'published' as forecast_source,
        target_date,
        predicted_quantity,
        actual_quantity,
        lower_80,
        upper_80,
        lower_95,
        upper_95
    from scored_history
),

recent_rows as (
    select scored_rows.*
    from (
        select * from backtest_rows
        union all
        select * from published_rows
    ) as scored_rows
    cross join run_context
    where
        scored_rows.target_date <= run_context.as_of_date
        and scored_rows.target_date > {{ dbt.dateadd('day', -recent_days, 'run_context.as_of_date') }}
),

by_series as (
    select
        store_id,
        item_id,
        min(target_date) as first_target_date,
        max(target_date) as last_target_date,
        sum(case when forecast_source = 'backtest' then 1 else 0 end) as backtest_rows,
        sum(case when forecast_source = 'published' then 1 else 0 end) as published_rows,
        sum(actual_quantity) as actual_total,
        sum(predicted_quantity) as predicted_total,
        {{ accuracy_metrics() }}
    from recent_rows
    group by store_id, item_id
),

final as (
    select * from by_series
)

select * from final
order by wape desc nulls last, store_id asc, item_id asc
limit {{ top_n }}
