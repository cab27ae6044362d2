{{ config(materialized='table') }}

{#- Each series' share of the aggregates it belongs to, at every level of the chain
    (prophet_level_chain), at the backtest origins and the as-of date (int_forecast_cutoffs),
    where aggregate forecasts are split: its demand over the prophet_share_window_periods
    periods up to the cut-off divided by the aggregate's over the same periods. An
    aggregate forecast times the share is the series' forecast; the share of a coarser
    level is the product of the shares along the chain (series of store x store of total),
    computed here in one division. One row per store_id, item_id, cutoff_date,
    aggregate_level. -#}

{%- set window = feature_setting('prophet_share_window_periods') %}

with

cutoffs as (
    select cutoff_date
    from {{ ref('int_forecast_cutoffs') }}
    where is_backtest_origin or is_scoring_row
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

windowed as (
    select
        cutoffs.cutoff_date,
        gap_filled.store_id,
        gap_filled.item_id,
        gap_filled.category_id,
        gap_filled.department_id,
        sum(gap_filled.quantity) as series_quantity
    from cutoffs
    inner join gap_filled
        on
            cutoffs.cutoff_date >= gap_filled.period_end_date
            and gap_filled.period_end_date > {{ add_periods('cutoffs.cutoff_date', '-' ~ window) }}
    group by
        cutoffs.cutoff_date,
        gap_filled.store_id,
        gap_filled.item_id,
        gap_filled.category_id,
        gap_filled.department_id
),

{% for level in prophet_level_chain() %}
{{ level }}_shares as (
    select
        store_id,
        item_id,
        cutoff_date,
        '{{ level }}' as aggregate_level,
        {{ loop.index0 }} as chain_position,
        {{ aggregate_level_id(level) }} as level_id,
        coalesce(
            series_quantity / nullif(
                sum(series_quantity) over (
                    partition by {{ aggregate_level_id(level) }}, cutoff_date
                ),
                0
            ),
            0
        ) as series_share
    from windowed
),

{% endfor %}
final as (
    {%- for level in prophet_level_chain() %}
    select * from {{ level }}_shares
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
