{{ config(materialized='table') }}

{#- One row per store_id, item_id, cutoff_date, horizon_step for every new series with an
    analogue group (int_new_item_analogues): the analogue rule's forecast of the period
    horizon_step periods after the cut-off.

    The rule: each analogue series' mean known quantity over the window's periods (the
    last new_item_analogue_window_periods periods up to the cut-off) that share the
    target's profile position (macro new_item_profile_position: day, the weekday; week,
    every period), averaged over the analogue series of the group: the mean per-series
    demand of the group on such a period. Intervals: the group's spread, point -/+ z x
    the standard deviation of those analogue quantities (every analogue series and window
    period at that position together, so both which analogue the item is like and
    period-to-period noise count), z the normal quantile of 0.90 (80%) and 0.975 (95%);
    lower bounds stop at 0 unless the data has returns (negative_quantity_policy keep);
    no bound from a single quantity. Nothing dated after the cut-off is read, but for
    actual_quantity, the target's known quantity (null at the as-of date). -#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}
{%- set window = feature_setting('new_item_analogue_window_periods') %}
{%- set levels = new_item_analogue_levels() %}
{%- set clip_lower = var('negative_quantity_policy') != 'keep' %}

with

analogues as (
    select * from {{ ref('int_new_item_analogues') }}
    where analogue_level is not null
),

history as (
    select * from {{ ref('int_series_history_at_cutoffs') }}
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

horizon_steps as (
    {{ whole_numbers_sql(horizon, 'horizon_step') }}
),

store_cutoffs as (
    {#- Only the stores and cut-offs that have a new series are read. -#}
    select distinct
        store_id,
        cutoff_date
    from analogues
),

analogue_series as (
    select history.*
    from history
    inner join store_cutoffs
        on
            history.store_id = store_cutoffs.store_id
            and history.cutoff_date = store_cutoffs.cutoff_date
    where not history.is_new_item and history.is_active
),

series_positions as (
    {#- Each analogue series' known quantities of the window, per profile position. -#}
    select
        analogue_series.store_id,
        analogue_series.item_id,
        analogue_series.cutoff_date,
        analogue_series.department_id,
        analogue_series.category_id,
        {{ new_item_profile_position('gap_filled.period_end_date') }} as profile_position,
        count(*) as quantity_count,
        avg(gap_filled.quantity) as mean_quantity,
        sum(gap_filled.quantity) as quantity_sum,
        sum(gap_filled.quantity * gap_filled.quantity) as quantity_square_sum
    from analogue_series
    inner join gap_filled
        on
            analogue_series.store_id = gap_filled.store_id
            and analogue_series.item_id = gap_filled.item_id
            and gap_filled.period_end_date <= analogue_series.cutoff_date
            and gap_filled.period_end_date > {{ add_periods('analogue_series.cutoff_date', -window) }}
    where gap_filled.quantity is not null
    group by
        analogue_series.store_id,
        analogue_series.item_id,
        analogue_series.cutoff_date,
        analogue_series.department_id,
        analogue_series.category_id,
        {{ new_item_profile_position('gap_filled.period_end_date') }}
),

group_positions as (
    {#- The same per group, at every level of new_item_analogue_levels. -#}
    {%- for level, column in levels %}
    select
        {{ sql_string(level) }} as analogue_level,
        store_id,
        {{ column if column else sql_string('all') }} as analogue_group_id,
        cutoff_date,
        profile_position,
        avg(mean_quantity) as predicted_quantity,
        sum(quantity_count) as quantity_count,
        sum(quantity_sum) as quantity_sum,
        sum(quantity_square_sum) as quantity_square_sum
    from series_positions
    {%- if column %}
    where {{ column }} is not null
    group by store_id, {{ column }}, cutoff_date, profile_position
    {%- else %}
    group by store_id, cutoff_date, profile_position
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

group_spreads as (
    select
        *,
        case
            when quantity_count > 1
                then sqrt(greatest(
                    (quantity_square_sum - quantity_sum * quantity_sum / quantity_count) / (quantity_count - 1),
                    0
                ))
        end as quantity_std
    from group_positions
),

steps as (
    select
        analogues.store_id,
        analogues.item_id,
        analogues.cutoff_date,
        analogues.is_scoring_row,
        analogues.analogue_level,
        analogues.analogue_group_id,
        analogues.analogue_series_count,
        horizon_steps.horizon_step,
        {{ add_periods('analogues.cutoff_date', 'horizon_steps.horizon_step') }} as target_date
    from analogues
    cross join horizon_steps
),

forecasts as (
    select
        steps.*,
        group_spreads.predicted_quantity,
        group_spreads.quantity_count as analogue_quantity_count,
        group_spreads.quantity_std as analogue_quantity_std
    from steps
    left join group_spreads
        on
            steps.analogue_level = group_spreads.analogue_level
            and steps.store_id = group_spreads.store_id
            and steps.analogue_group_id = group_spreads.analogue_group_id
            and steps.cutoff_date = group_spreads.cutoff_date
            and {{ new_item_profile_position('steps.target_date') }} = group_spreads.profile_position
),

normal_quantiles as (
    select
        {{ normal_quantile(0.9) }} as z_80,
        {{ normal_quantile(0.975) }} as z_95
),

final as (
    select
        forecasts.store_id,
        forecasts.item_id,
        forecasts.cutoff_date,
        forecasts.horizon_step,
        forecasts.target_date,
        forecasts.is_scoring_row,
        forecasts.analogue_level,
        forecasts.analogue_group_id,
        forecasts.analogue_series_count,
        forecasts.analogue_quantity_count,
        forecasts.analogue_quantity_std,
        forecasts.predicted_quantity,
        {%- for level in [80, 95] %}
        {%- set lower = 'forecasts.predicted_quantity - normal_quantiles.z_' ~ level ~ ' * forecasts.analogue_quantity_std' %}
        {%- if clip_lower %}
        case when forecasts.analogue_quantity_std is not null then greatest({{ lower }}, 0) end as lower_{{ level }},
        {%- else %}
        {{ lower }} as lower_{{ level }},
        {%- endif %}
        forecasts.predicted_quantity + normal_quantiles.z_{{ level }} * forecasts.analogue_quantity_std as upper_{{ level }},
        {%- endfor %}
        target_period.quantity as actual_quantity
    from forecasts
    left join gap_filled as target_period
        on
            forecasts.store_id = target_period.store_id
            and forecasts.item_id = target_period.item_id
            and forecasts.target_date = target_period.period_end_date
            and not forecasts.is_scoring_row
    cross join normal_quantiles
)

select * from final
