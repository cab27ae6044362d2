{#- One row per raw item row (per distinct item of M5's sales file), typed, with the
    reason it cannot be used, if any. -#}

with

{% if var('input_format') == 'm5' -%}

{{ m5_master_from_sales(
    {
        'raw_item_id': 'item_id',
        'raw_item_name': 'item_id',
        'raw_department_id': 'dept_id',
        'raw_category_id': 'cat_id'
    },
    group_by=['item_id', 'dept_id', 'cat_id']
) }}

{%- else %}

{{ canonical_renamed('items') }}

{%- endif %}

cleaned as (
    select
        *,
        {{ clean_id('raw_item_id') }} as item_id,
        {{ clean_text('raw_item_name') }} as item_name,
        {{ clean_id('raw_department_id') }} as department_id,
        {{ clean_id('raw_category_id') }} as category_id
    from renamed
),

final as (
    select
        source_file,
        source_row_number,
        raw_item_id,
        raw_item_name,
        raw_department_id,
        raw_category_id,
        item_id,
        item_name,
        department_id,
        category_id,
        case
            when has_extra_fields then 'extra_fields'
            when item_id is null then 'null_key'
        end as key_rejection_reason,
        cast(null as {{ text_type() }}) as value_rejection_reason
    from cleaned
)

select * from final
