{#- One row per raw store row (per distinct store of M5's sales file), typed, with the
    reason it cannot be used, if any. -#}

with

{% if var('input_format') == 'm5' -%}

{{ m5_master_from_sales(
    {
        'raw_store_id': 'store_id',
        'raw_store_name': 'store_id',
        'raw_region': 'state_id',
        'raw_city': 'cast(null as ' ~ text_type() ~ ')',
        'raw_store_type': 'cast(null as ' ~ text_type() ~ ')',
        'raw_store_size': 'cast(null as ' ~ text_type() ~ ')'
    },
    group_by=['store_id', 'state_id']
) }}

{%- else %}

{{ canonical_renamed('stores') }}

{%- endif %}

cleaned as (
    select
        *,
        {{ clean_id('raw_store_id') }} as store_id,
        {{ clean_text('raw_store_name') }} as store_name,
        {{ clean_text('raw_region') }} as region,
        {{ clean_text('raw_city') }} as city,
        {{ clean_text('raw_store_type') }} as store_type,
        {{ clean_text('raw_store_size') }} as store_size_text
    from renamed
),

typed as (
    select
        *,
        {{ parse_number('store_size_text') }} as store_size
    from cleaned
),

final as (
    select
        source_file,
        source_row_number,
        raw_store_id,
        raw_store_name,
        raw_region,
        raw_city,
        raw_store_type,
        raw_store_size,
        store_id,
        store_name,
        region,
        city,
        store_type,
        store_size,
        case
            when has_extra_fields then 'extra_fields'
            when store_id is null then 'null_key'
        end as key_rejection_reason,
        case
            {{ number_rejection_reason('store_size_text', 'store_size', 'store_size') }}
            when store_size < 0 then 'negative_store_size'
        end as value_rejection_reason
    from typed
)

select * from final
