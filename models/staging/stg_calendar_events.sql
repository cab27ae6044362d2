{#- Clean calendar events: one row per event_date, event_name, locale_level, locale_name. -#}

with

classified as (
    select * from {{ ref('base_events__classified') }}
),

final as (
    select
        event_date,
        event_name,
        event_type,
        locale_level,
        locale_name,
        is_transferred,
        source_file,
        source_row_number
    from classified
    where row_status = 'clean'
)

select * from final
