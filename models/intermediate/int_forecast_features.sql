{{ config(materialized='table') }}

{#
    One row per store_id, item_id, cutoff_date, horizon_step: the features of forecasting
    the period horizon_step periods after the cut-off, with what the series, its store,
    its category, prices and exogenous series said at the end of the cut-off period, and
    the calendar of the target period at the series' store (known in advance; local
    holidays differ by store).

    The same rows serve training, backtests and scoring, at the cut-offs of
    int_forecast_cutoffs: the as-of date (is_scoring_row, target unknown) and earlier
    periods whose targets are known. A backtest with origin o (is_backtest_origin) trains
    on rows whose target_date <= o and tests on the rows whose cutoff_date = o. Below var
    training_series_share, a series outside the training sample has rows only at the
    origins and the as-of date. Nothing dated after cutoff_date reaches a feature;
    target_quantity is the only value from after it.
#}

{%- set horizon = feature_setting('forecast_horizon_periods') %}
{%- set season = feature_setting('season_length_periods') %}
{%- set windows = feature_setting('feature_rolling_windows') %}
{%- set budget = number_var('training_row_budget') %}
{%- set stride_rule = training_stride_rule(feature_setting('feature_cutoff_every_periods')) %}
{#- Values of the target's period in earlier seasons, known at the cut-off (alias, column,
    date): the same period last year, the periods either side of it (a seasonal peak that
    moved by a period, a holiday) and the same period two seasons back. -#}
{%- set same_period_lookups = [
    ('last_year', 'quantity_same_period_last_year', 'expanded.same_period_last_year_date'),
    ('last_year_before', 'quantity_same_period_last_year_before',
        add_periods('expanded.same_period_last_year_date', -1)),
    ('last_year_after', 'quantity_same_period_last_year_after',
        add_periods('expanded.same_period_last_year_date', 1)),
    ('two_years_ago', 'quantity_same_period_two_years_ago', 'expanded.same_period_two_years_ago_date'),
] %}
{%- set sales_keys = ['store_id', 'item_id', 'period_end_date', 'quantity', 'is_zero_filled', 'is_no_data',
    'period_number',
    'department_id', 'category_id', 'store_type', 'region'] %}
{#- Features of the series at the cut-off (one row per series x cut-off, joined before the
    rows are expanded over the horizon steps), then the target period's calendar. Each
    source: (relation, the keys it joins on besides period_end_date, its CTE, its other
    columns that are not features). -#}
{%- set cutoff_sources = [
    (ref('int_store_features'), ['store_id'], 'store_features', []),
    (ref('int_store_department_features'), ['store_id', 'department_id'], 'department_features', []),
    (ref('int_store_category_features'), ['store_id', 'category_id'], 'category_features', []),
    (ref('int_price_features'), ['store_id', 'item_id'], 'price_features', []),
    (ref('int_exogenous_features'), ['store_id'], 'exogenous_features', ['exogenous_values_published']),
] %}
{%- set cutoff_columns = [] %}
{%- set feature_columns = columns_except(ref('int_sales_features'), sales_keys, 'cutoff_rows') %}
{%- for relation, keys, alias, not_features in cutoff_sources %}
{%- set excluded = keys + ['period_end_date'] + not_features %}
{%- do cutoff_columns.extend(columns_except(relation, excluded, alias)) %}
{%- do feature_columns.extend(columns_except(relation, excluded, 'cutoff_rows')) %}
{%- endfor %}
{%- do feature_columns.extend(columns_except(ref('int_calendar_features'), ['store_id', 'period_end_date'],
    'calendar_features', prefix='target_')) %}

with

sales_features as (
    select * from {{ ref('int_sales_features') }}
),

gap_filled as (
    select * from {{ ref('int_sales_gap_filled') }}
),

store_features as (
    select * from {{ ref('int_store_features') }}
),

department_features as (
    select * from {{ ref('int_store_department_features') }}
),

category_features as (
    select * from {{ ref('int_store_category_features') }}
),

price_features as (
    select * from {{ ref('int_price_features') }}
),

exogenous_features as (
    select * from {{ ref('int_exogenous_features') }}
),

