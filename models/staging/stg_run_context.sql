{{ config(materialized='table', post_hook="{{ check_run_context(this) }}") }}

{#- One row: the facts every model of this run shares (as-of date, frequency, run ids).
    The post-hook (macros/inputs/validate_as_of.sql) turns an unusable row (no sales rows,
    no date parsed, an as-of date before the data) into an error naming the var to fix. -#}

{%- set min_share = as_of_min_reporting_share() %}
{%- set reference_periods = feature_setting('as_of_reference_periods') %}

with

parsed_sales as (
    select * from {{ ref('base_sales__parsed') }}
),

valid_sales as (
    {#- Rows with a trustworthy key and date say how far the data reaches, even when
        their value is bad: a bad value must not move "today". -#}
    select
        sales_date,
        store_id,
        item_id
    from parsed_sales
    where key_rejection_reason is null
),

parsing as (
    {#- What the sales input gave at all: the post-hook names the var to fix when it gave
        no row, or no date that var date_format reads. -#}
    select
        count(*) as parsed_sales_rows,
        count(sales_date) as dated_sales_rows,
        min(case when sales_date is null then raw_sales_date end) as sample_unparsed_sales_date
    from parsed_sales
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

week_end as (
    select
        {%- if var('week_ending_day') != 'auto' %} {{ var('week_ending_day') | int }}
        {%- elif var('frequency') == 'week' %} coalesce(most_common_weekday.sales_isodow, 7)
        {%- else %} 7
        {%- endif %} as week_end_isodow
    from most_common_weekday
),

sales_periods as (
    {#- The period of each valid row. (Computed here, not with period_end_date(), which
        reads this model.) -#}
    select
        valid_sales.sales_date,
        valid_sales.store_id,
        valid_sales.item_id,
        {% if var('frequency') == 'week' -%}
        cast({{ dbt.dateadd(
            'day',
            'mod(week_end.week_end_isodow - ' ~ iso_day_of_week('valid_sales.sales_date') ~ ' + 7, 7)',
            'valid_sales.sales_date') }} as date)
        {%- else -%}
        valid_sales.sales_date
        {%- endif %} as period_end_date
    from valid_sales
    cross join week_end
),

period_reports as (
    {#- One aggregate pass over the rows: how many series reported in each period. -#}
    select
        period_end_date,
        max(sales_date) as latest_sales_date,
        count(*) as row_count,
        count(distinct {{ dbt.concat(['store_id', "'|'", 'item_id']) }}) as reporting_series
    from sales_periods
    group by period_end_date
),

period_references as (
    {#- A period is reported when at least var as_of_min_reporting_share of the series
        that reported in the busiest of the preceding as_of_reference_periods periods with
        data reported in it too. A stray row far after the data (a typo'd year) is one
        series against a whole panel; the first period has nothing to compare with.
        A window over periods (a few thousand rows), not over sales rows. -#}
    select
        period_end_date,
        latest_sales_date,
        row_count,
        reporting_series,
        max(reporting_series) over (
            order by period_end_date
            rows between {{ reference_periods }} preceding and 1 preceding
        ) as reference_series
    from period_reports
),

classified_periods as (
    select
        *,
        coalesce(reporting_series >= {{ min_share }} * reference_series, true) as is_reported
    from period_references
),

default_as_of as (
    select max(latest_sales_date) as reported_sales_date
    from classified_periods
    where is_reported
),

sparse_tail as (
    {#- Rows after the default as-of date: invisible to the run (beyond_as_of) unless var
        as_of_date says otherwise; named here so they are not silently ignored. -#}
    select
        sum(classified_periods.row_count) as sparse_tail_rows,
        {{ ordered_string_agg(
            "cast(classified_periods.latest_sales_date as " ~ dbt.type_string() ~ ")",
            "', '",
            order_by="classified_periods.latest_sales_date",
            limit=10) }} as sparse_tail_dates
    from classified_periods
    cross join default_as_of
    where classified_periods.latest_sales_date > default_as_of.reported_sales_date
),

final as (
    select
        {% if var('as_of_date') -%}
        cast({{ sql_string(var('as_of_date')) }} as date)
        {%- else -%}
        default_as_of.reported_sales_date
        {%- endif %} as as_of_date,
        {{ 'true' if var('as_of_date') else 'false' }} as is_as_of_date_from_var,
        default_as_of.reported_sales_date as default_as_of_date,
        coalesce(sparse_tail.sparse_tail_rows, 0) as sparse_tail_rows,
        sparse_tail.sparse_tail_dates,
        latest.earliest_valid_sales_date,
        latest.latest_valid_sales_date,
        parsing.parsed_sales_rows,
        parsing.dated_sales_rows,
        parsing.sample_unparsed_sales_date,
        {{ sql_string(var('frequency')) }} as frequency,
        week_end.week_end_isodow,
        {{ period_days() }} as period_days,
        {{ feature_setting('training_window_periods') * period_days() }} as training_window_days,
        {{ sql_string(invocation_id) }} as invocation_id,
        cast({{ sql_string(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp) as run_started_at
    from latest
    cross join week_end
    cross join default_as_of
    cross join sparse_tail
    cross join parsing
)

select * from final
