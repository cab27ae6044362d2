{{ config(materialized='table') }}

{#- One row per store_id, item_id, cutoff_date, horizon_step for every new series with an
    analogue group (int_new_item_analogues): the analogue rule's forecast of the period
    horizon_step periods after the cut-off. With the window = the last
    new_item_analogue_window_periods periods up to the cut-off:
      level   L - the analogues' mean per-series demand: each analogue series' mean known
                  quantity over the window, averaged over the group's series;
      profile P - the same over the window's periods at the target's position in a cycle
                  of new_item_profile_periods periods (macro new_item_profile_position:
                  day, the weekday; week, every period alike, so P = L);
      own     O - the new series' own mean known quantity up to the cut-off, credited
                  with the weight w = h / (h + k), h its history_periods and k var
                  new_item_analogue_weight_periods (the periods the analogues' level
                  counts as; 0 = the series' own level alone);
      forecast  = P x (w O + (1 - w) L) / L: the analogues' profile at the target, scaled
                  from their level to the blend of the series' own and theirs (w O when
                  L is 0); no forecast when no analogue has a known period at the
                  target's position (the series then keeps the model's).
    Intervals: the group's spread, point -/+ z x predicted_quantity_std, the standard
    deviation of the analogue quantities P averages (every analogue series and window
    period at that position together) scaled by forecast / P; z the normal quantile of
    0.90 (80%) and 0.975 (95%); lower bounds stop at 0 unless negative_quantity_policy is
    keep; no bound from a single quantity. Nothing dated after the cut-off is read, but
    actual_quantity, the target's known quantity (null at the as-of date). -#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}
{%- set window = feature_setting('new_item_analogue_window_periods') %}
{%- set weight_periods = number_var('new_item_analogue_weight_periods') %}
{%- set levels = new_item_analogue_levels() %}
{%- set clip_lower = forecasts_stop_at_zero() %}

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
            and analogue_series.cutoff_date >= gap_filled.period_end_date
            and gap_filled.period_end_date > {{ add_periods('analogue_series.cutoff_date', -window) }}
    where gap_filled.quantity is not null
    group by
        analogue_series.store_id,
        analogue_series.item_id,
        analogue_series.cutoff_date,
        {{ new_item_profile_position('gap_filled.period_end_date') }}
),