calendar_features as (
    select * from {{ ref('int_calendar_features') }}
),

cutoffs as (
    select * from {{ ref('int_forecast_cutoffs') }}
),

horizon_steps as (
    {{ whole_numbers_sql(horizon, 'horizon_step') }}
),

series_at_cutoffs as (
    {#- Series active at the cut-off: launched, and with a row of their own in the last
        discontinued_after_periods periods (known at the cut-off, no hindsight). -#}
    select
        sales_features.*,
        cutoffs.is_scoring_row,
        cutoffs.is_backtest_origin,
        cutoffs.grid_number
    from sales_features
    inner join cutoffs
        on sales_features.period_end_date = cutoffs.cutoff_date
    where sales_features.periods_since_last_row < {{ feature_setting('discontinued_after_periods') }}
),

sampled_cutoff_rows as (
    {#- A series outside the training sample is needed only where it is backtested or
        scored: its other cut-offs would be rows nothing reads (at M5 scale and share 0.02,
        23 M rows become 4 M). -#}
    select
        *,
        {{ in_series_sample(['store_id', 'item_id'], number_var('training_series_share')) }} as is_training_sample
    from series_at_cutoffs
),

cutoff_rows as (
    select
        series_at_cutoffs.*{% for w in windows %},
        {#- The series' level a season before the cut-off: with the level at the cut-off, the
            growth since last year. -#}
        {%- set mean = 'quantity_mean_' ~ w ~ period_suffix() %}
        last_year_at_cutoff.{{ mean }} as {{ mean }}_last_year{% endfor %}{% for column in cutoff_columns %},
        {{ column }}{% endfor %}
    from sampled_cutoff_rows as series_at_cutoffs
    left join sales_features as last_year_at_cutoff
        on
            series_at_cutoffs.store_id = last_year_at_cutoff.store_id
            and series_at_cutoffs.item_id = last_year_at_cutoff.item_id
            and {{ add_periods('series_at_cutoffs.period_end_date', '-' ~ season) }}
            = last_year_at_cutoff.period_end_date
    {%- for relation, keys, alias, not_features in cutoff_sources %}
    left join {{ alias }}
        on
            {%- for key in keys %}
            series_at_cutoffs.{{ key }} = {{ alias }}.{{ key }}
            and {% endfor -%}
            series_at_cutoffs.period_end_date = {{ alias }}.period_end_date
    {%- endfor %}
    where
        series_at_cutoffs.is_training_sample
        or series_at_cutoffs.is_scoring_row
        or series_at_cutoffs.is_backtest_origin
),

stride_floor as (
    {#- The training row budget (var training_row_budget): without it training rows grow
        with the horizon. Rows at cut-offs that are neither scored nor a backtest origin
        keep one horizon step in keep_every (macros/features/training_budget.sql: the
        steps kept rotate so that every series keeps every step and every target period),
        about the budget in all; 1 keeps every row. Scoring rows and the backtest origins'
        rows stay complete. -#}
    select
        case
            when {{ budget }} <= 0 or count(*) * {{ horizon }} <= {{ budget }} then 1
            else cast(ceil(count(*) * {{ horizon }} / {{ budget }}) as integer)
        end as smallest_keep_every
    from cutoff_rows
    where
        cutoff_rows.is_training_sample
        and not cutoff_rows.is_scoring_row
        and not cutoff_rows.is_backtest_origin
),

stride_steps as (
    {{ whole_numbers_sql(64, 'stride_step') }}
),

stride_candidates as (
    select stride_floor.smallest_keep_every + stride_steps.stride_step - 1 as keep_every
    from stride_floor
    cross join stride_steps
),

training_stride as (
    {#- The smallest stride from the floor up that shares no prime with the rule's. -#}
    select min(stride_candidates.keep_every) as keep_every
    from stride_candidates
    {%- for prime in stride_rule.primes %}
    {{ 'where' if loop.first else 'and' }} mod(stride_candidates.keep_every, {{ prime }}) != 0
    {%- endfor %}
),

distinct_series as (
    select distinct
        store_id,
        item_id
    from cutoff_rows
),

series_numbers as (
    {#- A number per series, so that series at one cut-off keep different steps. -#}
    select
        store_id,
        item_id,
        row_number() over (order by store_id, item_id) as series_number
    from distinct_series
),

{#- The horizon's rows are narrow (keys, target and same-period-last-year values); the
    wide cut-off features join them once, at the end. Under the budget a row trains when
    the rule of macros/features/training_budget.sql keeps its step (is_training_step); the
    other rows are kept only where they are scored or tested (the as-of date, the backtest
    origins). #}

stepped as (
    select
        cutoff_rows.store_id,
        cutoff_rows.item_id,
        cutoff_rows.period_end_date as cutoff_date,
        cutoff_rows.is_scoring_row,
        cutoff_rows.is_backtest_origin,
        horizon_steps.horizon_step,
        mod(
            horizon_steps.horizon_step + {{ stride_rule.multiplier }} * cutoff_rows.grid_number
            + series_numbers.series_number,
            training_stride.keep_every
        ) = 0 as is_training_step
    from cutoff_rows
    inner join series_numbers
        on
            cutoff_rows.store_id = series_numbers.store_id
            and cutoff_rows.item_id = series_numbers.item_id
    cross join horizon_steps
    cross join training_stride
),

expanded as (
    select
        stepped.store_id,
        stepped.item_id,
        stepped.cutoff_date,
        stepped.is_scoring_row,
        stepped.horizon_step,
        stepped.is_training_step,
        {{ add_periods('stepped.cutoff_date', 'stepped.horizon_step') }} as target_date,
        {{ add_periods('stepped.cutoff_date', 'stepped.horizon_step - ' ~ season) }}
            as same_period_last_year_date,
        {{ add_periods('stepped.cutoff_date', 'stepped.horizon_step - ' ~ (2 * season)) }}
            as same_period_two_years_ago_date
    from stepped
    where
        stepped.is_scoring_row
        or stepped.is_backtest_origin
        or stepped.is_training_step
),

target_values as (
    select
        expanded.store_id,
        expanded.item_id,
        expanded.cutoff_date,
        expanded.horizon_step,
        expanded.target_date,
        expanded.is_training_step,
        target_period.quantity as target_quantity{% for alias, column, date in same_period_lookups %},
        case
            when {{ alias }}.period_end_date <= expanded.cutoff_date then {{ alias }}.quantity
        end as {{ column }}{% endfor %}
    from expanded
    left join gap_filled as target_period
        on
            expanded.store_id = target_period.store_id
            and expanded.item_id = target_period.item_id
            and expanded.target_date = target_period.period_end_date
            and not expanded.is_scoring_row
    {%- for alias, column, date in same_period_lookups %}
    left join gap_filled as {{ alias }}
        on
            expanded.store_id = {{ alias }}.store_id
            and expanded.item_id = {{ alias }}.item_id
            and {{ date }} = {{ alias }}.period_end_date
    {%- endfor %}
),

final as (
    select
        target_values.store_id,
        target_values.item_id,
        target_values.cutoff_date,
        target_values.horizon_step,
        target_values.target_date,
        cutoff_rows.is_scoring_row,
        cutoff_rows.is_backtest_origin,
        cutoff_rows.is_training_sample,
        target_values.is_training_step,
        target_values.target_quantity,
        cutoff_rows.department_id,
        cutoff_rows.category_id,
        cutoff_rows.store_type,
        cutoff_rows.region,
        cutoff_rows.quantity as quantity_at_cutoff{% for alias, column, date in same_period_lookups %},
        target_values.{{ column }}{% endfor %}{% for w in windows %},
        {%- set mean = 'quantity_mean_' ~ w ~ period_suffix() %}
        cutoff_rows.{{ mean }}_last_year{% endfor %}{% for column in feature_columns %},
        {{ column }}{% endfor %}
    from target_values
    inner join cutoff_rows
        on
            target_values.store_id = cutoff_rows.store_id
            and target_values.item_id = cutoff_rows.item_id
            and target_values.cutoff_date = cutoff_rows.period_end_date
    left join calendar_features
        on
            target_values.store_id = calendar_features.store_id
            and target_values.target_date = calendar_features.period_end_date
)

select * from final
