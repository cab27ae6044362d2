{#- The store totals of fct_recent_actuals, for the forecast review's "store total": one
    row per store_id, period_end_date. The quantity is the sum over the store's series in
    their active range; null where no data arrived for the store (its batch is missing:
    every series of the store is then without data). -#}

with

actuals as (
    select * from {{ ref('fct_recent_actuals') }}
),

run_context as (
    select
        as_of_date,
        invocation_id
    from {{ ref('stg_run_context') }}
),

store_totals as (
    select
        store_id,
        period_end_date,
        sum(quantity) as quantity,
        count(*) as series_count,
        count(case when is_no_data then 1 end) as series_no_data
    from actuals
    group by store_id, period_end_date
),

final as (
    select
        store_totals.store_id,
        store_totals.period_end_date,
        store_totals.quantity,
        store_totals.series_count,
        store_totals.series_no_data,
        run_context.as_of_date,
        run_context.invocation_id
    from store_totals
    cross join run_context
)

select * from final
