{{ config(materialized='table') }}

{#- One row: the facts every model of this run shares (as-of date, frequency, run ids). -#}

with

valid_sales as (
    {#- Rows with a trustworthy key and date say how far the data reaches, even when
        their value is bad: a bad value must not move "today". -#}
    select sales_date
    from {{ ref('base_sales__parsed') }}
    where key_rejection_reason is null
),

latest as (
    select
        min(sales_date) as earliest_valid_sales_date,
        max(sales_date) as latest_valid_sales_date
    from valid_sales
),

weekday_counts as (
    select
        {{ iso_day_of_week('sales_date') }} as sales_isodow,
        count(*) as row_count
    from valid_sales
    group by {{ iso_day_of_week('sales_date') }}
),

busiest_weekday as (
    select
        max(row_count) as busiest_count,
        sum(row_count) as total_count
    from weekday_counts
),

most_common_weekday as (
    {#- A weekly feed dates each week by one weekday, which then ends the period; data
        spread over the week (a daily feed read weekly) gets weeks ending on Sunday. -#}
    select
        case
            when max(busiest_weekday.busiest_count) >= 0.9 * max(busiest_weekday.total_count)
                then max(weekday_counts.sales_isodow)
            else 7
        end as sales_isodow
    from weekday_counts
    inner join busiest_weekday
        on weekday_counts.row_count = busiest_weekday.busiest_count
),

final as (
    select
        {% if var('as_of_date') -%}
        cast({{ sql_string(var('as_of_date')) }} as date)
        {%- else -%}
        latest.latest_valid_sales_date
        {%- endif %} as as_of_date,
        latest.earliest_valid_sales_date,
        latest.latest_valid_sales_date,
        {{ sql_string(var('frequency')) }} as frequency,
        {% if var('week_ending_day') != 'auto' -%}
        {{ var('week_ending_day') | int }}
        {%- elif var('frequency') == 'week' -%}
        coalesce(most_common_weekday.sales_isodow, 7)
        {%- else -%}
        7
        {%- endif %} as week_end_isodow,
        {{ sql_string(invocation_id) }} as invocation_id,
        cast({{ sql_string(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp) as run_started_at
    from latest
    cross join most_common_weekday
)

select * from final
