{#- One row per raw event row (per filled event slot of M5's calendar), typed, with the
    reason it cannot be used, if any. locale_level (national, regional, local, ...) and
    locale_name say where the event is celebrated (no locale: national); is_transferred
    marks a holiday moved to another day (the row of its new date carries it). -#}

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
        event_type_{{ slot }} as raw_event_type,
        cast(null as {{ text_type() }}) as raw_locale_level,
        cast(null as {{ text_type() }}) as raw_locale_name,
        cast(null as {{ text_type() }}) as raw_is_transferred
    from calendar
    where {{ clean_text('event_name_' ~ slot) }} is not null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

{%- else %}

{{ canonical_renamed('events') }}

{%- endif %}

cleaned as (
    select
        *,
        {{ clean_text('raw_event_date') }} as event_date_text,
        lower({{ clean_text('raw_event_name') }}) as event_name,
        lower({{ clean_text('raw_event_type') }}) as event_type,
        lower({{ clean_text('raw_locale_level') }}) as locale_level,
        {{ clean_text('raw_locale_name') }} as locale_name,
        {{ clean_text('raw_is_transferred') }} as is_transferred_text
    from renamed
),

typed as (
    select
        *,
        {{ parse_date('event_date_text') }} as event_date,
        {{ parse_boolean('is_transferred_text') }} as is_transferred
    from cleaned
),

final as (
    select
        source_file,
        source_row_number,
        raw_event_date,
        raw_event_name,
        raw_event_type,
        raw_locale_level,
        raw_locale_name,
        raw_is_transferred,
        event_date,
        event_name,
        coalesce(event_type, 'unspecified') as event_type,
        {#- No locale: the event is national, it applies to every store. #}
        coalesce(locale_level, 'national') as locale_level,
        locale_name,
        coalesce(is_transferred, false) as is_transferred,
        case
            when has_extra_fields then 'extra_fields'
            when event_name is null then 'null_key'
            {#- Calendars list future holidays: those are known in advance. -#}
            {{ date_rejection_reason('event_date_text', 'event_date', allow_future=true) }}
        end as key_rejection_reason,
        case
            when is_transferred_text is not null and is_transferred is null then 'unparseable_is_transferred'
        end as value_rejection_reason
    from typed
)

select * from final
