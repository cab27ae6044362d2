{{ config(materialized='table') }}

{#- One row per store_id, category_id, period_end_date (the cut-off): demand of the
    item's category in its store and its recent history. -#}

{{ hierarchy_features_sql(['store_id', 'category_id'], 'category') }}
