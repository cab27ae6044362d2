{#- Clean store-level exogenous observations: one row per store_id, observation_date,
    variable_name, up to the run's as-of date. observed_value is null where the file had
    no value (a missing observation). -#}

with

classified as (
    select * from {{ ref('base_exogenous__classified') }}
),

final as (
    select
        store_id,
        observation_date,
        variable_name,
        observed_value,
        source_file,
        source_row_number
    from classified
    where row_status = 'clean'
)

select * from final
