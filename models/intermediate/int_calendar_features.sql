{{ config(materialized='table') }}

{#- One row per store_id, period_end_date from the first period to forecast_horizon_periods
    past the as-of date: facts of the calendar, known in advance, for the period being
    forecast. Store-aware because events can be local: a store sees the events that apply
    to it (int_calendar_events, macro event_applies_to_store). The sales feed's own holiday
    flag (Walmart's IsHoliday) is national: it marks the period for every store. -#}

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
    select * from {{ ref('int_calendar_events') }}
),

store_master as (
    select * from {{ ref('stg_stores') }}
),

series_ranges as (
    select * from {{ ref('int_series_active_ranges') }}
),

sales as (
    select * from {{ ref('stg_sales') }}
),

series_stores as (
    select distinct store_id from series_ranges
),

stores as (
    {#- The stores of the series, with their attributes (null without a store master). -#}
    select
        {%- for column in event_locale_store_attributes() %}
        store_master.{{ column }},
        {%- endfor %}
        series_stores.store_id
    from series_stores
    left join store_master
        on series_stores.store_id = store_master.store_id
),

store_events as (
    select
        stores.store_id,
        events.event_date,
        events.event_type,
        events.is_holiday_event
    from events
    inner join stores
        on {{ event_applies_to_store('events', 'stores') }}
),

holiday_flags as (
    {#- Holiday flags carried by the sales feed itself (Walmart's IsHoliday). -#}
    select distinct period_end_date
    from sales
    where is_holiday
),

events_by_period as (
    select
        store_id,
        {{ period_end_date('event_date') }} as period_end_date,
        count(*) as event_count,
        max(case when is_holiday_event then 1 else 0 end) as has_holiday_event,
        min(event_type) as event_type
    from store_events
    group by store_id, {{ period_end_date('event_date') }}
),

event_dates as (
    select distinct
        store_id,
        event_date
    from store_events
),

store_periods as (
    select
        stores.store_id,
        spine.period_end_date
    from stores
    cross join spine
),

flagged as (
    select
        store_periods.store_id,
        store_periods.period_end_date,
        coalesce(events_by_period.event_count, 0) as event_count,
        coalesce(events_by_period.event_type, 'none') as event_type,
        coalesce(events_by_period.has_holiday_event, 0) = 1
        or holiday_flags.period_end_date is not null as is_holiday_period,
        (
            select min(event_dates.event_date)
            from event_dates
            where
                event_dates.store_id = store_periods.store_id
                and event_dates.event_date >= store_periods.period_end_date
        ) as next_event_date,
        (
            select max(event_dates.event_date)
            from event_dates
            where
                event_dates.store_id = store_periods.store_id
                and event_dates.event_date <= store_periods.period_end_date
        ) as last_event_date
    from store_periods
    left join events_by_period
        on
            store_periods.store_id = events_by_period.store_id
            and store_periods.period_end_date = events_by_period.period_end_date
    left join holiday_flags
        on store_periods.period_end_date = holiday_flags.period_end_date
),

final as (
    select
        store_id,
        period_end_date,
        {{ iso_day_of_week('period_end_date') }} as day_of_week,
        extract(week from period_end_date) as week_of_year,
        extract(month from period_end_date) as month_of_year,
        extract(day from period_end_date) as day_of_month,
        event_count,
        event_type,
        is_holiday_period,
        lag(is_holiday_period, {{ season }}) over (
            partition by store_id order by period_end_date
        ) as is_holiday_period_last_year,
        {{ days_between('period_end_date', 'next_event_date') }}
            as days_to_next_event,
        {{ days_between('last_event_date', 'period_end_date') }}
            as days_since_last_event
    from flagged
)

select * from final
