{{ config(
    materialized='incremental',
    unique_key=['model_version', 'store_id', 'item_id', 'forecast_origin_date', 'horizon_step'],
    incremental_strategy='delete+insert',
) }}

{#- Every forecast ever published: one row per model_version, store_id, item_id,
    forecast_origin_date, horizon_step. A rerun of the same origin and model replaces its
    rows instead of adding them; a new origin or model version adds rows. -#}

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
