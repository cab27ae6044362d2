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

most_common_weekday as (
    {#- A weekly feed dates each week by one weekday, which then ends the period; data
        spread over the week (a daily feed read weekly) gets weeks ending on Sunday. -#}
    select
        case
            when max(row_count) >= 0.9 * sum(row_count)
                then max(case when row_count = busiest_count then sales_isodow end)
            else 7
        end as sales_isodow
    from weekday_counts
    cross join (select max(busiest.row_count) as busiest_count from weekday_counts as busiest) as busiest_day
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
