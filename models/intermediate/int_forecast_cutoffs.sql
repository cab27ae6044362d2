{{ config(materialized='table') }}

{#
    One row per cut-off of int_forecast_features: the as-of date (is_scoring_row) and the
    periods of a fixed grid before it, one every feature_cutoff_every_periods periods
    counted from a fixed epoch (not from the as-of date), feature_cutoff_count of them. The
    grid does not move when the as-of date does: a build a day later has the same
    historical cut-offs, so a reused model's stored backtest origins are still cut-offs
    that the baselines and every other candidate are computed at. The backtest origins of
    every model (is_backtest_origin) are the latest var backtest_origins grid cut-offs
    whose whole horizon is known, backtest_origin_spacing_periods apart.
    int_sales_features keeps its rows at these dates and a season before them.
    int_training_history says whether a backtest origin, and a cut-off before it to train
    on, exist.
#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}
{%- set every = feature_setting('feature_cutoff_every_periods') %}
{%- set count = feature_setting('feature_cutoff_count') %}
{%- set spacing = feature_setting('backtest_origin_spacing_periods') %}
{#- Whole numbers >= 1, checked by feature_setting and number_var (typed_var_rules). -#}
{%- set origins = number_var('backtest_origins') %}
{%- set epoch_days = days_between("cast('1970-01-01' as date)", 'spine.period_end_date') %}
{#- Grid cut-offs between backtest origins: the spacing rounded up to the grid. -#}
{%- set origin_step = (spacing + every - 1) // every %}

with

run_context as (
    select {{ period_end_date('as_of_date') }} as as_of_period_end_date
    from {{ ref('stg_run_context') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

numbered_periods as (
    {#- Periods numbered from a fixed epoch (period ends are period_days apart), so the
        grid is the same for every as-of date. -#}
    select
        spine.period_end_date,
        spine.period_end_date = run_context.as_of_period_end_date as is_scoring_row,
        cast(floor({{ epoch_days }} / {{ period_days() }}) as integer) as period_number,
        {{ days_between('spine.period_end_date', 'run_context.as_of_period_end_date') }}
        / {{ period_days() }} as periods_before_as_of
    from spine
    inner join run_context
        on spine.period_end_date <= run_context.as_of_period_end_date
),

cutoffs as (
    select
        period_end_date as cutoff_date,
        is_scoring_row,
        cast(floor(period_number / {{ every }}) as integer) as grid_number
    from numbered_periods
    where
        is_scoring_row
        or (
            mod(period_number, {{ every }}) = 0
            and periods_before_as_of <= {{ every * count }}
        )
),

known_until as (
    {#- The last period with a known quantity: a cut-off whose whole horizon ends by then
        can be a backtest origin. #}
    select max(gap_filled.period_end_date) as known_until_date
    from gap_filled
    inner join run_context
        on gap_filled.period_end_date <= run_context.as_of_period_end_date
    where gap_filled.quantity is not null
),

eligible_cutoffs as (
    select
        cutoffs.cutoff_date,
        row_number() over (order by cutoffs.cutoff_date desc) - 1 as eligible_rank
    from cutoffs
    cross join known_until
    where
        not cutoffs.is_scoring_row
        and {{ add_periods('cutoffs.cutoff_date', horizon) }} <= known_until.known_until_date
),

backtest_origins as (
    {#- The latest var('backtest_origins') eligible cut-offs, every ceil(spacing / every)-th
        one. One rule for every model (forecasting.choose_origins reads these flags). -#}
    select cutoff_date
    from eligible_cutoffs
    where
        mod(eligible_rank, {{ origin_step }}) = 0
        and eligible_rank < {{ origin_step * origins }}
),

final as (
    select
        cutoffs.cutoff_date,
        cutoffs.is_scoring_row,
        backtest_origins.cutoff_date is not null as is_backtest_origin,
        cutoffs.grid_number
    from cutoffs
    left join backtest_origins
        on cutoffs.cutoff_date = backtest_origins.cutoff_date
)

select * from final
