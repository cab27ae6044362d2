{#- Every candidate forecast on the same rows: the models (xgboost, prophet), the SQL
    baselines (seasonal_naive, moving_average) and their equal-weight combination
    (var combination_models), at the XGBoost scoring version's backtest origins and at
    the as-of date. One row per store_id, item_id, cutoff_date, horizon_step, model_name.
    Models without intervals of their own get split-conformal ones from their backtest
    residuals scaled by the forecast's spread, per horizon bucket; a backtest row's come
    from the other origins only, so coverage is measured out of sample. -#}

{%- set combined = var('combination_models') %}

with

xgboost as (
    select * from {{ ref('forecast_xgboost') }}
),

prophet as (
    select * from {{ ref('forecast_prophet') }}
),

baselines as (
    select * from {{ ref('baseline_forecasts') }}
),

feature_rows as (
    select * from {{ ref('int_forecast_features') }}
),

origins as (
    select distinct
        cutoff_date,
        is_backtest
    from xgboost
),

models as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        model_name,
        model_version,
        is_backtest,
        predicted_quantity,
        actual_quantity,
        lower_80,
        upper_80,
        lower_95,
        upper_95
    from xgboost
    union all
    select
        prophet.store_id,
        prophet.item_id,
        prophet.cutoff_date,
        prophet.horizon_step,
        prophet.target_date,
        prophet.model_name,
        prophet.model_version,
        prophet.is_backtest,
        prophet.predicted_quantity,
        prophet.actual_quantity,
        null as lower_80,
        null as upper_80,
        null as lower_95,
        null as upper_95
    from prophet
    inner join origins
        on prophet.cutoff_date = origins.cutoff_date
    union all
    select
        baselines.store_id,
        baselines.item_id,
        baselines.cutoff_date,
        baselines.horizon_step,
        baselines.target_date,
        baselines.model_name,
        'sql-' || baselines.model_name as model_version,
        origins.is_backtest,
        baselines.predicted_quantity,
        baselines.actual_quantity,
        null as lower_80,
        null as upper_80,
        null as lower_95,
        null as upper_95
    from baselines
    inner join origins
        on baselines.cutoff_date = origins.cutoff_date
),

combination as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        min(target_date) as target_date,
        'combination' as model_name,
        'combination-' || string_agg(model_name, '+' order by model_name) as model_version,
        bool_or(is_backtest) as is_backtest,
        avg(predicted_quantity) as predicted_quantity,
        min(actual_quantity) as actual_quantity,
        null as lower_80,
        null as upper_80,
        null as lower_95,
        null as upper_95
    from models
    where model_name in ({{ "'" ~ (combined | join("', '")) ~ "'" }})
    group by store_id, item_id, cutoff_date, horizon_step
),

candidates as (
    select * from models
    union all
    select * from combination
),

scored as (
    select
        *,
        {{ horizon_bucket('horizon_step') }} as horizon_bucket,
        abs(actual_quantity - coalesce(predicted_quantity, 0))
        / {{ forecast_spread('coalesce(predicted_quantity, 0)') }} as conformity_score
    from candidates
),

-- Per model, horizon bucket and origin: the residual quantiles of every other backtest
-- origin (for the as-of date's forecast: of all backtest origins).
calibration as (
    select
        origins.cutoff_date,
        scored.model_name,
        scored.horizon_bucket,
        percentile_cont(0.8) within group (order by scored.conformity_score) as q80,
        percentile_cont(0.95) within group (order by scored.conformity_score) as q95
    from origins
    inner join scored
        on
            scored.is_backtest
            and origins.cutoff_date <> scored.cutoff_date
    group by origins.cutoff_date, scored.model_name, scored.horizon_bucket
),

with_intervals as (
    select
        scored.store_id,
        scored.item_id,
        scored.cutoff_date,
        scored.horizon_step,
        scored.target_date,
        scored.horizon_bucket,
        scored.model_name,
        scored.model_version,
        scored.is_backtest,
        scored.predicted_quantity,
        scored.actual_quantity,
        coalesce(scored.lower_80, {{ interval_bound('scored', 'calibration.q80', '-') }}) as lower_80,
        coalesce(scored.upper_80, {{ interval_bound('scored', 'calibration.q80', '+') }}) as upper_80,
        coalesce(scored.lower_95, {{ interval_bound('scored', 'calibration.q95', '-') }}) as lower_95,
        coalesce(scored.upper_95, {{ interval_bound('scored', 'calibration.q95', '+') }}) as upper_95
    from scored
    left join calibration
        on
            scored.cutoff_date = calibration.cutoff_date
            and scored.model_name = calibration.model_name
            and scored.horizon_bucket = calibration.horizon_bucket
),

final as (
    select
        with_intervals.*,
        {{ selection_segment_id() }} as segment_id,
        coalesce(feature_rows.target_is_holiday_period, false) as is_holiday_period
    from with_intervals
    inner join feature_rows
        on
            with_intervals.store_id = feature_rows.store_id
            and with_intervals.item_id = feature_rows.item_id
            and with_intervals.cutoff_date = feature_rows.cutoff_date
            and with_intervals.horizon_step = feature_rows.horizon_step
    {#- A backtest row without an actual (no data arrived) cannot be scored. #}
    where not with_intervals.is_backtest or with_intervals.actual_quantity is not null
)

select * from final
