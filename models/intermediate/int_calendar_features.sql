{{ config(materialized='table') }}

{#- One row per period_end_date from the first period to forecast_horizon_periods past the
    as-of date: facts of the calendar, known in advance, for the period being forecast. -#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}
{%- set season = feature_setting('season_length_periods') %}

with

run_context as (
    select
        {{ period_end_date('earliest_valid_sales_date') }} as first_period_end_date,
        {{ period_end_date('as_of_date') }} as as_of_period_end_date
    from {{ ref('stg_run_context') }}
),

spine as (
    {{ period_spine_sql(
        '(select first_period_end_date from run_context)',
        '(select ' ~ add_periods('as_of_period_end_date', horizon) ~ ' from run_context)',
        period_days()) }}
),

events as (
    select * from {{ ref('stg_calendar_events') }}
),

holiday_flags as (
    {#- Holiday flags carried by the sales feed itself (Walmart's IsHoliday). -#}
    select distinct period_end_date
    from {{ ref('stg_sales') }}
    where is_holiday
),

events_by_period as (
    select
        {{ period_end_date('event_date') }} as period_end_date,
        count(*) as event_count,
        max(case when event_type in ('holiday', 'national') then 1 else 0 end) as has_holiday_event,
        min(event_type) as event_type
    from events
    group by {{ period_end_date('event_date') }}
),

event_dates as (
    select distinct event_date from events
),

flagged as (
    select
        spine.period_end_date,
        coalesce(events_by_period.event_count, 0) as event_count,
        coalesce(events_by_period.event_type, 'none') as event_type,
        coalesce(events_by_period.has_holiday_event, 0) = 1
        or holiday_flags.period_end_date is not null as is_holiday_period,
        (
            select min(event_dates.event_date)
            from event_dates
            where event_dates.event_date >= spine.period_end_date
        ) as next_event_date,
        (
            select max(event_dates.event_date)
            from event_dates
            where event_dates.event_date <= spine.period_end_date
        ) as last_event_date
    from spine
    left join events_by_period
        on spine.period_end_date = events_by_period.period_end_date
    left join holiday_flags
        on spine.period_end_date = holiday_flags.period_end_date
),

final as (
    select
        period_end_date,
        {{ iso_day_of_week('period_end_date') }} as day_of_week,
        extract(week from period_end_date) as week_of_year,
        extract(month from period_end_date) as month_of_year,
        extract(day from period_end_date) as day_of_month,
        event_count,
        event_type,
        is_holiday_period,
        lag(is_holiday_period, {{ season }}) over (order by period_end_date) as is_holiday_period_last_year,
        {{ dbt.datediff('period_end_date', 'next_event_date', 'day') }}
            as days_to_next_event,
        {{ dbt.datediff('last_event_date', 'period_end_date', 'day') }}
            as days_since_last_event
    from flagged
)

select * from final
