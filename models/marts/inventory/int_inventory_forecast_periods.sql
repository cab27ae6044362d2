{#- The published forecast periods the inventory mart reads: one row per store_id, item_id,
    horizon_step. Keys as text (fct_forecasts carries the Python model's categorical keys,
    which would not join or mock like the text keys of the seeds) and quantities as doubles. -#}

with

forecasts as (
    select * from {{ ref('fct_forecasts') }}
),

final as (
    select
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(item_id as {{ dbt.type_string() }}) as item_id,
        horizon_step,
        target_date,
        forecast_origin_date,
        model_name,
        model_version,
        invocation_id,
        cast(predicted_quantity as {{ type_double() }}) as predicted_quantity,
        cast(upper_80 as {{ type_double() }}) as upper_80,
        cast(upper_95 as {{ type_double() }}) as upper_95
    from forecasts
)

select * from final
