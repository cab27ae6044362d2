{#- One row per event as celebrated: event_date, event_name, locale_level, locale_name.
    A transferred holiday (is_transferred) is not an event on its date: the row of the day
    it moved to (Favorita's Transfer) carries it. store_match_column names the stg_stores
    column the locale_name must equal for the event to apply to a store (var
    event_locale_store_columns); null = every store. is_holiday_event: its type is one of
    var holiday_event_types. -#}

{%- set locale_columns = event_locale_store_columns() %}
{%- set holiday_types = [] %}
{%- for event_type in holiday_event_types() %}{% do holiday_types.append(sql_string(event_type)) %}{% endfor %}

with

events as (
    select * from {{ ref('stg_calendar_events') }}
),

final as (
    select
        event_date,
        event_name,
        event_type,
        locale_level,
        locale_name,
        case
            {%- for level, column in locale_columns.items() %}
            when locale_level = {{ sql_string(level) }} then {{ sql_string(column) }}
            {%- endfor %}
            when false then cast(null as {{ dbt.type_string() }})
        end as store_match_column,
        event_type in ({{ holiday_types | join(', ') }}) as is_holiday_event
    from events
    where not is_transferred
)

select * from final
