{#- One row per store_id, item_id: its active range and how much of it is covered by
    rows, explicit zeros ("sold nothing"), and missing periods of each kind. -#}

with

sales as (
    select * from {{ ref('stg_sales') }}
),

missing as (
    select * from {{ ref('dq_missing_periods') }}
),

series as (
    select
        store_id,
        item_id,
        min(period_end_date) as first_period_end_date,
        max(period_end_date) as last_period_end_date,
        count(distinct period_end_date) as periods_with_rows,
        count(distinct case when quantity = 0 then period_end_date end) as periods_sold_nothing
    from sales
    group by store_id, item_id
),

missing_by_series as (
    select
        store_id,
        item_id,
        count(case when missing_kind = 'no_data_arrived' then 1 end) as periods_no_data_arrived,
        count(case when missing_kind = 'series_absent' then 1 end) as periods_series_absent
    from missing
    group by store_id, item_id
),

counted as (
    select
        series.store_id,
        series.item_id,
        series.first_period_end_date,
        series.last_period_end_date,
        series.periods_with_rows,
        series.periods_sold_nothing,
        coalesce(missing_by_series.periods_no_data_arrived, 0) as periods_no_data_arrived,
        coalesce(missing_by_series.periods_series_absent, 0) as periods_series_absent
    from series
    left join missing_by_series
        on
            series.store_id = missing_by_series.store_id
            and series.item_id = missing_by_series.item_id
),

final as (
    select
        *,
        periods_with_rows + periods_no_data_arrived + periods_series_absent as periods_in_active_range,
        cast(periods_with_rows as double)
        / (periods_with_rows + periods_no_data_arrived + periods_series_absent) as share_of_periods_with_rows
    from counted
)

select * from final
