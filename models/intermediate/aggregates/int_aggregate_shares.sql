{{ config(materialized='table') }}

{#- Each series' share of the aggregates it belongs to, at every level of the chain
    (prophet_level_chain), for each horizon step of the backtest origins and the as-of date
    (int_forecast_cutoffs), where aggregate forecasts are split. An aggregate forecast
    times the share is the series' forecast. A coarser level's share is the product of the
    shares along the chain (series of store x store of total), computed here in one
    division. var prophet_share_basis:
    - trailing: the series' demand over the prophet_share_window_periods periods up to the
      cut-off / the aggregate's, the same for every step;
    - same_period_last_year: its share of the aggregate in the period one season
      (season_length_periods) before the target, when that period is known at the cut-off;
      a series without a value then (launched since, or the period lies after the cut-off)
      keeps its trailing share and the others share the rest. Departments whose seasons
      differ from their store's (Walmart) need it.
    One row per store_id, item_id, cutoff_date, aggregate_level, horizon_step. -#}

{%- set window = feature_setting('prophet_share_window_periods') %}
{%- set basis = feature_setting('prophet_share_basis') %}
{%- set season = feature_setting('season_length_periods') %}
{%- if basis not in ['trailing', 'same_period_last_year'] %}
    {% do exceptions.raise_compiler_error(
        "var prophet_share_basis = '" ~ basis ~ "' is not one of: trailing, same_period_last_year") %}
{%- endif %}

with

cutoffs as (
    select cutoff_date
    from {{ ref('int_forecast_cutoffs') }}
    where is_backtest_origin or is_scoring_row
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

horizon_steps as (
    {{ whole_numbers_sql(feature_setting('forecast_horizon_periods'), 'horizon_step') }}
),

windowed as (
    select
        cutoffs.cutoff_date,
        gap_filled.store_id,
        gap_filled.item_id,
        gap_filled.category_id,
        gap_filled.department_id,
        {{ exact_sum('gap_filled.quantity') }} as series_quantity
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

series_levels as (
    {%- for level in prophet_level_chain() %}
    select
        cutoff_date,
        store_id,
        item_id,
        series_quantity,
        '{{ level }}' as aggregate_level,
        {{ loop.index0 }} as chain_position,
        {{ aggregate_level_id(level) }} as level_id
    from windowed
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

trailing_shares as (
    select
        *,
        coalesce(
            series_quantity / nullif(
                {{ exact_sum('series_quantity', over='partition by aggregate_level, level_id, cutoff_date') }},
                0
            ),
            0
        ) as trailing_share
    from series_levels
),

steps as (
    select
        trailing_shares.*,
        horizon_steps.horizon_step,
        {{ add_periods('trailing_shares.cutoff_date', 'horizon_steps.horizon_step - ' ~ season) }}
            as last_year_period_end_date
    from trailing_shares
    cross join horizon_steps
),

{% if basis == 'same_period_last_year' %}
last_year as (
    select
        steps.*,
        gap_filled.quantity as last_year_quantity
    from steps
    left join gap_filled
        on
            steps.store_id = gap_filled.store_id
            and steps.item_id = gap_filled.item_id
            and steps.last_year_period_end_date = gap_filled.period_end_date
            and steps.last_year_period_end_date <= steps.cutoff_date
),

with_totals as (
    select
        *,
        {{ exact_sum(
            'case when last_year_quantity is null then trailing_share else 0 end',
            over='partition by aggregate_level, level_id, cutoff_date, horizon_step'
        ) }} as unseen_share,
        {{ exact_sum(
            'last_year_quantity',
            over='partition by aggregate_level, level_id, cutoff_date, horizon_step'
        ) }} as aggregate_last_year_quantity
    from last_year
),

shared as (
    select
        *,
        case
            when last_year_quantity is null then trailing_share
            else coalesce(
                last_year_quantity / nullif(aggregate_last_year_quantity, 0) * (1 - unseen_share),
                trailing_share
            )
        end as series_share
    from with_totals
),
{% else %}
shared as (
    select
        *,
        trailing_share as series_share
    from steps
),
{% endif %}

final as (
    select
        store_id,
        item_id,
        cutoff_date,
        aggregate_level,
        chain_position,
        level_id,
        horizon_step,
        series_share
    from shared
)

select * from final
