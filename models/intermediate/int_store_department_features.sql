{{ config(materialized='table') }}

{#- One row per store_id, department_id, period_end_date (the cut-off): demand of the
    item's department in its store and its recent history. -#}

{{ hierarchy_features_sql(['store_id', 'department_id'], 'department') }}
