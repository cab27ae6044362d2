{#- Clean sales: one row per store_id, item_id, sales_date, up to the run's as-of date. -#}

with

classified as (
    select * from {{ ref('base_sales__classified') }}
),

final as (
    select
        store_id,
        item_id,
        sales_date,
        {{ period_end_date('sales_date') }} as period_end_date,
        quantity,
        is_holiday,
        source_file,
        source_row_number
    from classified
    where row_status = 'clean'
)

select * from final
