{#- Clean price changes: one row per store_id, item_id, effective_date; the price holds
    until the next effective_date of the same store and item. -#}

with

classified as (
    select * from {{ ref('base_prices__classified') }}
),

final as (
    select
        store_id,
        item_id,
        effective_date,
        price,
        is_promotion,
        source_file,
        source_row_number
    from classified
    where row_status = 'clean'
)

select * from final
