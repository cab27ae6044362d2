{#- The data-quality heatmap: one row per store_id, period_end_date from the store's
    first to its last period with a sales row. How many of the store's series were in
    their active range then (dq_series_completeness: first to last period with a row),
    and how many of them miss the period, by kind (dq_missing_periods). Bounded by stores
    x periods, whatever the number of series. -#}

with

series as (
    select * from {{ ref('dq_series_completeness') }}
),

missing as (
    select * from {{ ref('dq_missing_periods') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

run_context as (
    select
        as_of_date,
        invocation_id
    from {{ ref('stg_run_context') }}
),

range_changes as (
    {#- A series counts from its first period to its last: +1 at the first, -1 in the
        period after the last, summed over the periods in order (active). This costs
        stores x periods, where joining every series to every period of its range would
        cost series x periods. #}
    select
        store_id,
        first_period_end_date as period_end_date,
        1 as series_change
    from series
    union all
    select
        store_id,
        {{ add_periods('last_period_end_date', 1) }} as period_end_date,
        -1 as series_change
    from series
),

changes_by_period as (
    select
        store_id,
        period_end_date,
        sum(series_change) as series_change
    from range_changes
    group by store_id, period_end_date
),

store_ranges as (
    select
        store_id,
        min(first_period_end_date) as first_period_end_date,
        max(last_period_end_date) as last_period_end_date
    from series
    group by store_id
),

store_periods as (
    select
        store_ranges.store_id,
        spine.period_end_date
    from store_ranges
    inner join spine
        on spine.period_end_date between store_ranges.first_period_end_date
            and store_ranges.last_period_end_date
),

active as (
    select
        store_periods.store_id,
        store_periods.period_end_date,
        sum(coalesce(changes_by_period.series_change, 0)) over (
            partition by store_periods.store_id
            order by store_periods.period_end_date
            rows between unbounded preceding and current row
        ) as series_in_active_range
    from store_periods
    left join changes_by_period
        on
            store_periods.store_id = changes_by_period.store_id
            and store_periods.period_end_date = changes_by_period.period_end_date
),

missing_by_period as (
    select
        store_id,
        period_end_date,
        count(case when missing_kind = 'no_data_arrived' then 1 end) as series_no_data_arrived,
        count(case when missing_kind = 'series_absent' then 1 end) as series_absent
    from missing
    group by store_id, period_end_date
),

counted as (
    select
        active.store_id,
        active.period_end_date,
        cast(active.series_in_active_range as bigint) as series_in_active_range,
        coalesce(missing_by_period.series_no_data_arrived, 0) as series_no_data_arrived,
        coalesce(missing_by_period.series_absent, 0) as series_absent
    from active
    left join missing_by_period
        on
            active.store_id = missing_by_period.store_id
            and active.period_end_date = missing_by_period.period_end_date
),

final as (
    select
        counted.store_id,
        counted.period_end_date,
        counted.series_in_active_range,
        counted.series_no_data_arrived,
        counted.series_absent,
        cast(counted.series_no_data_arrived + counted.series_absent as double)
        / counted.series_in_active_range as share_of_series_missing,
        run_context.as_of_date,
        run_context.invocation_id
    from counted
    cross join run_context
)

select * from final
