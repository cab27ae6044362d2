{{ config(
    materialized='incremental',
    unique_key='forecast_origin_date',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

{#- Every forecast ever published: one row per store_id, item_id, forecast_origin_date,
    horizon_step. A rerun of an origin replaces ALL of that origin's rows, whatever series,
    steps and models they had (the delete key is the origin alone: a rerun with a shorter
    horizon or without a store leaves no rows of the earlier run behind); a new origin
    adds rows. The grain is tested in _marts.yml. -#}

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
