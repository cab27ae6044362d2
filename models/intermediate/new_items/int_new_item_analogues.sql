{{ config(materialized='table') }}

{#- One row per store_id, item_id, cutoff_date at which the series is new
    (int_series_history_at_cutoffs.is_new_item: fewer than new_item_history_periods known
    periods): the analogue group its forecast comes from. Analogue series are the series
    of the same store that are neither new nor inactive at the cut-off; the group is the
    finest of (macro new_item_analogue_levels) the item's department, its category, and
    every item of the store that holds at least one of them (a null department or
    category is skipped). No group: analogue_level null, count 0, and the series keeps
    the model's forecast. What the analogues say is computed in int_new_item_forecasts.
    Point-in-time: every count is as of the cut-off. -#}

{%- set levels = new_item_analogue_levels() %}

with

history as (
    select * from {{ ref('int_series_history_at_cutoffs') }}
),

new_series as (
    select * from history
    where is_new_item
),

analogue_series as (
    select * from history
    where not is_new_item and is_active
),

group_counts as (
    select
        new_series.store_id,
        new_series.item_id,
        new_series.cutoff_date{% for level, column in levels %}
        {%- if column %}
        {%- set matches = 'analogue_series.' ~ column ~ ' = new_series.' ~ column %}
        {%- else %}
        {%- set matches = 'analogue_series.item_id is not null' %}
        {%- endif %},
        count(case when {{ matches }} then 1 end) as {{ level }}_series_count{% endfor %}
    from new_series
    left join analogue_series
        on
            new_series.store_id = analogue_series.store_id
            and new_series.cutoff_date = analogue_series.cutoff_date
    group by new_series.store_id, new_series.item_id, new_series.cutoff_date
),

final as (
    select
        new_series.store_id,
        new_series.item_id,
        new_series.cutoff_date,
        new_series.is_scoring_row,
        new_series.is_backtest_origin,
        new_series.launch_period_end_date,
        new_series.history_periods,
        new_series.department_id,
        new_series.category_id,
        case{% for level, column in levels %}
            when group_counts.{{ level }}_series_count > 0 then {{ sql_string(level) }}{% endfor %}
        end as analogue_level,
        case{% for level, column in levels %}
            {%- set group_id = 'new_series.' ~ column if column else sql_string('all') %}
            when group_counts.{{ level }}_series_count > 0 then {{ group_id }}{% endfor %}
        end as analogue_group_id,
        case{% for level, column in levels %}
            when group_counts.{{ level }}_series_count > 0 then group_counts.{{ level }}_series_count{% endfor %}
            else 0
        end as analogue_series_count
    from new_series
    inner join group_counts
        on
            new_series.store_id = group_counts.store_id
            and new_series.item_id = group_counts.item_id
            and new_series.cutoff_date = group_counts.cutoff_date
)

select * from final
