{#
    Context features of one hierarchy level (e.g. the store, or the store x category):
    the level's total demand per period and the same kinds of features the series get
    (lag 1, rolling mean/std/min/max over feature_hierarchy_windows, exponentially
    weighted means), named <name>_quantity_*. One row per level key and period_end_date.
#}
{% macro hierarchy_features_sql(level_columns, name) %}
    {%- set level = level_columns | join(', ') %}
    {%- set level_targets = level_columns | join(',\n        ') %}
    {%- set measure = name ~ '_quantity' %}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

totals as (
    select
        {{ level_targets }},
        period_end_date,
        {{ exact_sum('quantity') }} as {{ measure }}
    from gap_filled
    group by {{ level }}, period_end_date
),

numbered as (
    select
        *,
        row_number() over (partition by {{ level }} order by period_end_date) as period_number
    from totals
),

final as (
    select
        {{ level_targets }},
        period_end_date,
        {{ lag_features(measure, measure, level, 'period_number', [1]) }},
        {{ rolling_features(measure, measure, level, 'period_number', feature_setting('feature_hierarchy_windows')) }},
        {{ ewm_features(measure, measure, level, 'period_number', number_var('feature_ewm_alphas')) }}
    from numbered
)

select * from final
{%- endmacro %}
