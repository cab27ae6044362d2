{#- Clean item master: one row per item_id. -#}

with

classified as (
    select * from {{ ref('base_items__classified') }}
),

final as (
    select
        item_id,
        item_name,
        department_id,
        category_id,
        source_file,
        source_row_number
    from classified
    where row_status = 'clean'
)

select * from final
