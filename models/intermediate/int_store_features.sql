{{ config(materialized='table') }}

{#- One row per store_id, period_end_date (the cut-off): the store's total demand and its
    recent history, context for every series of the store. -#}

{{ hierarchy_features_sql(['store_id'], 'store') }}
