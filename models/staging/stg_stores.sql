{#- Clean store master: one row per store_id. -#}

with

classified as (
    select * from {{ ref('base_stores__classified') }}
),

final as (
    select
        store_id,
        store_name,
        region,
        city,
        store_type,
        store_size,
        source_file,
        source_row_number
    from classified
    where row_status = 'clean'
)

select * from final
