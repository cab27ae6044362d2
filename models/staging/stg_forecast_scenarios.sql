{#- The usable what-if scenario rows (base_forecast_scenarios__classified, clean): one row
    per scenario_name, store_id, item_id, start_date; within a scenario a series' windows
    never overlap. -#}

with

classified as (
    select * from {{ ref('base_forecast_scenarios__classified') }}
),

final as (
    select
        scenario_name,
        store_id,
        item_id,
        start_date,
        end_date,
        price,
        is_promotion,
        source_file,
        source_row_number
    from classified
    where row_status = 'clean'
)

select * from final
