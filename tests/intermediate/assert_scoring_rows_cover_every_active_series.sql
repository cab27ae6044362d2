-- Every series active at the as-of date has a scoring row for every horizon step, and
-- nothing else has one. Returns the (store, item, step) pairs that break this.

with

run_context as (
    select {{ period_end_date('as_of_date') }} as as_of_period_end_date
    from {{ ref('stg_run_context') }}
),

active_series as (
    select
        ranges.store_id,
        ranges.item_id
    from {{ ref('int_series_active_ranges') }} as ranges
    inner join run_context
        on ranges.launch_period_end_date <= run_context.as_of_period_end_date
    where not ranges.is_discontinued
),

horizon_steps as (
    {{ whole_numbers_sql(feature_setting('forecast_horizon_periods'), 'horizon_step') }}
),

expected as (
    select
        active_series.store_id,
        active_series.item_id,
        horizon_steps.horizon_step
    from active_series
    cross join horizon_steps
),

scoring as (
    select
        store_id,
        item_id,
        horizon_step
    from {{ ref('int_forecast_features') }}
    where is_scoring_row
),

missing as (
    select
        expected.*,
        'missing scoring row' as problem
    from expected
    left join scoring
        on
            expected.store_id = scoring.store_id
            and expected.item_id = scoring.item_id
            and expected.horizon_step = scoring.horizon_step
    where scoring.store_id is null
),

unexpected as (
    select
        scoring.*,
        'scoring row for an inactive series' as problem
    from scoring
    left join expected
        on
            scoring.store_id = expected.store_id
            and scoring.item_id = expected.item_id
            and scoring.horizon_step = expected.horizon_step
    where expected.store_id is null
)

select * from missing
union all
select * from unexpected
