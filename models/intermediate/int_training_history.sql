{{ config(materialized='table', post_hook="{{ warn_forecast_history(this) }}") }}

{#- One row: whether the history up to the as-of date is enough to train and backtest
    the models. They need a backtest origin (a cut-off of int_forecast_cutoffs' fixed
    grid whose whole horizon is known by the as-of date) and a grid cut-off before it to
    train on. Without them the registry models train nothing and record history_message
    as the reason (model_training_log: decision untrained), the forecast models score
    nothing, and the baselines are published alone. The post-hook repeats the message
    as a warning in the build log. -#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}
{%- set every = feature_setting('feature_cutoff_every_periods') %}
{%- set lags = feature_setting('feature_lags') %}
{%- set season = feature_setting('season_length_periods') %}
{%- set unit = 'weeks' if var('frequency') == 'week' else 'days' %}

with

cutoffs as (
    select * from {{ ref('int_forecast_cutoffs') }}
),

run_context as (
    select * from {{ ref('stg_run_context') }}
),

spine as (
    select * from {{ ref('int_period_spine') }}
),

first_origin as (
    select min(cutoff_date) as first_origin_date
    from cutoffs
    where is_backtest_origin
),

counts as (
    select
        count(case when cutoffs.is_backtest_origin then 1 end) as backtest_origins,
        count(case when cutoffs.cutoff_date < first_origin.first_origin_date then 1 end)
            as training_cutoffs
    from cutoffs
    cross join first_origin
),

periods as (
    select count(*) as periods_up_to_as_of
    from spine
),

checked as (
    select
        run_context.as_of_date,
        run_context.earliest_valid_sales_date,
        periods.periods_up_to_as_of,
        counts.backtest_origins,
        counts.training_cutoffs,
        {{ horizon + 2 * every }} as periods_needed,
        counts.backtest_origins > 0 and counts.training_cutoffs > 0 as has_enough_history
    from run_context
    cross join counts
    cross join periods
),

final as (
    select
        *,
        case
            when not has_enough_history
                then {{ dbt.concat([
                    "'Too little history to train the models at as_of_date '",
                    "cast(as_of_date as " ~ dbt.type_string() ~ ")",
                    sql_string(" (var as_of_date)" if var('as_of_date') else " (the latest reported sales date; var as_of_date)"),
                    "': the sales data has '",
                    "cast(periods_up_to_as_of as " ~ dbt.type_string() ~ ")",
                    sql_string(" " ~ unit ~ " up to it, from "),
                    "cast(earliest_valid_sales_date as " ~ dbt.type_string() ~ ")",
                    "', and '",
                    "cast(backtest_origins as " ~ dbt.type_string() ~ ")",
                    "' backtest origin(s) with '",
                    "cast(training_cutoffs as " ~ dbt.type_string() ~ ")",
                    sql_string(
                        " earlier cut-off(s) to train on. A backtest origin is a cut-off of the"
                        ~ " fixed grid (one every feature_cutoff_every_periods = " ~ every
                        ~ ") whose whole horizon (forecast_horizon_periods = " ~ horizon
                        ~ ") is known by the as-of date, and training needs a grid cut-off"
                        ~ " before it: at least " ~ (horizon + 2 * every) ~ " " ~ unit
                        ~ " (horizon + 2 x every; up to " ~ (every - 1) ~ " more by where the"
                        ~ " grid falls). The features also look back " ~ (lags | max)
                        ~ " periods (feature_lags) and a season of " ~ season
                        ~ " (season_length_periods) for their full values. Only the baselines"
                        ~ " are published. Load more history, set a later as_of_date, or"
                        ~ " shorten forecast_horizon_periods / feature_cutoff_every_periods."
                    ),
                ]) }}
        end as history_message
    from checked
)

select * from final
