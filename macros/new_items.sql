{#- New items (issue 19, part 5): the analogue groups and the profile position of the
    analogue rule (models/intermediate/new_items). -#}

{#- The analogue groups a new series can be forecast from, finest first: (level, the
    column of int_series_history_at_cutoffs naming the group inside the series' store;
    none = every item of the store). A new series takes the finest group that has an
    analogue series at the cut-off. -#}
{% macro new_item_analogue_levels() %}
    {{ return([('department', 'department_id'), ('category', 'category_id'), ('store', none)]) }}
{% endmacro %}


{#- The position of a period in a cycle of new_item_profile_periods periods counted from a
    fixed epoch (day: 7, so the weekday; week: 1, every period alike): the analogue rule
    averages the analogues' periods at the target's position. -#}
{% macro new_item_profile_position(date_expression) %}
    {%- set cycle = feature_setting('new_item_profile_periods') %}
    mod(
        cast(floor({{ days_between("cast('1970-01-01' as date)", date_expression) }} / {{ period_days() }}) as integer),
        {{ cycle }}
    )
{%- endmacro %}