series_levels as (
    {#- Each analogue series' mean known quantity over the whole window. -#}
    select
        store_id,
        item_id,
        cutoff_date,
        sum(quantity_sum) / sum(quantity_count) as mean_quantity
    from series_positions
    group by store_id, item_id, cutoff_date
),

memberships as (
    {#- The groups of every analogue series, one row per level of new_item_analogue_levels. -#}
    {%- for level, column in levels %}
    select
        {{ sql_string(level) }} as analogue_level,
        store_id,
        {{ column if column else sql_string('all') }} as analogue_group_id,
        item_id,
        cutoff_date
    from analogue_series
    {%- if column %}
    where {{ column }} is not null
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

group_positions as (
    select
        memberships.analogue_level,
        memberships.store_id,
        memberships.analogue_group_id,
        memberships.cutoff_date,
        series_positions.profile_position,
        avg(series_positions.mean_quantity) as profile_quantity,
        sum(series_positions.quantity_count) as quantity_count,
        sum(series_positions.quantity_sum) as quantity_sum,
        sum(series_positions.quantity_square_sum) as quantity_square_sum
    from memberships
    inner join series_positions
        on
            memberships.store_id = series_positions.store_id
            and memberships.item_id = series_positions.item_id
            and memberships.cutoff_date = series_positions.cutoff_date
    group by
        memberships.analogue_level,
        memberships.store_id,
        memberships.analogue_group_id,
        memberships.cutoff_date,
        series_positions.profile_position
),

group_levels as (
    select
        memberships.analogue_level,
        memberships.store_id,
        memberships.analogue_group_id,
        memberships.cutoff_date,
        avg(series_levels.mean_quantity) as level_quantity
    from memberships
    inner join series_levels
        on
            memberships.store_id = series_levels.store_id
            and memberships.item_id = series_levels.item_id
            and memberships.cutoff_date = series_levels.cutoff_date
    group by
        memberships.analogue_level,
        memberships.store_id,
        memberships.analogue_group_id,
        memberships.cutoff_date
),

group_spreads as (
    select
        group_positions.*,
        group_levels.level_quantity,
        case
            when group_positions.quantity_count > 1
                then sqrt(
                        greatest(
                            group_positions.quantity_square_sum
                            - group_positions.quantity_sum
                            * group_positions.quantity_sum
                            / group_positions.quantity_count,
                            0
                        )
                        / (group_positions.quantity_count - 1)
                    )
        end as quantity_std
    from group_positions
    inner join group_levels
        on
            group_positions.analogue_level = group_levels.analogue_level
            and group_positions.store_id = group_levels.store_id
            and group_positions.analogue_group_id = group_levels.analogue_group_id
            and group_positions.cutoff_date = group_levels.cutoff_date
),

own_levels as (
    {#- The new series' own mean known quantity up to the cut-off (all its history). -#}
    select
        analogues.store_id,
        analogues.item_id,
        analogues.cutoff_date,
        avg(gap_filled.quantity) as own_mean_quantity
    from analogues
    inner join gap_filled
        on
            analogues.store_id = gap_filled.store_id
            and analogues.item_id = gap_filled.item_id
            and analogues.cutoff_date >= gap_filled.period_end_date
    group by analogues.store_id, analogues.item_id, analogues.cutoff_date
),

steps as (
    {#- own_weight, the credibility of the series' own level: h / (h + k), k the
        new_item_analogue_weight_periods the analogues' level counts as. -#}
    select
        analogues.store_id,
        analogues.item_id,
        analogues.cutoff_date,
        analogues.is_scoring_row,
        analogues.analogue_level,
        analogues.analogue_group_id,
        analogues.analogue_series_count,
        own_levels.own_mean_quantity,
        case
            when own_levels.own_mean_quantity is null then 0
            else cast(analogues.history_periods as {{ type_double() }})
                / (analogues.history_periods + {{ weight_periods }})
        end as own_weight,
        horizon_steps.horizon_step,
        {{ add_periods('analogues.cutoff_date', 'horizon_steps.horizon_step') }} as target_date
    from analogues
    left join own_levels
        on
            analogues.store_id = own_levels.store_id
            and analogues.item_id = own_levels.item_id
            and analogues.cutoff_date = own_levels.cutoff_date
    cross join horizon_steps
),

forecasts as (
    {#- The analogues' profile at the target, scaled from their level to the blended one
        (multiplied first: exact where the numbers allow). -#}
    select
        steps.*,
        group_spreads.level_quantity as analogue_level_quantity,
        group_spreads.profile_quantity as analogue_profile_quantity,
        group_spreads.quantity_count as analogue_quantity_count,
        group_spreads.quantity_std as analogue_quantity_std,
        case
            when group_spreads.profile_quantity is null then null
            when group_spreads.level_quantity > 0
                then group_spreads.profile_quantity
                    * (
                        steps.own_weight * coalesce(steps.own_mean_quantity, 0)
                        + (1 - steps.own_weight) * group_spreads.level_quantity
                    )
                    / group_spreads.level_quantity
            else steps.own_weight * coalesce(steps.own_mean_quantity, 0)
        end as predicted_quantity
    from steps
    left join group_spreads
        on
            steps.analogue_level = group_spreads.analogue_level
            and steps.store_id = group_spreads.store_id
            and steps.analogue_group_id = group_spreads.analogue_group_id
            and steps.cutoff_date = group_spreads.cutoff_date
            and {{ new_item_profile_position('steps.target_date') }} = group_spreads.profile_position
),

spreads as (
    {#- The analogues' spread as a share of their profile, carried to the forecast. -#}
    select
        *,
        case
            when
                analogue_profile_quantity > 0
                then analogue_quantity_std * predicted_quantity / analogue_profile_quantity
            else analogue_quantity_std
        end as predicted_quantity_std
    from forecasts
),

normal_quantiles as (
    select
        {{ normal_quantile(0.9) }} as z_80,
        {{ normal_quantile(0.975) }} as z_95
),

final as (
    select
        spreads.store_id,
        spreads.item_id,
        spreads.cutoff_date,
        spreads.horizon_step,
        spreads.target_date,
        spreads.is_scoring_row,
        spreads.analogue_level,
        spreads.analogue_group_id,
        spreads.analogue_series_count,
        spreads.analogue_quantity_count,
        spreads.analogue_quantity_std,
        spreads.analogue_level_quantity,
        spreads.analogue_profile_quantity,
        spreads.own_mean_quantity,
        spreads.own_weight,
        spreads.predicted_quantity_std,
        spreads.predicted_quantity,
        {%- for level in [80, 95] %}
        {%- set spread = 'normal_quantiles.z_' ~ level ~ ' * spreads.predicted_quantity_std' %}
        {%- set lower = 'spreads.predicted_quantity - ' ~ spread %}
        {%- if clip_lower %}
        case when spreads.predicted_quantity_std is not null then greatest({{ lower }}, 0) end as lower_{{ level }},
        {%- else %}
        {{ lower }} as lower_{{ level }},
        {%- endif %}
        {%- set upper = 'spreads.predicted_quantity + ' ~ spread %}
        {{ upper }} as upper_{{ level }},
        {%- endfor %}
        target_period.quantity as actual_quantity
    from spreads
    left join gap_filled as target_period
        on
            spreads.store_id = target_period.store_id
            and spreads.item_id = target_period.item_id
            and spreads.target_date = target_period.period_end_date
            and not spreads.is_scoring_row
    cross join normal_quantiles
)

select * from final
