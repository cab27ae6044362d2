{#- One row per store_id: its latest sales date, the lag to the run's as-of date, and
    whether that lag exceeds the allowed lag (freshness_max_lag_periods periods plus
    freshness_grace_days). -#}

with

freshness as (
    {{ freshness_sql(ref('stg_sales'), 'sales_date', ['store_id']) }}
),

run_context as (
    select invocation_id from {{ ref('stg_run_context') }}
),

final as (
    select
        freshness.store_id,
        freshness.latest_date as latest_sales_date,
        freshness.as_of_date,
        freshness.lag_days,
        freshness.allowed_lag_days,
        freshness.is_stale,
        run_context.invocation_id
    from freshness
    cross join run_context
)

select * from final
