{{ config(
    materialized='incremental',
    unique_key=['store_id', 'item_id', 'forecast_origin_date', 'horizon_step'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

{#- Every forecast ever published: one row per store_id, item_id, forecast_origin_date,
    horizon_step. A rerun of the same origin replaces its rows (whatever model made them)
    instead of adding them; a new origin adds rows. -#}

with

published as (
    select * from {{ ref('fct_forecasts') }}
),

final as (
    select
        model_version,
        store_id,
        item_id,
        forecast_origin_date,
        horizon_step,
        target_date,
        segment_id,
        model_name,
        predicted_quantity,
        lower_80,
        upper_80,
        lower_95,
        upper_95,
        seasonal_naive_quantity,
        moving_average_quantity,
        invocation_id,
        published_at
    from published
)

select * from final
