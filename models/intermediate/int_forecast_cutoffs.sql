{{ config(materialized='table') }}

{#
    One row per cut-off of int_forecast_features: the as-of date (is_scoring_row) and every
    feature_cutoff_every_periods-th period before it, feature_cutoff_count of them. The
    backtest origins of every model (is_backtest_origin) are the latest var
    backtest_origins cut-offs whose whole horizon is known, a horizon apart.
    int_sales_features keeps its rows at these dates and a season before them.
#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}
{%- set every = feature_setting('feature_cutoff_every_periods') %}
{#- Cut-offs between backtest origins: the fewest that span a whole horizon. #}
{%- set origin_step = (horizon + every - 1) // every %}

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
    select
        spine.period_end_date,
        row_number() over (order by spine.period_end_date desc) - 1 as periods_before_as_of
    from spine
    inner join run_context
        on spine.period_end_date <= run_context.as_of_period_end_date
),

cutoffs as (
    select
        period_end_date as cutoff_date,
        periods_before_as_of = 0 as is_scoring_row
    from numbered_periods
    where
        mod(periods_before_as_of, {{ every }}) = 0
        and periods_before_as_of <= {{ every * var('feature_cutoff_count') }}
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
    {#- The latest var('backtest_origins') eligible cut-offs, a whole horizon apart so that
        test windows do not overlap: every ceil(horizon / every)-th eligible cut-off. One
        rule for every model (forecasting.choose_origins reads these flags). -#}
    select cutoff_date
    from eligible_cutoffs
    where
        mod(eligible_rank, {{ origin_step }}) = 0
        and eligible_rank < {{ origin_step * var('backtest_origins') }}
),

final as (
    select
        cutoffs.cutoff_date,
        cutoffs.is_scoring_row,
        backtest_origins.cutoff_date is not null as is_backtest_origin
    from cutoffs
    left join backtest_origins
        on cutoffs.cutoff_date = backtest_origins.cutoff_date
)

select * from final
