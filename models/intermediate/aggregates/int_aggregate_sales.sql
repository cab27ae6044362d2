{{ config(materialized='table') }}

{#- Aggregate demand Prophet forecasts, at every level of the chain (prophet_level_chain:
    var prophet_level, then coarser levels up to the total): one row per aggregate_level,
    level_id and period_end_date, the sum over the series that reported (null when none
    did). chain_position 0 is var prophet_level. -#}

with

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

{% for level in prophet_level_chain() %}
{{ level }}_sales as (
    select
        '{{ level }}' as aggregate_level,
        {{ loop.index0 }} as chain_position,
        {{ aggregate_level_id(level) }} as level_id,
        period_end_date,
        {{ exact_sum('quantity') }} as quantity,
        count(quantity) as reporting_series
    from gap_filled
    group by {{ aggregate_level_id(level) }}, period_end_date
),

{% endfor %}
final as (
    {%- for level in prophet_level_chain() %}
    select * from {{ level }}_sales
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
