{#- One row per raw event row (per filled event slot of M5's calendar), typed, with the
    reason it cannot be used, if any. -#}
{%- set columns = input_columns('events') -%}

with

{% if var('input_format') == 'm5' -%}

calendar as (
    select * from {{ source('raw', 'm5_calendar') }}
),

renamed as (
    {%- for slot in [1, 2] %}
    select
        _source_file as source_file,
        _source_row_number as source_row_number,
        false as has_extra_fields,
        date as raw_event_date,
        event_name_{{ slot }} as raw_event_name,
        event_type_{{ slot }} as raw_event_type
    from calendar
    where {{ clean_text('event_name_' ~ slot) }} is not null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

{%- else %}

source as (
    select * from {{ source('raw', 'events') }}
),

renamed as (
    select
        _source_file as source_file,
        _source_row_number as source_row_number,
        {{ has_extra_fields('events') }} as has_extra_fields,
        {{ raw_column_or_null('events', columns['event_date']) }} as raw_event_date,
        {{ raw_column_or_null('events', columns['event_name']) }} as raw_event_name,
        {{ raw_column_or_null('events', columns['event_type']) }} as raw_event_type
    from source
),

{%- endif %}

cleaned as (
    select
        *,
        {{ clean_text('raw_event_date') }} as event_date_text,
        lower({{ clean_text('raw_event_name') }}) as event_name,
        lower({{ clean_text('raw_event_type') }}) as event_type
    from renamed
),

typed as (
    select
        *,
        {{ parse_date('event_date_text') }} as event_date
    from cleaned
),

final as (
    select
        source_file,
        source_row_number,
        raw_event_date,
        raw_event_name,
        raw_event_type,
        event_date,
        event_name,
        coalesce(event_type, 'unspecified') as event_type,
        case
            when has_extra_fields then 'extra_fields'
            when event_name is null then 'null_key'
            {#- Calendars list future holidays: those are known in advance. -#}
            {{ date_rejection_reason('event_date_text', 'event_date', allow_future=true) }}
        end as key_rejection_reason,
        cast(null as varchar) as value_rejection_reason
    from typed
)

select * from final
