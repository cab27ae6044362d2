{#- Every candidate forecast on the same rows: int_candidate_point_forecasts' (the models
    xgboost and prophet, the SQL baselines seasonal_naive and moving_average, the
    intermittent-demand methods croston_sba, tsb and adida, the equal-weight combination
    of var combination_models) and 'reconciled' (forecast_reconciled: the series level of
    var reconciled_base_model's forecasts reconciled with the hierarchy's aggregates by
    MinT, on that candidate's rows; negative values stop at 0 unless
    negative_quantity_policy is keep), at the XGBoost
    scoring version's backtest origins (the grid's, when no model trained) and at the
    as-of date. The actual is the feature row's target as known today, the same for
    every candidate (a stored backtest keeps the one it was scored on). The cut-off grid is fixed (int_forecast_cutoffs), so the
    origins of a version trained on an earlier day are cut-offs of today's feature rows.
    One row per store_id, item_id, cutoff_date, horizon_step, model_name.
    Every candidate gets its intervals here, by one rule (the models bring none): split
    conformal per model and horizon bucket (macro horizon_bucket), on the scores
    |actual - predicted| / spread (macro forecast_spread, vars interval_spread_floor and
    interval_spread_power); the level's quantile is the finite-sample conformal rank
    ceil((n + 1) x level) of the n scores (macro conformal_rank). A backtest row's scores
    come from the other origins only, so coverage is measured out of sample; the as-of
    date's forecast uses every backtest origin's. -#}

{%- set clip = forecasts_stop_at_zero() %}
{%- set base_model = var('reconciled_base_model') %}

with

points as (
    select * from {{ ref('int_candidate_point_forecasts') }}
),

reconciled as (
    select * from {{ ref('forecast_reconciled') }}
),

reconciled_points as (
    {#- On the base candidate's rows: the same actual, holiday flag and segment. -#}
    select
        base.store_id,
        base.item_id,
        base.cutoff_date,
        base.horizon_step,
        base.target_date,
        reconciled.model_name,
        reconciled.model_version,
        base.is_backtest,
        {%- if clip %}
        greatest(reconciled.predicted_quantity, 0) as predicted_quantity,
        {%- else %}
        reconciled.predicted_quantity,
        {%- endif %}
        base.actual_quantity,
        base.is_holiday_period,
        base.segment_id
    from reconciled
    inner join points as base
        on
            reconciled.store_id = base.store_id
            and reconciled.item_id = base.item_id
            and reconciled.cutoff_date = base.cutoff_date
            and reconciled.horizon_step = base.horizon_step
    where {{ 'base.model_name = ' ~ sql_string(base_model) if base_model else 'false' }}
),

with_actuals as (
    select * from points
    union all
    select * from reconciled_points
),

origins as (
    {#- Every cut-off with a candidate row: the backtest origins and the as-of date. -#}
    select distinct cutoff_date
    from points
),

scored as (
    select
        *,
        {{ horizon_bucket('horizon_step') }} as horizon_bucket,
        abs(actual_quantity - coalesce(predicted_quantity, 0))
        / {{ forecast_spread('coalesce(predicted_quantity, 0)') }} as conformity_score
    from with_actuals
),

calibration_scores as (
    {#- Per origin (a backtest origin, or the as-of date's cut-off), model and horizon
        bucket: the scores of every other backtest origin, ranked. -#}
    select
        origins.cutoff_date,
        scored.model_name,
        scored.horizon_bucket,
        scored.conformity_score,
        row_number() over (
            partition by origins.cutoff_date, scored.model_name, scored.horizon_bucket
            order by scored.conformity_score
        ) as score_rank,
        count(*) over (
            partition by origins.cutoff_date, scored.model_name, scored.horizon_bucket
        ) as score_count
    from origins
    inner join scored
        on
            scored.is_backtest
            and origins.cutoff_date <> scored.cutoff_date
),

calibration as (
    select
        cutoff_date,
        model_name,
        horizon_bucket,
        {{ conformal_quantiles() }}
    from calibration_scores
    group by cutoff_date, model_name, horizon_bucket
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
        scored.segment_id,
        scored.is_holiday_period,
        {{ interval_bound('scored', 'calibration.q80', '-') }} as lower_80,
        {{ interval_bound('scored', 'calibration.q80', '+') }} as upper_80,
        {{ interval_bound('scored', 'calibration.q95', '-') }} as lower_95,
        {{ interval_bound('scored', 'calibration.q95', '+') }} as upper_95
    from scored
    left join calibration
        on
            scored.cutoff_date = calibration.cutoff_date
            and scored.model_name = calibration.model_name
            and scored.horizon_bucket = calibration.horizon_bucket
),

final as (
    select
        store_id,
        item_id,
        cutoff_date,
        horizon_step,
        target_date,
        horizon_bucket,
        model_name,
        model_version,
        is_backtest,
        predicted_quantity,
        actual_quantity,
        lower_80,
        upper_80,
        lower_95,
        upper_95,
        segment_id,
        is_holiday_period
    from with_intervals
)

select * from final
